"""Content-Security-Policy on every kind of page, with a nonce on exactly the inline scripts
Wagtail's admin needs (see tests/browser/test_csp.py for the same pages in a real browser)."""

from __future__ import annotations

import re

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.shortcuts import resolve_url
from django.template import Context, Template
from django.template.loader import get_template
from django.test import AsyncClient

from portal.classes.models import SchoolClass
from portal.homework.models import Homework
from tests.homework.helpers import homework_form, url
from tests.processes import ROOT

pytestmark = pytest.mark.django_db
TEACHER = "teacher1@riverside.example"
STUDENT = "student1@riverside.example"
NONCE = re.compile(r"'nonce-([A-Za-z0-9+/=]+)'")


def policy(response) -> dict[str, list[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: values for name, *values in directives}


def assert_strict(response, frame_ancestors: str = "'none'") -> dict[str, list[str]]:
    found = policy(response)
    assert found["default-src"] == ["'self'"]
    assert found["script-src"][0] == "'self'"
    assert all(v == "'self'" or NONCE.fullmatch(v) for v in found["script-src"]), found
    assert found["object-src"] == ["'none'"]
    assert found["frame-ancestors"] == [frame_ancestors]
    assert found["base-uri"] == ["'self'"]
    assert found["form-action"] == ["'self'"]
    assert found["img-src"] == ["'self'", "data:", "blob:"]
    assert found["style-src"] == ["'self'", "'unsafe-inline'"]
    return found


def inline_scripts(html: str) -> list[str]:
    """Opening tags of scripts that run inline (no src, a JavaScript type)."""
    tags = re.findall(r"<script\b[^>]*>", html)
    return [t for t in tags if "src=" not in t and "application/json" not in t]


@pytest.fixture
def live_homework(riverside):
    return Homework.objects.create(
        school_class=SchoolClass.objects.get(centre=riverside, code="7M1"),
        title="Fractions",
        instructions="<p>Page 12.</p>",
        due_at="2026-12-04T09:00Z",
        live=True,
    )


def test_member_public_and_homework_pages_carry_the_policy(client_for, client, live_homework):
    for public in ("/", resolve_url(settings.LOGIN_URL)):  # a Wagtail page, the sign-in page
        response = client.get(public)
        assert response.status_code == 200, public
        assert_strict(response)
    student = client_for(STUDENT)
    for path in ("/my/", f"/homework/{live_homework.pk}/"):
        response = student.get(path)
        assert response.status_code == 200, path
        found = assert_strict(response)
        # Our own templates have no inline script: no nonce is asked for, none is sent.
        assert found["script-src"] == ["'self'"], path
        assert inline_scripts(response.content.decode()) == [], path


def test_admin_pages_carry_the_policy_and_each_inline_script_its_nonce(client_for):
    teacher = client_for(TEACHER)
    assert_strict(teacher.get("/admin/snippets/homework/homework/"))
    editor = teacher.get(url("add"))
    assert editor.status_code == 200
    (nonce,) = NONCE.findall(editor["Content-Security-Policy"])
    html = editor.content.decode()
    assert set(inline_scripts(html)) == {f'<script nonce="{nonce}">'}
    scripts = re.findall(r"(<script\b[^>]*>)(.*?)</script>", html, re.DOTALL)
    # Among them every kind Wagtail renders into the homework editor: the date and date-time
    # pickers, the attachments panel, and the document chooser in the panel's template for a
    # new attachment (a script the widget writes in Python, not in a template).
    bodies = " ".join(body for tag, body in scripts if "nonce" in tag)
    for call in (
        "initDateChooser(",
        "initDateTimeChooser(",
        "new InlinePanel(",
        "new DocumentChooser(",
    ):
        assert call in bodies, call


def test_served_over_asgi_the_nonce_is_made_only_when_a_page_asks(client_for):
    """As daphne serves it (the middleware crosses from async to sync and back)."""
    cookies = client_for(TEACHER).cookies
    asgi = AsyncClient()
    asgi.cookies = cookies

    async def fetch(*paths):
        return [await asgi.get(path) for path in paths]

    member, editor = async_to_sync(fetch)("/my/", url("add"))
    assert assert_strict(member)["script-src"] == ["'self'"]
    (nonce,) = NONCE.findall(editor["Content-Security-Policy"])
    assert set(inline_scripts(editor.content.decode())) == {f'<script nonce="{nonce}">'}


def test_a_fresh_nonce_for_every_response(client_for):
    teacher = client_for(TEACHER)
    first, second = (
        NONCE.findall(teacher.get(url("add"))["Content-Security-Policy"]) for _ in "12"
    )
    assert first != second


def test_the_preview_panel_may_be_framed_by_the_admin_only(client_for, riverside):
    teacher = client_for(TEACHER)
    maths = SchoolClass.objects.get(centre=riverside, code="7M1")
    preview = url("preview_on_add")
    assert teacher.post(preview, homework_form(maths)).json()["is_valid"]
    response = teacher.get(preview)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert_strict(response, frame_ancestors="'self'")
    assert_strict(teacher.get(url("add")), frame_ancestors="'none'")


def test_the_nonce_tag_outside_a_request_is_empty():
    assert Template("{% load portal_csp %}[{% csp_nonce %}]").render(Context()) == "[]"


OVERRIDES = [
    "wagtailadmin/panels/inline_panel.html",
    "wagtailadmin/panels/multiple_chooser_panel.html",
    "wagtailadmin/widgets/date_input.html",
    "wagtailadmin/widgets/time_input.html",
    "wagtailadmin/widgets/datetime_input.html",
]


@pytest.mark.parametrize("name", OVERRIDES)
def test_the_wagtail_overrides_are_the_ones_used_and_stay_thin(name):
    template = get_template(name)  # compiles, with the Wagtail original it extends
    assert template.origin.name == str(ROOT / "templates" / name)
    source = (ROOT / "templates" / name).read_text()
    assert 'nonce="{% csp_nonce %}"' in source
    if "/panels/" in name:
        assert source.startswith(f'{{% extends "{name}" %}}')
    else:  # one line: the field Django renders, and Wagtail's call with the nonce
        assert source.count("\n") == 0 and '{% include "django/forms/widgets/' in source


OWN_TEMPLATES = [
    path
    for folder in (ROOT / "templates", ROOT / "portal")
    for path in folder.rglob("*.html")
    if "templates" in path.parts
]


def test_our_templates_have_no_inline_script_or_handler_without_the_nonce():
    assert len(OWN_TEMPLATES) > 30
    offenders = []
    for path in OWN_TEMPLATES:
        text = path.read_text()
        for tag in inline_scripts(text):
            if 'nonce="{% csp_nonce %}"' not in tag:
                offenders.append(f"{path.relative_to(ROOT)}: {tag}")
        for handler in re.findall(r"<[a-z][^>]*\son[a-z]+\s*=", text):
            offenders.append(f"{path.relative_to(ROOT)}: {handler}")
        if "javascript:" in text:
            offenders.append(f"{path.relative_to(ROOT)}: javascript: URL")
    assert offenders == []
