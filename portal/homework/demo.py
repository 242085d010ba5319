"""Demo homework and announcements: live, scheduled and waiting for review, per centre."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from wagtail.models import Workflow

from portal.accounts.models import User
from portal.announcements.models import Announcement
from portal.centres.models import Centre
from portal.classes.models import SchoolClass
from portal.homework.models import Homework, LatePolicy
from portal.notifications.services import notifications_suppressed


def _at(centre: Centre, days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=centre.zone)


def seed_teaching(centre: Centre) -> None:
    """Idempotent: does nothing when the centre already has homework."""
    if Homework.objects.filter(school_class__centre=centre).exists():
        return
    teacher = User.objects.get(email=f"teacher1@{centre.slug}.example")
    admin = User.objects.get(email=f"admin@{centre.slug}.example")
    first, _middle, third = SchoolClass.objects.filter(centre=centre).order_by("pk")[:3]
    with notifications_suppressed():
        live = Homework(
            school_class=first,
            title="Fractions practice",
            created_by=teacher,
            instructions="<p>Complete exercises 1 to 12 on page 34. Show your working.</p>",
            due_at=_at(centre, 3, 9),
            max_points=20,
            late_policy=LatePolicy.FLAG,
        )
        live.save()
        live.save_revision(user=teacher).publish(user=admin)

        scheduled = Homework(
            school_class=third,
            title="Plant cells diagram",
            created_by=teacher,
            instructions="<p>Draw and label a plant cell.</p>",
            due_at=_at(centre, 10, 9),
            go_live_at=_at(centre, 2, 8),
        )
        scheduled.save()
        # Publishing with a future go-live time schedules it; beat publishes it then.
        scheduled.save_revision(user=teacher).publish(user=admin)

        in_review = Homework(
            school_class=first,
            title="Times tables quiz",
            created_by=teacher,
            instructions="<p>Learn the 7 and 8 times tables for Friday's quiz.</p>",
            due_at=_at(centre, 5, 9),
            live=False,
        )
        in_review.save()
        in_review.save_revision(user=teacher)
        Workflow.objects.get(name="Centre review").start(in_review, teacher)

        welcome = Announcement(
            centre=centre,
            title="Welcome back!",
            created_by=admin,
            body="<p>Term starts on Monday. Lockers are open from 8am.</p>",
        )
        welcome.save()
        welcome.save_revision(user=admin).publish(user=admin)

        open_evening = Announcement(
            centre=centre,
            title="Open evening",
            created_by=admin,
            body="<p>Families are welcome to visit classrooms on Thursday from 6pm.</p>",
            go_live_at=_at(centre, 1, 7),
        )
        open_evening.save()
        open_evening.save_revision(user=admin).publish(user=admin)

        trip = Announcement(
            centre=centre,
            title="Science trip forms",
            created_by=teacher,
            body="<p>Please return the trip forms by Wednesday.</p>",
            live=False,
        )
        trip.classes.set([third])  # a parental relation: stored by the save() below
        trip.save()
        trip.save_revision(user=teacher)
        Workflow.objects.get(name="Centre review").start(trip, teacher)
