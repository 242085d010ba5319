"""Private files: stored where no public URL reaches them, handed out after a permission check.

Callers check access first (through `visible_to`), then return `private_file_response(...)`.
With PRIVATE_FILES_SERVER = "nginx" the response is empty and names an internal nginx location
(`X-Accel-Redirect`), so gunicorn never streams large files; otherwise Django streams the file.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.signals import setting_changed
from django.db.models.fields.files import FieldFile
from django.dispatch import receiver
from django.http import FileResponse, HttpResponse
from django.utils.functional import LazyObject, empty


class PrivateStorage(LazyObject):
    """Files under PRIVATE_MEDIA_ROOT; `base_url=None`, because they have no public URL."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_storage = PrivateStorage()


@receiver(setting_changed)
def _private_root_changed(*, setting, **kwargs):
    """Tests point PRIVATE_MEDIA_ROOT at a temporary folder; follow them there."""
    if setting == "PRIVATE_MEDIA_ROOT":
        private_storage._wrapped = empty


def private_storage_instance():
    """For `FileField(storage=…)`: a callable keeps the machine's path out of migrations."""
    return private_storage


def _accel_location(file: FieldFile) -> str:
    """The internal nginx URL of `file`: its storage's location plus its name."""
    root = Path(file.storage.path("")).resolve()
    if root == Path(settings.PRIVATE_MEDIA_ROOT).resolve():
        prefix = settings.PRIVATE_FILES_ACCEL_LOCATIONS["private"]
    elif file.storage is default_storage or root == Path(settings.MEDIA_ROOT).resolve():
        prefix = settings.PRIVATE_FILES_ACCEL_LOCATIONS["media"]
    else:
        raise ValueError(f"no internal location for files stored in {root}")
    return prefix + quote(file.name)


def private_file_response(file: FieldFile, *, filename: str) -> HttpResponse:
    """Serve a file the caller has already checked access to, as an attachment."""
    if settings.PRIVATE_FILES_SERVER == "nginx":
        response = HttpResponse()
        response["X-Accel-Redirect"] = _accel_location(file)
        response["Content-Type"] = ""  # nginx sets it from the file
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    else:
        response = FileResponse(file.open("rb"), as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
