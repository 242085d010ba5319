"""Celery tasks for notices; thin wrappers over portal.notifications.services."""

from __future__ import annotations

from celery import shared_task
from django.contrib.contenttypes.models import ContentType

from portal.core.tasks import MAIL_RETRY
from portal.notifications import services


@shared_task(
    name="notifications.send_go_live_notices",
    **MAIL_RETRY,
)
def send_go_live_notices(content_type_id: int, object_id: int, generation: int) -> int:
    """E-mail an item's audience that it is live; idempotent (one e-mail per person)."""
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    item = model.objects.filter(pk=object_id, live=True).first()
    if item is None:  # withdrawn or deleted before we got to it: tell no one
        return 0
    return services.notify_go_live(item=item, generation=generation)


@shared_task(
    name="notifications.send_returned_work_notices",
    **MAIL_RETRY,
)
def send_returned_work_notices(submission_id: int, generation: int) -> int:
    """E-mail a student (and their parents) that marked work is back; idempotent."""
    from portal.submissions.models import Submission

    submission = (
        Submission.objects.select_related("homework__school_class__centre", "student")
        .filter(pk=submission_id, returned_at__isnull=False)
        .first()
    )
    if submission is None:
        return 0
    return services.notify_work_returned(submission=submission, generation=generation)
