"""The reviewed content types (homework, announcements), so the review task can find them."""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType

REVIEWED_MODELS = ("homework.Homework", "announcements.Announcement")


def reviewed_models() -> list:
    return [apps.get_model(label) for label in REVIEWED_MODELS]


def object_ids_reviewable_by(user) -> dict[int, list[int]]:
    """Content type id → ids of objects of the user's admin centres, per reviewed model."""
    found = {}
    for model in reviewed_models():
        content_type = ContentType.objects.get_for_model(model)
        found[content_type.pk] = list(model.objects.managed_by(user).values_list("pk", flat=True))
    return found
