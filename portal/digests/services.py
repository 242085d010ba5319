"""Building and sending the weekly parent digest, exactly once per guardian and week.

`weekly_digests_send` is what the Sunday 18:00 (centre time) job calls. It is idempotent: the
build writes one row per guardian and week (a second build inserts nothing), and each e-mail is
sent inside the transaction that marks its row sent, so a retried or duplicated run sends only
what is still pending. See docs/scheduled-jobs.md, "Weekly digest".
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from smtplib import SMTPRecipientsRefused, SMTPResponseException

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from portal.centres.models import Centre
from portal.digests.models import Digest
from portal.digests.selectors import CentreWeek, Family, Week, digest_links
from portal.notifications.mail import centre_sender
from portal.notifications.services import centre_email
from portal.notifications.unsubscribe import EmailKind, unsubscribe_url

logger = logging.getLogger(__name__)

#: Guardians read, rendered and inserted together; also the size of a sending batch.
BATCH_SIZE = 500


@dataclass(frozen=True)
class DigestSummary:
    """What one call did: digests built with content, guardians skipped (nothing to report),
    e-mails sent, and e-mails the mail server refused for good."""

    built: int = 0
    skipped: int = 0
    sent: int = 0
    failed: int = 0


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _rendered(*, family: Family, week: Week) -> Digest:
    for child in family.children:
        child.unsubscribe_url = unsubscribe_url(links=[child.link], kind=EmailKind.DIGEST)
    stop_all = unsubscribe_url(links=family.links, kind=EmailKind.DIGEST)
    message = centre_email(
        template="digests/digest",
        centre=week.centre,
        recipient=family.guardian,
        context={
            "week": week,
            "children": family.children,
            "announcements": family.announcements,
            "unsubscribe_url": stop_all,
            "base": settings.PORTAL_BASE_URL.rstrip("/"),
        },
    )
    return Digest(
        centre=week.centre,
        guardian=family.guardian,
        week_start=week.start,
        subject=message.subject,
        text=message.body,
        html=message.alternatives[0][0],
        item_count=family.item_count,
        unsubscribe_url=stop_all,
        summary={
            "links": [link.pk for link in family.links],
            "children": [
                {"student": child.link.student_id, "name": child.student.get_full_name()}
                | child.counts()
                for child in family.children
            ],
            "announcements": len(family.announcements),
        },
    )


def _skipped(*, family: Family, week: Week) -> Digest:
    return Digest(
        centre=week.centre,
        guardian=family.guardian,
        week_start=week.start,
        status=Digest.Status.SKIPPED,
        summary={"links": [link.pk for link in family.links]},
    )


def digests_build(
    *, centre: Centre, week_start: dt.date, now: dt.datetime | None = None
) -> DigestSummary:
    """Build and store the week's digest of every guardian who has none yet.

    Queries: one for who needs a digest, three for the centre's week, then three per batch of
    `BATCH_SIZE` guardians plus the inserts — never per guardian. Guardians with nothing to
    report get a `skipped` row when the centre skips empty digests, so a re-run rebuilds nothing.
    """
    week = Week(start=week_start, centre=centre)
    done = Digest.objects.filter(centre=centre, week_start=week_start).values("guardian_id")
    guardian_ids = sorted(
        set(
            digest_links(centre=centre)
            .exclude(guardian_id__in=done)
            .values_list("guardian_id", flat=True)
        )
    )
    if not guardian_ids:
        return DigestSummary()
    content = CentreWeek.load(week=week, now=now)
    built = skipped = 0
    for batch in _chunks(guardian_ids, BATCH_SIZE):
        rows = []
        for family in content.families(guardian_ids=batch):
            if not family.item_count and centre.digest_skip_empty:
                rows.append(_skipped(family=family, week=week))
                skipped += 1
            else:
                rows.append(_rendered(family=family, week=week))
                built += 1
        # A concurrent build of the same week may have inserted some of these: theirs stay.
        Digest.objects.bulk_create(rows, ignore_conflicts=True)
    return DigestSummary(built=built, skipped=skipped)


def _email(digest: Digest, centre: Centre) -> EmailMultiAlternatives:
    """The stored digest as an e-mail; the same headers every time it is (re)sent."""
    message = EmailMultiAlternatives(
        subject=digest.subject,
        body=digest.text,
        from_email=centre_sender(centre),
        to=[digest.guardian.email],
        reply_to=[centre.contact_email],
        headers={
            "Message-ID": digest.stable_message_id(),
            "List-Unsubscribe": f"<{digest.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(digest.html, "text/html")
    return message


def _refused_for_good(error: Exception) -> bool:
    """A recipient refused, or a 5xx answer: sending again would fail the same way."""
    if isinstance(error, SMTPRecipientsRefused):
        return True
    return isinstance(error, SMTPResponseException) and 500 <= error.smtp_code < 600


def digests_deliver(*, centre: Centre, week_start: dt.date) -> DigestSummary:
    """E-mail the week's pending digests over one SMTP connection, each exactly once.

    Each row is marked sent by a conditional UPDATE in the transaction that sends it: a second
    run waits on that row's lock and then finds it sent; a worker killed mid-send never commits,
    so its row stays pending for the retry. A temporary SMTP error stops the run (the task
    retries with backoff and resumes with what is left); a permanent refusal marks that one
    digest failed and carries on.
    """
    sent = failed = 0
    last_pk = 0
    with get_connection() as connection:
        while True:
            batch = list(
                Digest.objects.filter(
                    centre=centre,
                    week_start=week_start,
                    status=Digest.Status.PENDING,
                    pk__gt=last_pk,
                )
                .select_related("guardian")
                .order_by("pk")[:BATCH_SIZE]
            )
            if not batch:
                break
            last_pk = batch[-1].pk
            for digest in batch:
                message = _email(digest, centre)
                try:
                    with transaction.atomic():
                        claimed = Digest.objects.filter(
                            pk=digest.pk, status=Digest.Status.PENDING
                        ).update(
                            status=Digest.Status.SENT,
                            sent_at=timezone.now(),
                            message_id=digest.stable_message_id(),
                        )
                        if not claimed:  # sent by a concurrent run meanwhile
                            continue
                        connection.send_messages([message])
                except Exception as error:
                    if not _refused_for_good(error):
                        raise
                    logger.warning("digest %s refused: %s", digest.pk, error)
                    Digest.objects.filter(pk=digest.pk, status=Digest.Status.PENDING).update(
                        status=Digest.Status.FAILED, error=str(error)[:1000]
                    )
                    failed += 1
                    continue
                sent += 1
    return DigestSummary(sent=sent, failed=failed)


def weekly_digests_send(*, centre: Centre, week_start: dt.date) -> DigestSummary:
    """Build the week's digests of the centre's guardians, then e-mail the pending ones.

    Idempotent: run it twice (or twice at once) and every guardian still gets one e-mail.
    """
    built = digests_build(centre=centre, week_start=week_start)
    delivered = digests_deliver(centre=centre, week_start=week_start)
    return DigestSummary(
        built=built.built, skipped=built.skipped, sent=delivered.sent, failed=delivered.failed
    )
