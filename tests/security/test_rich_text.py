"""Rich text is sanitised on write, whoever writes it, and nothing a person types runs as
script on the portal's pages (portal.core.rich_text).

The attack this replays: a teacher stored `<script>` and `onerror=` in homework instructions
through the API, and every student, parent and admin who opened the homework ran it on the
portal's own origin (where /admin/ lives).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection, models
from drf_spectacular.generators import SchemaGenerator
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.fields import RichTextField

from portal.core.rich_text import SanitisedRichTextField, sanitise_rich_text
from portal.homework.models import Homework
from tests.api.matrix import CALLERS, MATRIX, ROLES

pytestmark = pytest.mark.django_db
TEACHER = "teacher1@riverside.example"
PLATFORM = "admin@example.com"
#: Runs if it reaches a page as markup: a script, an event handler, a javascript: link.
CALL = "xss_marker_1337()"
PAYLOAD = (
    f'<p>Hello</p><script>{CALL}</script><img src=x onerror="{CALL}">'
    f'<a href="javascript:{CALL}">link</a><p onclick="{CALL}">text</p>'
)
ROOT = Path(__file__).resolve().parents[2]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}


class ScriptFinder(HTMLParser):
    """Markup in a page that would run the payload: exactly the payload's call, as a script,
    an event handler or a javascript: address (JSON holding the text escaped is fine)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            value = (value or "").strip()
            handler = name.startswith("on") and CALL in value
            address = name in URL_ATTRIBUTES and value.lower().startswith("javascript:")
            if handler or (address and CALL in value):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_data(self, data):
        if self._in_script and data.strip() == CALL:
            self.found.append(f"<script>{data}</script>")

    def handle_endtag(self, tag):
        self._in_script = False


def runnable_payload(html: str) -> list[str]:
    finder = ScriptFinder()
    finder.feed(html)
    return finder.found


def test_the_finder_sees_the_payload_as_markup_and_not_as_text():
    """A control: this test file's detector catches what it should."""
    assert len(runnable_payload(PAYLOAD)) == 4
    escaped = PAYLOAD.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    assert runnable_payload(escaped) == []


def test_a_teacher_cannot_store_script_in_homework_through_the_api(api_for, client_for, riverside):
    from tests.api.matrix import homework_body

    response = api_for(TEACHER).post(
        "/api/v1/homework/", {**homework_body(riverside), "instructions": PAYLOAD}, format="json"
    )
    assert response.status_code == 201, response.content
    homework = Homework.objects.get(pk=response.json()["id"])
    assert runnable_payload(homework.instructions) == []
    assert "Hello" in homework.instructions  # the text stays
    assert runnable_payload(json.dumps(homework.latest_revision.content)) == []
    homework.latest_revision.publish()
    page = client_for("student1@riverside.example").get(homework.get_member_url())
    assert page.status_code == 200
    assert runnable_payload(page.content.decode()) == []


def test_text_stored_before_the_fix_is_cleaned_when_shown(client_for, riverside):
    """A row written before sanitising on write existed (here: straight through SQL)."""
    homework = Homework.objects.filter(school_class__centre=riverside, live=True).first()
    with connection.cursor() as cursor:  # every ORM write is cleaned: go round it
        cursor.execute(
            f'UPDATE "{Homework._meta.db_table}" SET instructions = %s WHERE id = %s',
            [PAYLOAD, homework.pk],
        )
    page = client_for("student1@riverside.example").get(homework.get_member_url())
    assert page.status_code == 200
    assert "Hello" in page.content.decode()
    assert runnable_payload(page.content.decode()) == []


def test_the_editor_features_limit_what_is_kept():
    kept = sanitise_rich_text(
        '<h2 data-block-key="k1">T</h2><h4>four</h4><a linktype="page" id="3">p</a>'
        '<a href="https://example.org/">x</a><a linktype="evil" id="x">y</a>'
        '<embed embedtype="image" id="5" format="left" alt="A"/>',
        ["h2", "link"],
    )
    assert '<h2 data-block-key="k1">T</h2>' in kept
    assert "<h4>" not in kept and "four" in kept
    assert '<a linktype="page" id="3">p</a>' in kept
    assert '<a href="https://example.org/">x</a>' in kept
    assert "evil" not in kept and "<embed" not in kept
    assert sanitise_rich_text(kept, ["h2", "link"]) == kept  # stable


def test_every_rich_text_field_is_sanitised_on_write():
    unsafe = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("portal.")
        for field in model._meta.get_fields()
        if isinstance(field, RichTextField) and not isinstance(field, SanitisedRichTextField)
    ]
    assert unsafe == []


