"""What a week's digest says, read for many guardians at once.

A few bulk queries per centre (homework, announcements) and per batch of guardians (their
links, their children's class places, those children's submissions), put together in Python:
the number of queries does not depend on how many guardians a batch holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import dateformat, timezone

from portal.accounts.models import User
from portal.announcements.models import Announcement
from portal.centres.models import Centre, Guardianship, Role
from portal.classes.models import Enrollment, SchoolClass
from portal.homework.models import Homework
from portal.submissions.models import Submission

#: How far back missing work is still mentioned.
MISSING_WEEKS = 4


def _when(moment: dt.datetime, centre: Centre) -> str:
    return dateformat.format(timezone.localtime(moment, centre.zone), "D j M, H:i")


def labelled(item, centre: Centre, url_name: str, **moments):
    """Give an item its link and its times as the e-mail shows them, worked out once per item
    rather than once per family that reads about it."""
    item.link = settings.PORTAL_BASE_URL.rstrip("/") + reverse(url_name, args=[item.pk])
    for name, moment in moments.items():
        setattr(item, f"{name}_label", _when(moment, centre) if moment else "")
    return item


@dataclass(frozen=True)
class Week:
    """Monday 00:00 to the next Monday 00:00 in the centre's time zone, and the week after."""

    start: dt.date
    centre: Centre

    def __post_init__(self) -> None:
        if self.start.weekday() != 0:
            raise ValueError(f"a digest week starts on a Monday, not on {self.start:%A %d %b %Y}")

    def _midnight(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), tzinfo=self.centre.zone)

    @property
    def end(self) -> dt.date:
        """The Sunday."""
        return self.start + dt.timedelta(days=6)

    @property
    def begins(self) -> dt.datetime:
        return self._midnight(self.start)

    @property
    def ends(self) -> dt.datetime:
        return self._midnight(self.start + dt.timedelta(days=7))

    @property
    def next_ends(self) -> dt.datetime:
        return self._midnight(self.start + dt.timedelta(days=14))

    @property
    def missing_since(self) -> dt.datetime:
        return self._midnight(self.start - dt.timedelta(weeks=MISSING_WEEKS - 1))

    def as_of(self, now: dt.datetime | None = None) -> dt.datetime:
        """The moment "past due" is judged at: now, or the week's end for a past week."""
        return min(now or timezone.now(), self.ends)


@dataclass
class ChildReport:
    link: Guardianship
    unsubscribe_url: str = ""
    set_this_week: list[Homework] = field(default_factory=list)
    due_next_week: list[tuple[Homework, Submission | None]] = field(default_factory=list)
    missing: list[Homework] = field(default_factory=list)
    late: list[Submission] = field(default_factory=list)
    returned: list[Submission] = field(default_factory=list)

    @property
    def student(self) -> User:
        return self.link.student

    def counts(self) -> dict[str, int]:
        return {
            "set": len(self.set_this_week),
            "due": len(self.due_next_week),
            "missing": len(self.missing),
            "late": len(self.late),
            "returned": len(self.returned),
        }

    @property
    def item_count(self) -> int:
        return sum(self.counts().values())


@dataclass
class Family:
    """One guardian's digest content: a report per child, and the family's announcements."""

    guardian: User
    children: list[ChildReport] = field(default_factory=list)
    announcements: list[Announcement] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(child.item_count for child in self.children) + len(self.announcements)

    @property
    def links(self) -> list[Guardianship]:
        return [child.link for child in self.children]


def digest_links(*, centre: Centre):
    """Links that get a digest: the guardian still an active guardian here, the child still an
    active student here, and the digest switched on for that child."""
    return (
        Guardianship.objects.of_active_guardians()
        .filter(centre=centre, weekly_digest=True)
        .filter(
            student__is_active=True,
            student__memberships__centre=centre,
            student__memberships__role=Role.STUDENT,
            student__memberships__is_active=True,
        )
    )


