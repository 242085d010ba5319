"""Reads every list a person can open over HTTP, after writing a marker into all the text the
other centre owns, and reports whatever of the other centre shows up.

Nothing is listed by hand: centre-owned models come from the app registry (their manager has
`visible_to`), API lists from the OpenAPI schema and the URL conf, member pages from the
`member` URL namespace and admin listings from `tests/isolation.py`. A model, list or page
added later is covered without touching the tests.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Page as PaginatorPage
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from wagtail.models import Collection, Page, Revision, RevisionMixin
from wagtail.models.audit_log import BaseLogEntry

from portal.accounts.models import User
from portal.centres.models import Centre, Membership
from tests.api.matrix import CALLERS, ROLES

#: Written into the other centre's text (lower case: e-mail addresses are stored lower-cased).
FOREIGN_MARKER = "qxhillmark"
#: Written into the own centre's text: pages that render rows at all show it (the control).
OWN_MARKER = "qxrivermark"
#: The roles of one centre whose reading is checked (the API matrix's callers, all at
#: Riverside); the platform admin is the positive control.
RIVERSIDE_ROLES = tuple(role for role in ROLES if role not in ("platform", "anonymous"))
#: Text columns that are identifiers to the code, not words: a log entry's action names a
#: registered action, its object id a primary key; a password is a hash.
IDENTIFIER_COLUMNS = {(BaseLogEntry, "action"), (BaseLogEntry, "object_id"), (User, "password")}


# Planting ---------------------------------------------------------------------------------


def centre_scoped_models() -> list[type[models.Model]]:
    """Every model whose rows belong to a centre: its manager reads through `visible_to`."""
    return [model for model in apps.get_models() if hasattr(model._default_manager, "visible_to")]


def rows_of(model: type[models.Model], centre: Centre) -> models.QuerySet:
    """All of the centre's rows of a centre-owned model, default manager filters or not."""
    path = model._default_manager.get_queryset().centre_path
    return model._base_manager.filter(**{f"{path}__in": [centre.pk]})


def people_only_at(centre: Centre) -> models.QuerySet:
    """People whose every membership is at `centre` (not platform admins)."""
    elsewhere = Membership.objects.exclude(centre=centre).values("user_id")
    at_centre = Membership.objects.filter(centre=centre).values("user_id")
    return User.objects.filter(pk__in=at_centre, is_superuser=False).exclude(pk__in=elsewhere)


def text_columns(model: type[models.Model]) -> list[models.Field]:
    """The columns that hold words: text without fixed choices, other than identifiers."""
    return [
        column
        for column in model._meta.concrete_fields
        if isinstance(column, (models.CharField, models.TextField))
        and not column.choices
        and not column.primary_key
        and not any(
            issubclass(model, owner) and column.name == name for owner, name in IDENTIFIER_COLUMNS
        )
    ]


class Marker:
    """Hands out values carrying a marker word, each one unique (`qxhillmark12x`): no value is
    the beginning of another, so one value can be allowed without allowing any other."""

    def __init__(self, word: str):
        self.word = word
        self._serial = itertools.count(1)

    def token(self) -> str:
        return f"{self.word}{next(self._serial)}x"

    def value_for(self, column: models.Field) -> str:
        token = self.token()
        if isinstance(column, models.EmailField):
            return f"{token}@{self.word}.example"
        if isinstance(column, models.URLField):
            return f"https://{token}.example/"
        if isinstance(column, models.TextField) and "RichText" in type(column).__name__:
            return f"<p>{token}</p>"
        return token


def _mark_rows(rows: Iterable[models.Model], model, marker: Marker) -> int:
    """Write the marker into every text column of `rows` whose validation accepts it (length,
    validators); returns how many values were written."""
    rows = list(rows)
    columns = text_columns(model)
    written: set[str] = set()
    count = 0
    for row in rows:
        for column in columns:
            value = marker.value_for(column)
            try:
                column.clean(value, row)
            except ValidationError:
                continue  # e.g. a time zone name, or a code shorter than the marker
            setattr(row, column.attname, value)
            written.add(column.attname)
            count += 1
    if written:
        model._base_manager.bulk_update(rows, sorted(written), batch_size=500)
    return count


def _mark_titles(rows: Iterable[models.Model], marker: Marker, *names: str) -> int:
    rows = list(rows)
    for row in rows:
        token = marker.token()
        for name in names:
            setattr(row, name, token)
    if rows:
        type(rows[0])._base_manager.bulk_update(rows, list(names))
    return len(rows)


def _keys(rows: models.QuerySet) -> list[str]:
    """Primary keys as generic relations (revisions, log entries) store them."""
    return [str(pk) for pk in rows.values_list("pk", flat=True)]


