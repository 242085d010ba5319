"""Who hears about an item going live, and sending each of them exactly one e-mail."""

from __future__ import annotations

import contextvars
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from portal.accounts.models import User
from portal.centres.models import Centre, Guardianship, Membership, Role
from portal.classes.models import Enrollment
from portal.notifications import notices
from portal.notifications.mail import absolute_url, centre_sender, stable_message_id
from portal.notifications.models import NotificationLog
from portal.notifications.unsubscribe import EmailKind, list_unsubscribe_headers, unsubscribe_url

_suppressed = contextvars.ContextVar("notifications_suppressed", default=False)


@contextmanager
def notifications_suppressed():
    """Publish without telling anyone (demo data, imports of history)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def notifications_are_suppressed() -> bool:
    return _suppressed.get()


def _students_of(item) -> set[int]:
    """Active students the item is for: a homework's class, or an announcement's audience."""
    centre_id = item.centre_id_for_publishing()
    active = Membership.objects.filter(centre_id=centre_id, role=Role.STUDENT, is_active=True)
    if hasattr(item, "school_class_id"):
        class_ids = [item.school_class_id]
    else:
        class_ids = list(item.classes.values_list("pk", flat=True))
    if not class_ids:  # a centre-wide announcement
        return set(active.values_list("user_id", flat=True))
    enrolled = Enrollment.objects.current().filter(school_class_id__in=class_ids)
    return set(
        enrolled.filter(student_id__in=active.values("user_id")).values_list(
            "student_id", flat=True
        )
    )


@dataclass(frozen=True)
class Audience:
    """Who hears at once: students, and guardians with their links to those students (the
    links name the children an e-mail's unsubscribe address switches off)."""

    recipients: list[User]
    guardian_links: dict[int, list[Guardianship]]


def _with_immediate_guardians(*, centre_id: int, students: set[int]) -> Audience:
    """The students, and those of their guardians (still guardians at the centre) who asked to
    hear immediately about that child."""
    links = defaultdict(list)
    for link in Guardianship.objects.of_active_guardians().filter(
        centre_id=centre_id, student_id__in=students, email_notices=True
    ):
        links[link.guardian_id].append(link)
    recipients = User.objects.filter(pk__in=students | set(links), is_active=True)
    return Audience(recipients=list(recipients), guardian_links=dict(links))


def go_live_recipients(item) -> list[User]:
    """Students the item is for, and their guardians who asked to hear immediately."""
    return _go_live_audience(item).recipients


def _go_live_audience(item) -> Audience:
    centre_id = item.centre_id_for_publishing()
    return _with_immediate_guardians(centre_id=centre_id, students=_students_of(item))


def centre_email(
    *, template: str, centre: Centre, recipient: User, context: dict
) -> EmailMultiAlternatives:
    """An HTML + plain-text e-mail from `template`{_subject.txt,.txt,.html}, sent in the
    centre's name, replies going to the centre's office."""
    context = {**context, "centre": centre, "recipient": recipient}
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=centre_sender(centre),
        to=[recipient.email],
        reply_to=[centre.contact_email],
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def notice_message_id(log: NotificationLog) -> str:
    return stable_message_id(f"notice-{log.pk}-{log.generation}")


def send_once(
    *,
    item,
    centre: Centre,
    generation: int,
    audience: Audience,
    template: str,
    context: dict,
) -> int:
    """E-mail each recipient about `item` (of this generation) once; returns how many now.

    Safe to run any number of times, in parallel too: each recipient's row is claimed in bulk,
    then locked while its e-mail is sent and marked sent in the same transaction. A worker that
    dies mid-send leaves the row pending for the retry; a second worker skips locked rows.
    Guardians' e-mails carry a one-click unsubscribe from these e-mails about their children.
    """
    content_type = ContentType.objects.get_for_model(item)
    NotificationLog.objects.bulk_create(
        [
            NotificationLog(
                centre=centre,
                recipient=recipient,
                content_type=content_type,
                object_id=item.pk,
                generation=generation,
            )
            for recipient in audience.recipients
        ],
        ignore_conflicts=True,
    )
    pending = NotificationLog.objects.filter(
        content_type=content_type,
        object_id=item.pk,
        generation=generation,
        status=NotificationLog.Status.PENDING,
    ).values_list("pk", flat=True)
    sent = 0
    with get_connection() as connection:
        for log_id in pending:
            with transaction.atomic():
                log = (
                    NotificationLog.objects.select_for_update(skip_locked=True)
                    .select_related("recipient")
                    .filter(pk=log_id, status=NotificationLog.Status.PENDING)
                    .first()
                )
                if log is None:  # sent meanwhile, or being sent by another worker
                    continue
                links = audience.guardian_links.get(log.recipient_id)
                address = unsubscribe_url(links=links, kind=EmailKind.NOTICES) if links else None
                message = centre_email(
                    template=template,
                    centre=centre,
                    recipient=log.recipient,
                    context={
                        **context,
                        "unsubscribe_url": address,
                    },
                )
                if address:
                    message.extra_headers.update(list_unsubscribe_headers(address))
                # One Message-ID per notice: if a crash between the server's "250" and our
                # commit makes us send again, mailboxes see the same message, not a second.
                message.extra_headers["Message-ID"] = notice_message_id(log)
                message.connection = connection
                message.send()
                log.status = NotificationLog.Status.SENT
                log.sent_at = timezone.now()
                log.save(update_fields=["status", "sent_at"])
                sent += 1
    return sent


def notify_go_live(*, item, generation: int) -> int:
    """New homework or an announcement is live: its audience hears, by notice and e-mail."""
    audience = _go_live_audience(item)
    notices.notice_go_live(item=item, generation=generation, recipients=audience.recipients)
    return send_once(
        item=item,
        centre=Centre.objects.get(pk=item.centre_id_for_publishing()),
        generation=generation,
        audience=audience,
        template="notifications/go_live",
        context={
            "item": item,
            "kind": item._meta.verbose_name,
            "link": absolute_url(item.get_member_url()),
        },
    )


def returned_work_audience(submission) -> Audience:
    """The student, and guardians of theirs who asked to hear immediately."""
    return _with_immediate_guardians(
        centre_id=submission.homework.school_class.centre_id,
        students={submission.student_id},
    )


def notify_work_returned(*, submission, generation: int) -> int:
    """Marked work came back: e-mail for those who are not online to see the in-app notice."""
    from django.urls import reverse

    homework = submission.homework
    return send_once(
        item=submission,
        centre=homework.school_class.centre,
        generation=generation,
        audience=returned_work_audience(submission),
        template="notifications/work_returned",
        context={
            "submission": submission,
            "homework": homework,
            "link": absolute_url(reverse("member:submission", args=[submission.pk])),
        },
    )
