from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.classes.models import SchoolClass
from portal.homework.models import Homework, LatePolicy
from tests.api.conftest import api_for  # noqa: F401 - a fixture for the API tests here


@pytest.fixture
def private_files(settings, tmp_path):
    """Uploads of these tests land in a temporary folder, not the machine's var/private."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def set_homework(person):
    """Live homework for a class, due `due_in` from now: set_homework("riverside", "7M1")."""

    def make(slug: str, code: str, *, due_in=dt.timedelta(days=2), **fields) -> Homework:
        school_class = SchoolClass.objects.get(centre__slug=slug, code=code)
        fields.setdefault("max_points", 20)
        fields.setdefault("late_policy", LatePolicy.FLAG)
        fields.setdefault("live", True)
        return Homework.objects.create(
            school_class=school_class,
            title=fields.pop("title", f"Worksheet for {code}"),
            instructions="<p>Answer every question.</p>",
            due_at=timezone.now() + due_in,
            **fields,
        )

    return make


def upload(name: str = "answers.txt", content: bytes = b"42\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "text/plain")
