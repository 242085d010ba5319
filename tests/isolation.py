"""Walks the Wagtail admin to prove centre isolation for every scoped viewset.

A test module only has to parametrize over `scoped_viewsets()`: each viewset's URLs are read
from the viewset itself, so views added later are covered without touching the tests.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.admin.utils import quote
from django.core.paginator import Page as PaginatorPage
from django.db import models
from django.urls import URLPattern, reverse
from wagtail.admin.viewsets import viewsets

from portal.core.viewsets import CentreScopedViewSetMixin

#: Stand-in values for URL arguments other than `pk` (the guard answers before they matter).
SAMPLE_URL_KWARGS = {
    "revision_id": 1,
    "revision_id_a": "earliest",
    "revision_id_b": "latest",
    "workflow_state_id": 1,
    "task_state_id": 1,
    "task_id": 1,
    "action_name": "approve",
}
#: Listing views whose context lists the objects a user can see.
LISTING_VIEW_NAMES = ("index", "index_results", "list", "list_results", "choose", "choose_results")


def _load_admin_urls() -> None:
    reverse("wagtailadmin_home")  # importing the admin URLconf registers every viewset


def all_viewsets() -> list:
    _load_admin_urls()
    return list(viewsets.viewsets)


def scoped_viewsets() -> list:
    return [vs for vs in all_viewsets() if isinstance(vs, CentreScopedViewSetMixin)]


def viewset_id(viewset) -> str:
    return viewset.url_namespace


def model_of(viewset):
    return getattr(viewset, "model_class", None) or viewset.model


def _url_kwarg_names(pattern: URLPattern) -> list[str]:
    regex = pattern.pattern.regex
    return list(regex.groupindex)


def object_urls(viewset, obj) -> Iterator[tuple[str, str]]:
    """(name, url) for every URL of the viewset that names one object."""
    for pattern in viewset.get_urlpatterns():
        names = _url_kwarg_names(pattern)
        if "pk" not in names:
            continue
        kwargs = {}
        for name in names:
            if name == "pk":
                kwargs[name] = quote(obj.pk)
            elif name in SAMPLE_URL_KWARGS:
                kwargs[name] = SAMPLE_URL_KWARGS[name]
            else:
                raise AssertionError(
                    f"{viewset_id(viewset)}:{pattern.name} takes {name!r}; add a sample value "
                    "to SAMPLE_URL_KWARGS so the isolation walk can reach it."
                )
        yield pattern.name, reverse(viewset.get_url_name(pattern.name), kwargs=kwargs)


def listing_urls(viewset) -> Iterator[tuple[str, str]]:
    for pattern in viewset.get_urlpatterns():
        if pattern.name in LISTING_VIEW_NAMES and not _url_kwarg_names(pattern):
            yield pattern.name, reverse(viewset.get_url_name(pattern.name))


def listed_on_all_pages(client, url: str, model, max_pages: int = 20) -> set:
    """Primary keys listed by a paginated listing, following its pages."""
    found: set = set()
    for number in range(1, max_pages + 1):
        response = client.get(url, {"p": number})
        assert response.status_code == 200, f"{url}?p={number} answered {response.status_code}"
        found |= listed_objects(response, model)
        context = response.context or {}
        page = context.get("page_obj") or context.get("results")
        if not isinstance(page, PaginatorPage) or not page.has_next():
            return found
    raise AssertionError(f"{url} has more than {max_pages} pages")


def listed_objects(response, model) -> set:
    """Primary keys of `model` instances the response's template context lists."""
    found = set()
    contexts = response.context or []
    for context in contexts if isinstance(contexts, list) else [contexts]:
        for value in context.flatten().values():
            if isinstance(value, models.QuerySet) and value.model is model:
                found.update(value.values_list("pk", flat=True))
            elif isinstance(value, (list, tuple, PaginatorPage)):
                found.update(item.pk for item in value if isinstance(item, model))
    return found
