"""Weekly digest: 5,000 guardians with two children each (10,000 students), built and e-mailed
to a local SMTP server (aiosmtpd in a thread), beside a naive per-guardian ORM loop.

Ours is `weekly_digests_send`: bulk queries per batch of guardians, one SMTP connection, a
stored row per guardian. The naive loop does the same work one guardian at a time: their links,
each child's classes, homework, submissions, the announcements, then renders the same templates,
stores the row and sends with `EmailMessage.send()` (a connection per e-mail, Django's default).
Both run in the same database (bench_digest, created and dropped here), for different weeks
holding the same items. BENCH_DIGEST_GUARDIANS changes the size.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from dataclasses import dataclass

from bench.harness import Row, with_database

GUARDIANS = int(os.environ.get("BENCH_DIGEST_GUARDIANS", "5000"))
CLASSES = 8
DATABASE = "bench_digest"


class CountingSink:
    """The smallest SMTP server that accepts everything and counts it."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.count += 1
        return "250 Message accepted"


@dataclass(frozen=True)
class Measured:
    seconds: float
    queries: int
    emails: int

    @property
    def per_second(self) -> float:
        return self.emails / self.seconds


def measure(action, sink: CountingSink) -> Measured:
    from django.db import connection

    count = [0]

    def counting(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    before = sink.count
    started = time.perf_counter()
    with connection.execute_wrapper(counting):
        action()
    return Measured(time.perf_counter() - started, count[0], sink.count - before)


def populate(week_starts: list[dt.date]):
    """The synthetic centre, and in each given week the same items: per class two homework set
    that week, one due the week after, and one due mid-week that half the class hands in (a
    third of those late, a third returned with a grade), plus a centre-wide announcement."""
    from portal.homework.models import Homework
    from portal.submissions.models import Submission
    from tests.digests.helpers import announcement, at, synthetic_centre

    made = synthetic_centre("digestbench", guardians=GUARDIANS, classes=CLASSES)
    centre = made.centre
    members: dict[int, list[int]] = {}
    for n, pupil in enumerate(made.students):
        for k in range(2):
            members.setdefault(made.classes[(n + k) % CLASSES].pk, []).append(pupil.pk)
    for start in week_starts:

        def day(n: int, start=start) -> dt.date:
            return start + dt.timedelta(days=n)

        items, mid_week = [], []
        for group in made.classes:
            for title, set_on, due in (
                (f"Reading {group.code}", day(0), day(4)),
                (f"Practice {group.code}", day(1), day(5)),
                (f"Project {group.code}", day(2), day(9)),
                (f"Worksheet {group.code}", day(-5), day(2)),
            ):
                item = Homework(
                    school_class=group,
                    title=title,
                    instructions=f"<p>{title}</p>",
                    set_on=set_on,
                    due_at=at(centre, due),
                    max_points=10,
                    live=True,
                    first_published_at=at(centre, set_on, 8),
                )
                items.append(item)
                if title.startswith("Worksheet"):
                    mid_week.append(item)
        Homework.objects.bulk_create(items)
        work = []
        for item in mid_week:
            for i, student_id in enumerate(members[item.school_class_id][::2]):
                work.append(
                    Submission(
                        homework=item,
                        student_id=student_id,
                        text="Done.",
                        submitted_at=at(centre, day(1 + i % 3), 17),
                        is_late=i % 3 == 2,
                        points=7 if i % 3 == 1 else None,
                        feedback="Good work." if i % 3 == 1 else "",
                        returned_at=at(centre, day(4), 16) if i % 3 == 1 else None,
                    )
                )
        Submission.objects.bulk_create(work, batch_size=5000)
        announcement(centre, f"Sports day {start}", published_at=at(centre, day(1)))
    return centre


def naive(centre, week_start: dt.date) -> None:
    """One guardian at a time, straight through the ORM."""
    from django.db.models import Q

    from portal.announcements.models import Announcement
    from portal.centres.models import Membership, Role
    from portal.classes.models import Enrollment
    from portal.digests.selectors import ChildReport, Family, Week, digest_links, labelled
    from portal.digests.services import _email, _rendered
    from portal.homework.models import Homework
    from portal.submissions.models import Submission

    week = Week(start=week_start, centre=centre)
    now = week.as_of()
    guardian_ids = Membership.objects.filter(centre=centre, role=Role.GUARDIAN).values_list(
        "user_id", flat=True
    )
    for guardian_id in guardian_ids:
        links = list(
            digest_links(centre=centre)
            .filter(guardian_id=guardian_id)
            .select_related("guardian", "student")
        )
        if not links:
            continue
        family = Family(guardian=links[0].guardian)
        family_classes = set()
        for link in links:
            classes = list(
                Enrollment.objects.current()
                .filter(student=link.student, school_class__centre=centre)
                .values_list("school_class_id", flat=True)
            )
            family_classes |= set(classes)
            child = ChildReport(link=link)
            for item in Homework.objects.filter(school_class__in=classes, live=True).select_related(
                "school_class"
            ):
                labelled(item, centre, "homework:detail", due=item.due_at)
                submission = Submission.objects.filter(homework=item, student=link.student).first()
                if week.start <= item.set_on <= week.end:
                    child.set_this_week.append(item)
                if week.ends <= item.due_at < week.next_ends:
                    child.due_next_week.append((item, submission))
                if week.missing_since <= item.due_at < now and submission is None:
                    child.missing.append(item)
            for submission in Submission.objects.filter(student=link.student).select_related(
                "homework__school_class"
            ):
                labelled(submission, centre, "member:submission", submitted=submission.submitted_at)
                labelled(
                    submission.homework, centre, "homework:detail", due=submission.homework.due_at
                )
                if submission.is_late and week.begins <= submission.submitted_at < week.ends:
                    child.late.append(submission)
                if submission.returned_at and week.begins <= submission.returned_at < week.ends:
                    child.returned.append(submission)
            family.children.append(child)
        family.announcements = [
            labelled(item, centre, "announcements:detail")
            for item in Announcement.objects.filter(
                centre=centre,
                live=True,
                first_published_at__gte=week.begins,
                first_published_at__lt=week.ends,
            ).filter(Q(classes__isnull=True) | Q(classes__in=family_classes))
        ]
        digest = _rendered(family=family, week=week)
        digest.status = digest.Status.SENT
        digest.save()
        _email(digest, centre).send()


def measure_all() -> list[Row]:
    from aiosmtpd.controller import Controller
    from django.conf import settings

    from tests.digests.helpers import monday_in
    from tests.processes import free_port

    port = free_port()
    sink = CountingSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        from portal.centres.models import Centre
        from portal.digests.services import weekly_digests_send

        placeholder = Centre(timezone="Europe/London")
        ours_week, naive_week = monday_in(placeholder, -1), monday_in(placeholder, -6)
        started = time.perf_counter()
        centre = populate([ours_week, naive_week])
        print(f"  populated in {time.perf_counter() - started:.1f} s", flush=True)
        mine = measure(lambda: weekly_digests_send(centre=centre, week_start=ours_week), sink)
        print(f"  ours: {mine}", flush=True)
        theirs = measure(lambda: naive(centre, naive_week), sink)
        print(f"  naive: {theirs}", flush=True)
    finally:
        controller.stop()
    assert mine.emails == GUARDIANS and theirs.emails == GUARDIANS, (mine, theirs)
    name = f"digest_{GUARDIANS // 1000}k_guardians"
    return [
        Row(name, "seconds (build + send)", mine.seconds, theirs.seconds, higher_is_better=False),
        Row(name, "SQL queries", mine.queries, theirs.queries, higher_is_better=False),
        Row(name, "e-mails per second", mine.per_second, theirs.per_second),
    ]


def run() -> list[Row]:
    return with_database(DATABASE, measure_all)
