"""Building blocks of the digest tests (and of `bench/bench_digest.py`): weeks, dated items,
and a synthetic centre of any size made with bulk inserts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from portal.accounts.models import User
from portal.announcements.models import Announcement
from portal.centres.models import Centre, Guardianship, Membership, Role
from portal.classes.models import Enrollment, SchoolClass
from portal.homework.models import Homework
from portal.submissions.models import Submission


def monday_in(centre: Centre, weeks: int) -> dt.date:
    """The Monday `weeks` weeks after this week's, in the centre's time zone."""
    today = timezone.localdate(timezone=centre.zone)
    return today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks)


def at(centre: Centre, day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=centre.zone)


def homework(school_class: SchoolClass, title: str, *, set_on: dt.date, due_at, **extra):
    """Live homework, as if published on `set_on`."""
    item = Homework(
        school_class=school_class,
        title=title,
        instructions=f"<p>{title}</p>",
        set_on=set_on,
        due_at=due_at,
        live=True,
        first_published_at=at(school_class.centre, set_on, 8),
        **extra,
    )
    item.save()
    return item


def announcement(centre: Centre, title: str, *, published_at, classes=(), **extra):
    item = Announcement(
        centre=centre,
        title=title,
        body=f"<p>{title}</p>",
        live=True,
        first_published_at=published_at,
        **extra,
    )
    item.save()
    if classes:
        item.classes.set(classes)
        item.save()
    return item


def hand_in(item: Homework, student: User, *, at_time, late=False, **extra) -> Submission:
    return Submission.objects.create(
        homework=item, student=student, text="My work.", submitted_at=at_time, is_late=late, **extra
    )


@dataclass
class Synthetic:
    centre: Centre
    guardians: list[User]
    students: list[User]
    classes: list[SchoolClass]


def synthetic_centre(
    slug: str, *, guardians: int, children: int = 2, classes: int = 4, timezone_name="Europe/London"
) -> Synthetic:
    """A centre of `guardians` parents with `children` children each, every child in two of
    `classes` classes; bulk inserts only, so it is quick at benchmark sizes too."""
    centre = Centre.objects.create(
        name=f"Centre {slug}",
        slug=slug,
        timezone=timezone_name,
        contact_email=f"office@{slug}.test",
    )
    password = make_password(None)
    parents = User.objects.bulk_create(
        User(
            email=f"parent{n}@{slug}.test", first_name="Parent", last_name=str(n), password=password
        )
        for n in range(guardians)
    )
    pupils = User.objects.bulk_create(
        User(email=f"pupil{n}@{slug}.test", first_name="Pupil", last_name=str(n), password=password)
        for n in range(guardians * children)
    )
    Membership.objects.bulk_create(
        [Membership(user=p, centre=centre, role=Role.GUARDIAN) for p in parents]
        + [Membership(user=p, centre=centre, role=Role.STUDENT) for p in pupils]
    )
    Guardianship.objects.bulk_create(
        Guardianship(centre=centre, guardian=parents[n // children], student=pupil)
        for n, pupil in enumerate(pupils)
    )
    groups = SchoolClass.objects.bulk_create(
        SchoolClass(centre=centre, code=f"C{n}", name=f"Class {n}") for n in range(classes)
    )
    start = timezone.localdate() - dt.timedelta(days=365)
    Enrollment.objects.bulk_create(
        Enrollment(school_class=groups[(n + k) % classes], student=pupil, starts_on=start)
        for n, pupil in enumerate(pupils)
        for k in range(2)
    )
    return Synthetic(centre=centre, guardians=parents, students=pupils, classes=groups)