@dataclass
class CentreWeek:
    """What is the same for every family of a centre in a week: homework and announcements."""

    week: Week
    as_of: dt.datetime
    homework: list[Homework]
    announcements: list[Announcement]

    @classmethod
    def load(cls, *, week: Week, now: dt.datetime | None = None) -> CentreWeek:
        as_of = week.as_of(now)
        centre = week.centre
        homework = [
            labelled(item, centre, "homework:detail", due=item.due_at)
            for item in Homework.objects.filter(school_class__centre=centre, live=True)
            .filter(
                Q(set_on__range=(week.start, week.end))
                | Q(first_published_at__gte=week.begins, first_published_at__lt=week.ends)
                | Q(due_at__gte=week.ends, due_at__lt=week.next_ends)
                | Q(due_at__gte=week.missing_since, due_at__lt=as_of)
            )
            .select_related("school_class")
            .only(
                "pk",
                "title",
                "set_on",
                "due_at",
                "max_points",
                "first_published_at",
                "school_class",
                "school_class__code",
                "school_class__name",
            )
            .order_by("due_at", "pk")
        ]
        announcements = [
            labelled(item, centre, "announcements:detail")
            for item in Announcement.objects.filter(
                centre=centre,
                live=True,
                first_published_at__gte=week.begins,
                first_published_at__lt=week.ends,
            )
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=as_of))
            .only("pk", "title", "first_published_at", "expires_at")
            .prefetch_related(Prefetch("classes", queryset=SchoolClass.objects.only("pk")))
            .order_by("first_published_at", "pk")
        ]
        return cls(week=week, as_of=as_of, homework=homework, announcements=announcements)

    def families(self, *, guardian_ids: Iterable[int]) -> list[Family]:
        """The digest content of these guardians: three queries, however many there are."""
        week, centre = self.week, self.week.centre
        links = list(
            digest_links(centre=centre)
            .filter(guardian_id__in=list(guardian_ids))
            .select_related("guardian", "student")
            .order_by("guardian_id", "student__first_name", "student__last_name", "student_id")
        )
        students = {link.student_id for link in links}
        classes_of: dict[int, set[int]] = {}
        places = (
            # The children's current classes, as the member site shows them.
            Enrollment.objects.current(on=timezone.localdate(timezone=centre.zone))
            .filter(school_class__centre=centre, student_id__in=students)
            .values_list("student_id", "school_class_id")
        )
        for student_id, class_id in places:
            classes_of.setdefault(student_id, set()).add(class_id)
        homework_ids = [item.pk for item in self.homework]
        submissions = list(
            Submission.objects.filter(
                student_id__in=students,
                homework__school_class__centre=centre,
                homework__live=True,
            )
            .filter(
                Q(homework_id__in=homework_ids)
                | Q(returned_at__gte=week.begins, returned_at__lt=week.ends)
                | Q(is_late=True, submitted_at__gte=week.begins, submitted_at__lt=week.ends)
            )
            .select_related("homework__school_class")
            .only(
                "pk",
                "student",
                "homework",
                "submitted_at",
                "is_late",
                "points",
                "feedback",
                "returned_at",
                "homework__title",
                "homework__due_at",
                "homework__max_points",
                "homework__school_class",
                "homework__school_class__code",
                "homework__school_class__name",
            )
            .order_by("submitted_at", "pk")
        )
        handed_in = {(s.student_id, s.homework_id): s for s in submissions}
        work_of: dict[int, list[Submission]] = {}
        for submission in submissions:
            work_of.setdefault(submission.student_id, []).append(submission)
        families: dict[int, Family] = {}
        for link in links:
            family = families.setdefault(link.guardian_id, Family(guardian=link.guardian))
            family.children.append(
                self._report(
                    link,
                    classes_of.get(link.student_id, set()),
                    handed_in,
                    work_of.get(link.student_id, []),
                )
            )
        for family in families.values():
            family_classes = set().union(
                *(classes_of.get(child.link.student_id, set()) for child in family.children)
            )
            family.announcements = [
                item
                for item in self.announcements
                if not item.classes.all() or {c.pk for c in item.classes.all()} & family_classes
            ]
        return list(families.values())

    def _report(self, link, classes, handed_in, submissions) -> ChildReport:
        week, student_id = self.week, link.student_id
        report = ChildReport(link=link)
        for item in self.homework:
            if item.school_class_id not in classes:
                continue
            submission = handed_in.get((student_id, item.pk))
            published = item.first_published_at
            if week.start <= item.set_on <= week.end or (
                published and week.begins <= published < week.ends
            ):
                report.set_this_week.append(item)
            if week.ends <= item.due_at < week.next_ends:
                report.due_next_week.append((item, submission))
            if week.missing_since <= item.due_at < self.as_of and submission is None:
                report.missing.append(item)
        for submission in submissions:  # this child's
            returned = submission.returned_at
            late = submission.is_late and week.begins <= submission.submitted_at < week.ends
            if late or (returned and week.begins <= returned < week.ends):
                labelled(
                    submission, week.centre, "member:submission", submitted=submission.submitted_at
                )
                labelled(
                    submission.homework,
                    week.centre,
                    "homework:detail",
                    due=submission.homework.due_at,
                )
            if late:
                report.late.append(submission)
            if returned and week.begins <= returned < week.ends:
                report.returned.append(submission)
        return report
