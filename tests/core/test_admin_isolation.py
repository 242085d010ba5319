"""Centre isolation across every scoped Wagtail admin viewset, discovered, not listed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.home.models import CentreHomePage
from tests.isolation import (
    all_viewsets,
    listed_on_all_pages,
    listing_urls,
    model_of,
    object_urls,
    scoped_viewsets,
    viewset_id,
)

pytestmark = pytest.mark.django_db
SCOPED = scoped_viewsets()
RIVERSIDE_ADMIN = "admin@riverside.example"
PLATFORM_ADMIN = "admin@example.com"


def sample(model, centre):
    obj = model.objects.in_centres([centre.pk]).order_by("pk").first()
    assert obj is not None, f"demo data has no {model.__name__} at {centre}"
    return obj


def test_every_viewset_of_centre_owned_data_is_scoped():
    unscoped = [
        viewset_id(vs)
        for vs in all_viewsets()
        if isinstance(model_of(vs), type)
        and hasattr(model_of(vs).objects, "visible_to")
        and vs not in SCOPED
    ]
    assert SCOPED, "no scoped viewsets registered"
    assert unscoped == []


@pytest.mark.parametrize("viewset", SCOPED, ids=viewset_id)
def test_other_centres_objects_are_not_found(viewset, client_for, hillcrest):
    model = model_of(viewset)
    foreign = sample(model, hillcrest)
    client = client_for(RIVERSIDE_ADMIN)
    urls = list(object_urls(viewset, foreign))
    assert urls, f"{viewset_id(viewset)} has no object URLs to walk"
    for name, url in urls:
        assert client.get(url).status_code == 404, f"GET {name} {url}"
        assert client.post(url, {"role": "admin", "name": "x"}).status_code == 404, f"POST {name}"
    assert model.objects.filter(pk=foreign.pk).exists(), "a refused POST still changed data"


@pytest.mark.parametrize("viewset", SCOPED, ids=viewset_id)
def test_platform_admin_opens_every_centres_objects(viewset, client_for, hillcrest):
    foreign = sample(model_of(viewset), hillcrest)
    client = client_for(PLATFORM_ADMIN)
    opened = {
        name: client.get(url).status_code
        for name, url in object_urls(viewset, foreign)
        if name in ("edit", "delete", "inspect", "history", "usage", "chosen")
    }
    assert opened and set(opened.values()) == {200}, opened


@pytest.mark.parametrize("viewset", SCOPED, ids=viewset_id)
def test_listings_and_choosers_show_only_own_centre(viewset, client_for, riverside, hillcrest):
    model = model_of(viewset)
    client = client_for(RIVERSIDE_ADMIN)
    foreign = set(model.objects.in_centres([hillcrest.pk]).values_list("pk", flat=True))
    own = set(model.objects.in_centres([riverside.pk]).values_list("pk", flat=True))
    for name, url in listing_urls(viewset):
        if client.get(url).status_code in (302, 403):
            continue  # no access at all, e.g. the Centres screen is for platform admins
        listed = listed_on_all_pages(client, url, model)
        assert not listed & foreign, f"{name} lists another centre's {model.__name__}"
        assert listed & own, f"{name} lists none of the centre's own {model.__name__} (control)"


@pytest.mark.parametrize("viewset", SCOPED, ids=viewset_id)
def test_platform_admin_lists_both_centres(viewset, client_for, riverside, hillcrest):
    model = model_of(viewset)
    client = client_for(PLATFORM_ADMIN)
    _name, url = next(listing_urls(viewset))
    listed = listed_on_all_pages(client, url, model)
    for centre in (riverside, hillcrest):
        assert listed & set(model.objects.in_centres([centre.pk]).values_list("pk", flat=True))


def test_bulk_delete_of_another_centres_classes_is_not_found(client_for, hillcrest):
    from portal.classes.models import SchoolClass

    ids = list(SchoolClass.objects.in_centres([hillcrest.pk]).values_list("pk", flat=True))
    client = client_for(RIVERSIDE_ADMIN)
    url = reverse("wagtail_bulk_action", args=("classes", "schoolclass", "delete"))
    query = "&".join(f"id={pk}" for pk in ids)
    assert client.get(f"{url}?{query}").status_code == 404
    assert client.post(f"{url}?{query}").status_code == 404
    assert SchoolClass.objects.filter(pk__in=ids).count() == len(ids)


def test_bulk_delete_of_all_reaches_only_own_centre(client_for, riverside, hillcrest):
    from portal.classes.models import SchoolClass

    client = client_for(RIVERSIDE_ADMIN)
    url = reverse("wagtail_bulk_action", args=("classes", "schoolclass", "delete"))
    response = client.get(f"{url}?id=all")
    assert response.status_code == 200
    offered = {item["item"].pk for item in response.context["items"]}
    assert offered == set(
        SchoolClass.objects.in_centres([riverside.pk]).values_list("pk", flat=True)
    )
    client.post(f"{url}?id=all")
    assert not SchoolClass.objects.in_centres([riverside.pk]).exists()
    assert SchoolClass.objects.in_centres([hillcrest.pk]).count() == 3


class TestPages:
    @pytest.fixture
    def pages(self, riverside, hillcrest):
        return (
            CentreHomePage.objects.get(centre=riverside),
            CentreHomePage.objects.get(centre=hillcrest),
        )

    @pytest.mark.parametrize(
        "url_name",
        [
            "wagtailadmin_explore",
            "wagtailadmin_pages:edit",
            "wagtailadmin_pages:history",
            "wagtailadmin_pages:revisions_index",
            "wagtailadmin_pages:delete",
            "wagtailadmin_pages:copy",
            "wagtailadmin_pages:move",
            "wagtailadmin_pages:add_subpage",
            "wagtailadmin_pages:preview_on_edit",
            "wagtailadmin_pages:lock",
            "wagtailadmin_choose_page_child",
        ],
    )
    def test_other_centres_pages_are_not_found(self, url_name, pages, client_for):
        own, foreign = pages
        client = client_for(RIVERSIDE_ADMIN)
        assert client.get(reverse(url_name, args=[foreign.pk])).status_code == 404
        assert client.get(reverse(url_name, args=[own.pk])).status_code != 404

    def test_page_chooser_and_search_offer_only_own_centre(self, pages, client_for):
        _own, foreign = pages
        client = client_for(RIVERSIDE_ADMIN)
        chooser = client.get(reverse("wagtailadmin_choose_page"))
        search = client.get(reverse("wagtailadmin_pages:search"), {"q": "a"})
        for response in (chooser, search):
            assert response.status_code == 200
            assert foreign.title not in response.content.decode()

    def test_platform_admin_reaches_every_centres_pages(self, pages, client_for):
        client = client_for(PLATFORM_ADMIN)
        for page in pages:
            assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200

    def test_site_history_is_for_platform_admins_only(self, client_for):
        url = reverse("wagtailadmin_reports:site_history")
        assert client_for(RIVERSIDE_ADMIN).get(url).status_code == 404
        assert client_for(PLATFORM_ADMIN).get(url).status_code == 200
