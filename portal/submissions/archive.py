"""All submissions of a homework as one zip, streamed: files are copied chunk by chunk into
the response, so neither the zip nor any file is ever held in memory whole."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator

from django.utils.text import get_valid_filename, slugify

from portal.accounts.models import User
from portal.homework.models import Homework
from portal.submissions.models import Submission


class _Chunks:
    """A write-only file object whose written bytes are collected until drained."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def archive_name(homework: Homework) -> str:
    return f"{slugify(homework.school_class.code)}-{slugify(homework.title)}-submissions.zip"


def _entries(homework: Homework, viewer: User) -> list[tuple[str, object]]:
    """(name in the zip, file or text) for every submission the viewer may grade."""
    entries = []
    submissions = (
        Submission.objects.visible_to(viewer)
        .gradable_by(viewer)
        .filter(homework=homework)
        .select_related("student")
        .prefetch_related("files")
        .order_by("student__last_name", "student__first_name", "pk")
    )
    for submission in submissions:
        student = submission.student
        folder = get_valid_filename(f"{student.last_name}_{student.first_name}_{student.pk}")
        if submission.is_late:
            folder += "_LATE"
        if submission.text:
            entries.append((f"{folder}/answer.txt", submission.text))
        for handed_in in submission.files.all():
            entries.append((f"{folder}/{get_valid_filename(handed_in.name)}", handed_in.file))
    return entries


def submissions_zip(*, homework: Homework, viewer: User) -> Iterator[bytes]:
    """The zip's bytes, piece by piece. The list of files is read now, inside the request's
    transaction; the files themselves while the response streams."""
    entries = _entries(homework, viewer)

    def generate() -> Iterator[bytes]:
        out = _Chunks()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, content in entries:
                if isinstance(content, str):
                    archive.writestr(name, content)
                    yield out.drain()
                    continue
                with archive.open(name, "w", force_zip64=True) as target, content.open("rb"):
                    for chunk in content.chunks():
                        target.write(chunk)
                        yield out.drain()
        yield out.drain()

    return generate()
