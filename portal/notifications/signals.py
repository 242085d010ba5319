"""Queue notices when reviewed content goes live: published directly, after approval, or on
schedule (all three end in Wagtail's `published` signal)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from portal.notifications.services import notifications_are_suppressed


def queue_go_live_notices(sender, instance, **kwargs):
    if notifications_are_suppressed():
        return
    from portal.notifications.tasks import send_go_live_notices

    args = (ContentType.objects.get_for_model(instance).pk, instance.pk, instance.notify_generation)
    transaction.on_commit(lambda: send_go_live_notices.delay(*args))


def connect() -> None:
    from wagtail.signals import published

    from portal.publishing.registry import reviewed_models

    for model in reviewed_models():
        published.connect(queue_go_live_notices, sender=model, dispatch_uid=f"notify-{model}")