def _mark_wagtail_content(centre: Centre, marker: Marker) -> int:
    """The centre's pages (its home page and below), the revisions of its pages and records
    (the titles Wagtail's reports and histories show), its collections and the documents and
    images in them: titles and names only, so addresses and files keep working."""
    count = 0
    pages = Page.objects.none()
    home = Page.objects.filter(centrehomepage__centre=centre).first()
    if home is not None:
        pages = Page.objects.descendant_of(home, inclusive=True)
        count += _mark_titles(pages, marker, "title", "draft_title")
    revisions = Revision.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page), object_id__in=_keys(pages)
    )
    for model in centre_scoped_models():
        if issubclass(model, RevisionMixin):
            revisions |= Revision.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=_keys(rows_of(model, centre)),
            )
    count += _mark_titles(revisions, marker, "object_str")
    if centre.collection_id is not None:
        collections = Collection.objects.descendant_of(centre.collection, inclusive=True)
        count += _mark_titles(collections, marker, "name")
        for model in apps.get_models():
            names = {column.name for column in model._meta.concrete_fields}
            if {"collection", "title"} <= names:
                files = model._base_manager.filter(collection__in=collections)
                count += _mark_titles(files, marker, "title")
    return count


@dataclass
class Planted:
    """What carries the marker: values written per model label."""

    marker: str
    values: dict[str, int] = field(default_factory=dict)


def plant_marker(centre: Centre, word: str) -> Planted:
    """Write `word` into every text column of the centre's rows of every centre-owned model,
    of the people who belong to that centre only, and of its Wagtail pages and files."""
    centre = Centre.objects.get(pk=centre.pk)  # its collection, before its name changes
    marker = Marker(word)
    planted = Planted(word)
    for model in centre_scoped_models():
        written = _mark_rows(rows_of(model, centre), model, marker)
        if written:
            planted.values[model._meta.label] = written
    planted.values["accounts.User"] = _mark_rows(people_only_at(centre), User, marker)
    planted.values["wagtail content"] = _mark_wagtail_content(centre, marker)
    return planted


@dataclass
class Addressed:
    """What of another centre is the reader's own to see: rows addressed to them (an invitation
    to join it: they are not in that centre yet, so `visible_to` cannot show it to them) and
    the name of the centre they come from."""

    texts: set[str] = field(default_factory=set)
    rows: set[tuple[type[models.Model], object]] = field(default_factory=set)

    def strip(self, content: bytes) -> bytes:
        for text in self.texts:
            content = content.replace(text.encode(), b"")
        return content


def addressed_to(user: User, centre: Centre) -> Addressed:
    """The rows of `centre` whose queryset says they are addressed to `user` (`addressed_to`)."""
    found = Addressed()
    for model in centre_scoped_models():
        queryset = model._default_manager.get_queryset()
        if not hasattr(queryset, "addressed_to"):
            continue
        mine = queryset.addressed_to(user).values("pk")
        for row in rows_of(model, centre).filter(pk__in=mine):
            found.rows.add((model, row.pk))
            found.texts.update(getattr(row, column.attname) for column in text_columns(model))
    if found.rows:
        centre = Centre.objects.get(pk=centre.pk)
        found.rows.add((Centre, centre.pk))
        found.texts.add(str(centre))
    found.texts.discard("")
    return found


def callers_by_role() -> dict[str, User]:
    """The matrix's signed-in callers, looked up before the marking renames people."""
    return {role: User.objects.get(email=email) for role, email in CALLERS.items() if email}


# Discovery --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListEndpoint:
    operation_id: str
    path: str
    model: type[models.Model]

    def __str__(self) -> str:
        return self.operation_id


