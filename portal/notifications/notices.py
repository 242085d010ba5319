"""In-app notices: stored for the notification centre, and pushed to open pages over the
websocket group of each recipient (see portal.notifications.consumers)."""

from __future__ import annotations

from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import User
from portal.centres.models import Guardianship
from portal.notifications.models import Notice


def user_group(user_id: int) -> str:
    return f"notices.{user_id}"


def unread_counts(user_ids: Iterable[int]) -> dict[int, int]:
    ids = list(user_ids)
    counts = dict.fromkeys(ids, 0)
    rows = (
        Notice.objects.unread()
        .filter(recipient_id__in=ids)
        .values("recipient_id")
        .annotate(n=Count("pk"))
    )
    counts.update({row["recipient_id"]: row["n"] for row in rows})
    return counts


def as_message(notice: Notice) -> dict:
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "title": notice.title,
        "link": notice.link,
        "created_at": notice.created_at.isoformat(),
        "read": notice.read_at is not None,
    }


def push_now(user_ids: list[int], newest: dict[int, dict]) -> None:
    """Send each person's unread count (and their newest notice) to their open pages."""
    layer = get_channel_layer()
    if layer is None:
        return
    send = async_to_sync(layer.group_send)
    for user_id, unread in unread_counts(user_ids).items():
        message = {"type": "notice.push", "unread": unread, "notice": newest.get(user_id)}
        send(user_group(user_id), message)


def push_after_commit(user_ids: Iterable[int], newest: dict[int, dict] | None = None) -> None:
    """Tell open pages the new unread count once the change is committed (and visible)."""
    ids = sorted(set(user_ids))
    if ids:
        transaction.on_commit(lambda: push_now(ids, newest or {}))


def notices_send(
    *,
    item,
    generation: int,
    kind: str,
    title: str,
    link: str,
    centre_id: int,
    recipients: Iterable[User],
) -> int:
    """Create one notice per recipient unless they already have it; returns how many are new."""
    content_type = ContentType.objects.get_for_model(item)
    recipient_ids = {user.pk for user in recipients}
    have = set(
        Notice.objects.filter(
            content_type=content_type,
            object_id=item.pk,
            generation=generation,
            kind=kind,
            recipient_id__in=recipient_ids,
        ).values_list("recipient_id", flat=True)
    )
    new_ids = sorted(recipient_ids - have)
    Notice.objects.bulk_create(
        [
            Notice(
                centre_id=centre_id,
                recipient_id=recipient_id,
                kind=kind,
                title=title,
                link=link,
                content_type=content_type,
                object_id=item.pk,
                generation=generation,
            )
            for recipient_id in new_ids
        ],
        ignore_conflicts=True,
    )
    created = Notice.objects.filter(
        content_type=content_type,
        object_id=item.pk,
        generation=generation,
        kind=kind,
        recipient_id__in=new_ids,
    )
    newest = {notice.recipient_id: as_message(notice) for notice in created}
    push_after_commit(newest, newest)
    return len(newest)


def notice_go_live(*, item, generation: int, recipients: Iterable[User]) -> int:
    """New homework or an announcement is live: a notice for everyone who hears about it."""
    kind = Notice.Kind.HOMEWORK if hasattr(item, "school_class_id") else Notice.Kind.ANNOUNCEMENT
    return notices_send(
        item=item,
        generation=generation,
        kind=kind,
        title=item.title,
        link=item.get_member_url(),
        centre_id=item.centre_id_for_publishing(),
        recipients=recipients,
    )


def notice_grade_returned(*, submission) -> int:
    """Returned work: the student hears, and guardians who have not switched this child off."""
    homework = submission.homework
    centre_id = homework.school_class.centre_id
    guardians = Guardianship.objects.filter(
        centre_id=centre_id, student_id=submission.student_id
    ).following()
    recipients = User.objects.filter(
        pk__in=[submission.student_id, *guardians.values_list("guardian_id", flat=True)],
        is_active=True,
    )
    return notices_send(
        item=submission,
        generation=submission.times_returned,
        kind=Notice.Kind.GRADE,
        title=f"Returned: {homework.title}",
        link=reverse("member:submission", args=[submission.pk]),
        centre_id=centre_id,
        recipients=recipients,
    )


def notice_mark_read(*, notices: Iterable[Notice], by: User) -> int:
    """Mark the reader's own notices read; others' notices are left alone."""
    ids = [notice.pk for notice in notices]
    marked = Notice.objects.filter(pk__in=ids, recipient=by, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        push_after_commit([by.pk])
    return marked
