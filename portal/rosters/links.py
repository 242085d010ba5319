"""Who is in which class: students through enrollments, teachers through the class's teachers.

Both follow the same rules so the writer treats them alike: a file adds the links it lists,
reopens ended ones, and in mirror mode ends (or removes) the ones it leaves out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F, Value
from django.db.models.functions import Greatest

from portal.centres.models import Centre
from portal.classes.models import Enrollment, SchoolClass


class EnrollmentLinks:
    """A student's enrollments; leaving a class ends the enrollment so its history stays."""

    def __init__(self, centre: Centre, today: dt.date) -> None:
        self.centre, self.today = centre, today

    def current(self, user_ids: Iterable[int]) -> dict[int, dict[int, tuple[int, bool]]]:
        """user id → class id → (link id, open now)."""
        found: dict[int, dict[int, tuple[int, bool]]] = defaultdict(dict)
        rows = Enrollment.objects.filter(
            student_id__in=list(user_ids), school_class__centre=self.centre
        ).values_list("pk", "student_id", "school_class_id", "ends_on")
        for pk, user_id, class_id, ends_on in rows:
            found[user_id][class_id] = (pk, ends_on is None or ends_on > self.today)
        return found

    def add(self, pairs: list[tuple[int, int]]) -> None:
        Enrollment.objects.bulk_create(
            Enrollment(student_id=user_id, school_class_id=class_id, starts_on=self.today)
            for user_id, class_id in pairs
        )

    def reopen(self, link_ids: list[int]) -> None:
        if link_ids:
            Enrollment.objects.filter(pk__in=link_ids).update(ends_on=None)

    def close(self, link_ids: list[int]) -> None:
        if link_ids:
            Enrollment.objects.filter(pk__in=link_ids).update(
                ends_on=Greatest(F("starts_on"), Value(self.today))
            )


class TeachingLinks:
    """The classes a teacher teaches; a teacher who no longer teaches a class is removed."""

    through = SchoolClass.teachers.through

    def __init__(self, centre: Centre, today: dt.date) -> None:
        self.centre = centre

    def current(self, user_ids: Iterable[int]) -> dict[int, dict[int, tuple[int, bool]]]:
        found: dict[int, dict[int, tuple[int, bool]]] = defaultdict(dict)
        rows = self.through.objects.filter(
            user_id__in=list(user_ids), schoolclass__centre=self.centre
        ).values_list("pk", "user_id", "schoolclass_id")
        for pk, user_id, class_id in rows:
            found[user_id][class_id] = (pk, True)
        return found

    def add(self, pairs: list[tuple[int, int]]) -> None:
        self.through.objects.bulk_create(
            self.through(user_id=user_id, schoolclass_id=class_id) for user_id, class_id in pairs
        )

    def reopen(self, link_ids: list[int]) -> None:
        """Teaching links are never ended, only removed, so there is nothing to reopen."""

    def close(self, link_ids: list[int]) -> None:
        if link_ids:
            self.through.objects.filter(pk__in=link_ids).delete()
