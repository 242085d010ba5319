"""Homework reminders: students who have not handed in work due soon, and guardians who ask
for a copy, each told once per homework and reminder moment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.centres.models import Centre, Guardianship, Membership, Role
from portal.classes.models import Enrollment
from portal.homework.models import Homework
from portal.notifications.mail import absolute_url, stable_message_id
from portal.notifications.services import centre_email
from portal.notifications.unsubscribe import EmailKind, list_unsubscribe_headers, unsubscribe_url
from portal.reminders.models import Reminder
from portal.submissions.models import Submission

#: Reminders are claimed and sent in batches of this many; queries grow per batch, not per row.
BATCH = 200


@dataclass(frozen=True)
class ReminderSummary:
    created: int
    sent: int
    dropped: int


def _local_day(day: dt.date, zone) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def _due_homework(centre: Centre, on: dt.date, now: dt.datetime) -> dict[int, tuple[int, int]]:
    """Live homework of the centre due on one of its reminder days: id → (class id, days)."""
    windows = {
        days: _local_day(on + dt.timedelta(days=days), centre.zone)
        for days in set(centre.reminder_days_before)
    }
    if not windows:
        return {}
    due_then = Q()
    for start, end in windows.values():
        due_then |= Q(due_at__gte=start, due_at__lt=end)
    found = Homework.objects.filter(
        due_then, live=True, school_class__centre=centre, due_at__gt=now
    )
    due = {}
    for pk, class_id, due_at in found.values_list("pk", "school_class_id", "due_at"):
        days = (timezone.localdate(due_at, centre.zone) - on).days
        due[pk] = (class_id, days)
    return due


def reminders_create(*, centre: Centre, on: dt.date, now: dt.datetime | None = None) -> int:
    """Claim a reminder row for each non-submitter (and guardian copy) due one on `on`.

    A fixed number of queries whatever the numbers; rows already there (an earlier run) are
    left alone.
    """
    due = _due_homework(centre, on, now or timezone.now())
    if not due:
        return 0
    students = Membership.objects.filter(
        centre=centre, role=Role.STUDENT, is_active=True, user__is_active=True
    ).values("user_id")
    places = Enrollment.objects.current(on).filter(
        school_class_id__in={class_id for class_id, _ in due.values()}, student_id__in=students
    )
    in_class: dict[int, list[int]] = {}
    for class_id, student_id in places.values_list("school_class_id", "student_id"):
        in_class.setdefault(class_id, []).append(student_id)
    handed_in = set(
        Submission.objects.filter(homework_id__in=due).values_list("homework_id", "student_id")
    )
    copies: dict[int, list[int]] = {}
    for student_id, guardian_id in (
        Guardianship.objects.of_active_guardians()
        .filter(centre=centre, reminder_copies=True)
        .values_list("student_id", "guardian_id")
    ):
        copies.setdefault(student_id, []).append(guardian_id)
    rows = [
        Reminder(
            homework_id=homework_id,
            student_id=student_id,
            days_before=days,
            recipient_id=recipient_id,
        )
        for homework_id, (class_id, days) in due.items()
        for student_id in in_class.get(class_id, [])
        if (homework_id, student_id) not in handed_in
        for recipient_id in (student_id, *copies.get(student_id, []))
    ]
    already = Reminder.objects.filter(homework_id__in=due)
    before = already.count()
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return already.count() - before


def _when(due_at: dt.datetime, zone, on: dt.date) -> str:
    days = (timezone.localdate(due_at, zone) - on).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return "on " + timezone.localtime(due_at, zone).strftime("%A %-d %B")


def _send_batch(centre: Centre, batch: list[Reminder], on: dt.date, connection) -> tuple[int, int]:
    handed_in = set(
        Submission.objects.filter(
            homework_id__in={r.homework_id for r in batch},
            student_id__in={r.student_id for r in batch},
        ).values_list("homework_id", "student_id")
    )
    links = {
        (link.guardian_id, link.student_id): link
        for link in Guardianship.objects.filter(
            centre=centre,
            guardian_id__in={r.recipient_id for r in batch if r.recipient_id != r.student_id},
        )
    }
    sent = dropped = 0
    for reminder in batch:
        with transaction.atomic():
            # Locked while it is sent: a second worker on the same batch skips it.
            claimed = Reminder.objects.select_for_update(skip_locked=True).filter(
                pk=reminder.pk, status=Reminder.Status.PENDING
            )
            if not claimed.values_list("pk", flat=True):
                continue
            claimed = Reminder.objects.filter(pk=reminder.pk)
            if (reminder.homework_id, reminder.student_id) in handed_in:
                claimed.update(status=Reminder.Status.DROPPED)
                dropped += 1
                continue
            link = links.get((reminder.recipient_id, reminder.student_id))
            address = unsubscribe_url(links=[link], kind=EmailKind.REMINDERS) if link else None
            homework = reminder.homework
            message = centre_email(
                template="reminders/reminder",
                centre=centre,
                recipient=reminder.recipient,
                context={
                    "homework": homework,
                    "student": reminder.student,
                    "is_copy": reminder.recipient_id != reminder.student_id,
                    "when": _when(homework.due_at, centre.zone, on),
                    "due": timezone.localtime(homework.due_at, centre.zone),
                    "link": absolute_url(homework.get_member_url()),
                    "unsubscribe_url": address,
                },
            )
            if address:
                message.extra_headers.update(list_unsubscribe_headers(address))
            # The same Message-ID if a crash after the server's "250" makes us send it again.
            message.extra_headers["Message-ID"] = stable_message_id(f"reminder-{reminder.pk}")
            message.connection = connection
            message.send()
            claimed.update(status=Reminder.Status.SENT, sent_at=timezone.now())
            sent += 1
    return sent, dropped


def reminders_send_pending(*, centre: Centre, on: dt.date) -> tuple[int, int]:
    """Send the centre's waiting reminders; safe to run again or in parallel."""
    pending = (
        Reminder.objects.filter(
            status=Reminder.Status.PENDING, homework__school_class__centre=centre
        )
        .select_related("homework__school_class", "student", "recipient")
        .order_by("pk")
    )
    sent = dropped = 0
    last = 0
    with get_connection() as connection:
        while batch := list(pending.filter(pk__gt=last)[:BATCH]):
            batch_sent, batch_dropped = _send_batch(centre, batch, on, connection)
            sent, dropped, last = sent + batch_sent, dropped + batch_dropped, batch[-1].pk
    return sent, dropped


def homework_reminders_send(*, centre: Centre, on: dt.date) -> ReminderSummary:
    """The day's reminders for a centre: claimed in bulk, then each sent once."""
    created = reminders_create(centre=centre, on=on)
    sent, dropped = reminders_send_pending(centre=centre, on=on)
    return ReminderSummary(created=created, sent=sent, dropped=dropped)
