"""The guardian's digest archive: member pages and API; another person's digest is a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.digests.models import Digest
from portal.digests.services import weekly_digests_send
from tests.digests.helpers import announcement, at, monday_in

pytestmark = pytest.mark.django_db
PARENT = "parent1@riverside.example"


@pytest.fixture
def sent_week(riverside):
    start = monday_in(riverside, 50)
    announcement(riverside, "Archive <b>news</b>", published_at=at(riverside, start))
    weekly_digests_send(centre=riverside, week_start=start)
    return start


def test_the_archive_lists_my_digests_by_week_and_opens_one(client_for, person, sent_week):
    parent = person(PARENT)
    digest = Digest.objects.get(guardian=parent, week_start=sent_week)
    client = client_for(PARENT)

    listing = client.get(reverse("member:digests"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert reverse("member:digest", args=[digest.pk]) in page
    assert f"Week of {sent_week:%-d %B %Y}" in page
    # the demo data's past weeks are there too, newest first
    weeks = list(Digest.objects.delivered().filter(guardian=parent).values_list("pk", flat=True))
    assert len(weeks) >= 2
    positions = [page.index(reverse("member:digest", args=[pk])) for pk in weeks]
    assert positions == sorted(positions)

    opened = client.get(reverse("member:digest", args=[digest.pk]))
    assert opened.status_code == 200
    body = opened.content.decode()
    assert "Student 16" in body and "Riverside Academy" in body
    assert "Archive &lt;b&gt;news&lt;/b&gt;" in body  # escaped when it was rendered
    assert "<b>news</b>" not in body
    assert body.count("<html") == 1  # shown inside the site's page, not as a second document
    assert 'class="site-header"' in body


def test_the_dashboard_links_to_the_archive(client_for):
    assert reverse("member:digests").encode() in client_for(PARENT).get("/my/").content


def test_another_guardians_digest_is_not_found(client_for, person, sent_week, hillcrest):
    theirs = Digest.objects.get(guardian=person("parent2@riverside.example"), week_start=sent_week)
    elsewhere = Digest.objects.delivered().filter(centre=hillcrest).first()
    for email in (PARENT, "admin@riverside.example", "teacher1@riverside.example"):
        client = client_for(email)
        assert client.get(reverse("member:digest", args=[theirs.pk])).status_code == 404
        assert client.get(reverse("member:digest", args=[elsewhere.pk])).status_code == 404
        listing = client.get(reverse("member:digests")).content.decode()
        assert reverse("member:digest", args=[theirs.pk]) not in listing


def test_skipped_and_unsent_digests_are_not_in_the_archive(client_for, person, riverside):
    start = monday_in(riverside, 51)
    parent = person(PARENT)
    pending = Digest.objects.create(
        centre=riverside, guardian=parent, week_start=start, subject="Not yet", html="<p>x</p>"
    )
    client = client_for(PARENT)
    assert client.get(reverse("member:digest", args=[pending.pk])).status_code == 404
    assert b"Not yet" not in client.get(reverse("member:digests")).content


def test_the_api_lists_and_retrieves_my_digests(api_for, person, sent_week):
    parent = person(PARENT)
    digest = Digest.objects.get(guardian=parent, week_start=sent_week)
    client = api_for(PARENT)

    listing = client.get("/api/v1/digests/", {"page_size": 1})
    assert listing.status_code == 200
    data = listing.json()
    assert [row["id"] for row in data["results"]] == [digest.pk]  # newest week first
    assert set(data["results"][0]) == {
        "id",
        "centre",
        "week_start",
        "subject",
        "item_count",
        "sent_at",
    }
    assert data["next"]
    older = client.get(data["next"]).json()["results"]
    assert older and older[0]["week_start"] < sent_week.isoformat()

    one = client.get(f"/api/v1/digests/{digest.pk}/").json()
    assert one["html"] == digest.html and one["text"] == digest.text
    assert one["week_start"] == sent_week.isoformat()
    assert [c["name"] for c in one["summary"]["children"]] == ["Student 1", "Student 16"]

    theirs = Digest.objects.get(guardian=person("parent2@riverside.example"), week_start=sent_week)
    assert client.get(f"/api/v1/digests/{theirs.pk}/").status_code == 404
    admin = api_for("admin@riverside.example")
    assert admin.get(f"/api/v1/digests/{digest.pk}/").status_code == 404
    assert admin.get("/api/v1/digests/").json()["results"] == []