def _resolve_ref(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        *_, name = node["$ref"].split("/")
        node = schema["components"]["schemas"][name]
    return node


def _returns_a_list(schema: dict, operation: dict) -> bool:
    """A 200 whose JSON body is an array, or a page of one (`results`)."""
    content = operation.get("responses", {}).get("200", {}).get("content", {})
    body = content.get("application/json", {}).get("schema")
    if body is None:
        return False
    body = _resolve_ref(schema, body)
    if body.get("type") == "array":
        return True
    results = body.get("properties", {}).get("results")
    return results is not None and _resolve_ref(schema, results).get("type") == "array"


def _model_of_view(path: str) -> type[models.Model]:
    view = resolve(path).func
    view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
    model = getattr(view_class, "model", None)
    if model is None and getattr(view_class, "queryset", None) is not None:
        model = view_class.queryset.model
    assert model is not None, f"{path}: cannot tell which model {view_class} lists"
    return model


def api_list_endpoints() -> list[ListEndpoint]:
    """Every GET of the API schema without a path parameter whose answer is a list."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        ListEndpoint(operation["operationId"], path, _model_of_view(path))
        for path, methods in schema["paths"].items()
        if "{" not in path
        for method, operation in methods.items()
        if method == "get" and _returns_a_list(schema, operation)
    ]


def _walk(patterns, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    """(namespaced name, pattern) of every named URL pattern."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def _takes_arguments(pattern: URLPattern) -> bool:
    return bool(pattern.pattern.regex.groups) or bool(pattern.default_args)


def routed_api_lists() -> set[str]:
    """Paths of every API route whose GET is a viewset's `list`, read from the URL conf."""
    from rest_framework.mixins import ListModelMixin

    found = set()
    for name, pattern in _walk(get_resolver().url_patterns):
        if _takes_arguments(pattern):
            continue
        view_class = getattr(pattern.callback, "cls", None)
        actions = getattr(pattern.callback, "actions", None) or {}
        if actions.get("get") == "list" or (
            not actions and view_class is not None and issubclass(view_class, ListModelMixin)
        ):
            found.add(reverse(name))
    return found


def member_pages() -> list[str]:
    """Every page of the member site (`/my/…`) whose address names no object."""
    return sorted(
        reverse(name)
        for name, pattern in _walk(get_resolver().url_patterns)
        if name.startswith("member:") and not _takes_arguments(pattern)
    )


#: Admin addresses without arguments that are not pages of data to read.
ADMIN_NOT_READ = {
    "wagtailadmin_logout": "signs the reader out",
    "wagtailadmin_error_test": "fails on purpose",
    "wagtailadmin_login": "the sign-in form",
    "wagtailadmin_password_reset": "a public form",
    "wagtailadmin_password_reset_done": "a public notice",
    "wagtailadmin_password_reset_complete": "a public notice",
    "wagtailadmin_javascript_catalog": "translations",
    "wagtailadmin_sprite": "icons",
}


def admin_pages_without_ids() -> list[str]:
    """Every admin listing and chooser of a registered viewset (as `tests/isolation.py` finds
    them), and every other admin address that takes no argument: dashboards, reports, the
    explorer and page chooser, the admin API's listings and the add forms with their pickers."""
    from tests.isolation import all_viewsets, listing_urls

    listings = {url for viewset in all_viewsets() for _name, url in listing_urls(viewset)}
    admin_root = reverse("wagtailadmin_home")
    others = {
        reverse(name)
        for name, pattern in _walk(get_resolver().url_patterns)
        if not _takes_arguments(pattern) and name not in ADMIN_NOT_READ
    }
    return sorted(listings | {url for url in others if url.startswith(admin_root)})


# Crawling ---------------------------------------------------------------------------------


def api_pages(client, path: str, max_pages: int = 200) -> list:
    """The responses of a list, following its `next` links (page numbers or cursors)."""
    responses = []
    url = path
    while url:
        response = client.get(url)
        responses.append(response)
        if response.status_code != 200:
            break
        body = response.json()
        url = body.get("next") if isinstance(body, dict) else None
        assert len(responses) < max_pages, f"{path} has more than {max_pages} pages"
    return responses


def api_items(responses) -> list[dict]:
    items = []
    for response in responses:
        if response.status_code == 200:
            body = response.json()
            items += body["results"] if isinstance(body, dict) else body
    return items


def follow_admin_pages(client, url: str, max_pages: int = 50) -> list:
    """The responses of an admin listing, following its pages (`?p=`) while it says there
    are more."""
    responses = []
    for number in range(1, max_pages + 1):
        response = client.get(url, {"p": number} if number > 1 else {})
        responses.append(response)
        context = response.context or {}
        page = context.get("page_obj") if response.status_code == 200 else None
        if not isinstance(page, PaginatorPage) or not page.has_next():
            return responses
    raise AssertionError(f"{url} has more than {max_pages} pages")


def _body(response, addressed: Addressed | None) -> bytes:
    """The response's body (a streamed one read once), less what is addressed to the reader."""
    if not hasattr(response, "_read_body"):
        streamed = getattr(response, "streaming", False)
        chunks = response.streaming_content if streamed else [response.content]
        response._read_body = b"".join(chunks)
    return response._read_body if addressed is None else addressed.strip(response._read_body)


def shows(response, marker: str, addressed: Addressed | None = None) -> bool:
    """Whether the response shows the marker, besides what is addressed to the reader."""
    return marker.encode() in _body(response, addressed).lower()


def excerpt(response, marker: str, addressed: Addressed | None = None, width: int = 100) -> str:
    """The text around the first place the response shows the marker."""
    text = _body(response, addressed).decode(errors="replace")
    at = text.lower().find(marker)
    return " ".join(text[max(at - width, 0) : at + len(marker) + 20].split())


def ids_at(model: type[models.Model], centre: Centre) -> set:
    """Ids of the centre's rows of `model` (its only-there people, for the user model)."""
    if model is User:
        return set(people_only_at(centre).values_list("pk", flat=True))
    if hasattr(model._default_manager, "visible_to"):
        return set(rows_of(model, centre).values_list("pk", flat=True))
    return set()


def related_ids_in(item: dict, model: type[models.Model]) -> Iterator[tuple[str, type, object]]:
    """(key, related model, id) for each key of a listed row that is one of the model's
    relations by name (`"centre": 3`, `"teachers": [4, 5]`)."""
    for key, value in item.items():
        try:
            relation = model._meta.get_field(key)
        except FieldDoesNotExist:  # a computed or renamed key
            continue
        if not relation.is_relation or relation.related_model is None:
            continue
        for pk in value if isinstance(value, list) else [value]:
            if isinstance(pk, (int, str)):
                yield key, relation.related_model, pk