#: Templates that may print HTML unescaped, and why.
UNESCAPED_ALLOWED = {
    # Digests are rendered from templates/digests/digest.html, which escapes what people wrote.
    "templates/digests/detail.html",
}
#: Our copies of Wagtail's admin templates (for CSP nonces) print Wagtail's own widget JSON.
WAGTAIL_OVERRIDES = "templates/wagtailadmin/"


def test_templates_show_rich_text_only_through_the_cleaning_filter():
    offenders = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        name = str(template.relative_to(ROOT))
        text = template.read_text()
        if re.search(r"\|\s*richtext\b", text):
            offenders.append(f"{name}: uses |richtext (use |rich_text)")
        allowed = name in UNESCAPED_ALLOWED or name.startswith(WAGTAIL_OVERRIDES)
        if not allowed and re.search(r"\|\s*safe\b|autoescape off", text):
            offenders.append(f"{name}: prints unescaped HTML")
    assert offenders == []


def _writable_text_fields(schema: dict, operation: dict) -> list[str]:
    """The free-text properties of an operation's JSON request body, from the schema."""
    content = operation.get("requestBody", {}).get("content", {})
    body = content.get("application/json", {}).get("schema", {})
    ref = body.get("$ref", "")
    if not ref:
        return []
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return [
        name
        for name, spec in component.get("properties", {}).items()
        if spec.get("type") == "string"
        and not spec.get("format")
        and "enum" not in spec
        and "$ref" not in spec
        and not spec.get("readOnly")
        and not spec.get("writeOnly")
        and name not in {"password", "refresh", "token", "code", "external_id"}
    ]


def _writes() -> list[tuple[str, str, str, list[str]]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    writes = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            fields = _writable_text_fields(schema, operation)
            entry = MATRIX.get(operation["operationId"])
            if fields and entry is not None and not entry.multipart:
                writes.append((operation["operationId"], method.upper(), path, fields))
    return writes


WRITES = _writes()


def test_the_walk_finds_the_text_fields_people_write():
    written = {(operation, field) for operation, *_rest, fields in WRITES for field in fields}
    assert ("homework_create", "instructions") in written
    assert ("homework_create", "title") in written
    assert len(written) >= 8


@pytest.mark.parametrize(
    ("operation_id", "method", "path", "fields"), WRITES, ids=[w[0] for w in WRITES]
)
def test_a_script_written_through_the_api_never_runs_on_a_page(
    operation_id, method, path, fields, api_for, client_for, riverside
):
    entry = MATRIX[operation_id]
    role = next(
        (role for role in reversed(ROLES) if 200 <= entry.own[role] < 300 and role != "anonymous"),
        None,
    )
    if role is None:
        pytest.fail(f"{operation_id}: no role may write it; drop it from the walk")
    if entry.target is not None:
        target = entry.target(riverside)
        path = path.replace("{id}", str(target.pk))
    body = entry.body(riverside) if entry.body else {}
    body.update(dict.fromkeys(fields, PAYLOAD))
    response = api_for(CALLERS[role]).generic(
        method, path, data=json.dumps(body), content_type="application/json"
    )
    if response.status_code == 400:
        return  # refused outright (e.g. a length limit): nothing stored
    assert 200 <= response.status_code < 300, (operation_id, response.content)
    instance = _written_object(response, path)
    if instance is None:
        return
    for url in _pages_showing(instance):
        page = client_for(PLATFORM).get(url, follow=True)
        assert page.status_code == 200, url
        assert runnable_payload(page.content.decode()) == [], url


def _written_object(response, path: str):
    """The object an API write created or changed, found by its id in the answer."""
    from django.urls import resolve

    data = response.json() if response.content else {}
    if not isinstance(data, dict) or "id" not in data:
        return None
    model = resolve(path.split("?")[0]).func.cls.serializer_class.Meta.model
    return model._default_manager.filter(pk=data["id"]).first()


def _pages_showing(instance) -> list[str]:
    """The member page and the admin edit page of an object, where it has them."""
    from portal.accounts.models import User

    urls = []
    if getattr(instance, "live", True) is False and hasattr(instance, "latest_revision"):
        instance.latest_revision.publish()
    if hasattr(instance, "get_member_url"):
        urls.append(instance.get_member_url())
    edit = AdminURLFinder(User.objects.get(email=PLATFORM)).get_edit_url(instance)
    if edit:
        urls.append(edit)
    return urls


def test_no_model_keeps_html_outside_sanitised_fields_unless_built_by_the_portal():
    """HTML-bearing text columns: rich text (sanitised), or built by our own escaping
    templates (the digest)."""
    html_columns = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("portal.")
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
        and not isinstance(field, RichTextField)
        and "html" in field.name
    }
    assert html_columns == {"digests.Digest.html"}
