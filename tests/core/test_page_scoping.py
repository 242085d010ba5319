"""The member site's and the Wagtail admin's pages that name no object, opened by every
Riverside role after a marker was written into all of Hillcrest's text: none shows it. The
pages are discovered (URL conf, admin viewsets), so a page added later is opened here too."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portal.home.models import CentreHomePage
from portal.member import calendar
from tests.isolation_http import (
    FOREIGN_MARKER,
    OWN_MARKER,
    RIVERSIDE_ROLES,
    Addressed,
    addressed_to,
    admin_pages_without_ids,
    callers_by_role,
    excerpt,
    follow_admin_pages,
    member_pages,
    plant_marker,
    shows,
)

pytestmark = pytest.mark.django_db
MEMBER_PAGES = member_pages()
ADMIN_PAGES = admin_pages_without_ids()


def test_discovery_finds_the_pages():
    assert {"/my/", "/my/notifications/", "/my/digests/", "/my/settings/"} <= set(MEMBER_PAGES)
    assert len(ADMIN_PAGES) >= 60, ADMIN_PAGES
    assert reverse("members:index") in ADMIN_PAGES


@pytest.fixture
def callers(db):
    return callers_by_role()


@pytest.fixture
def browsers(callers):
    """A signed-in browser per role."""
    signed_in = {}
    for role, user in callers.items():
        signed_in[role] = Client()
        signed_in[role].force_login(user)
    return signed_in


@pytest.fixture
def member_site(callers, riverside):
    """Per role, the member pages plus the role's calendar feed and the centre's own pages."""
    centre_pages = [
        page.url for page in CentreHomePage.objects.get(centre=riverside).get_descendants(True)
    ]
    return {
        role: [
            *MEMBER_PAGES,
            reverse("calendar_feed", args=[calendar.calendar_feed_for(user=user).token]),
            *centre_pages,
        ]
        for role, user in callers.items()
    }


@pytest.fixture
def marked(browsers, member_site, riverside, hillcrest):
    return plant_marker(hillcrest, FOREIGN_MARKER), plant_marker(riverside, OWN_MARKER)


def read(browser, urls, follow_pages: bool = False) -> dict:
    """url → its responses (all pages of a listing)."""
    return {
        url: follow_admin_pages(browser, url) if follow_pages else [browser.get(url)]
        for url in urls
    }


def showing(pages: dict, marker: str) -> list[str]:
    return [url for url, responses in pages.items() if any(shows(r, marker) for r in responses)]


def leaks(pages: dict, addressed: Addressed) -> list[str]:
    """Each page showing the other centre's marker, besides what is addressed to the reader
    (an invitation to join that centre), with the text around it."""
    return [
        f"{url}: …{excerpt(response, FOREIGN_MARKER, addressed)}…"
        for url, responses in pages.items()
        for response in responses
        if shows(response, FOREIGN_MARKER, addressed)
    ]


@pytest.mark.parametrize("role", RIVERSIDE_ROLES)
def test_member_pages_show_nothing_of_the_other_centre(
    role, callers, browsers, member_site, marked, hillcrest
):
    pages = read(browsers[role], member_site[role])
    found = leaks(pages, addressed_to(callers[role], hillcrest))
    statuses = {url: responses[0].status_code for url, responses in pages.items()}
    # A page for posting only (switching centre) answers 405 to a GET.
    assert set(statuses.values()) <= {200, 405}, statuses
    assert found == [], "\n".join(found)
    assert showing(pages, OWN_MARKER), f"{role} saw no Riverside text on any page (control)"


@pytest.mark.parametrize("role", RIVERSIDE_ROLES)
def test_admin_pages_show_nothing_of_the_other_centre(role, callers, browsers, marked, hillcrest):
    pages = read(browsers[role], ADMIN_PAGES, follow_pages=True)
    found = leaks(pages, addressed_to(callers[role], hillcrest))
    statuses = {url: responses[-1].status_code for url, responses in pages.items()}
    assert set(statuses.values()) <= {200, 302, 400, 403, 404, 405}, statuses
    assert found == [], "\n".join(found)
    if statuses[reverse("wagtailadmin_home")] == 200:
        # The control, for those who may use the admin at all.
        assert showing(pages, OWN_MARKER), f"{role} saw no Riverside text in the admin"


def test_platform_admin_sees_the_marker_in_the_admin(browsers, marked):
    """The positive control: what the marking wrote does reach admin pages."""
    pages = read(browsers["platform"], ADMIN_PAGES, follow_pages=True)
    assert len(showing(pages, FOREIGN_MARKER)) >= 10, showing(pages, FOREIGN_MARKER)
