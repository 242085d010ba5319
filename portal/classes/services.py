"""Writes for classes and enrollments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from portal.accounts.models import User
from portal.centres.models import Centre, Membership, Role
from portal.centres.services import ensure_manages
from portal.classes.models import Enrollment, SchoolClass


def _ensure_role(*, users: Iterable[User], centre: Centre, role: str, field: str) -> None:
    ids = {user.pk for user in users}
    holding = set(
        Membership.objects.filter(centre=centre, role=role, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    if missing := ids - holding:
        names = ", ".join(sorted(str(u) for u in users if u.pk in missing))
        raise ValidationError({field: f"Not a {Role(role).label.lower()} at {centre}: {names}."})


@transaction.atomic
def school_class_save(
    *, school_class: SchoolClass, teachers: Iterable[User], by: User | None = None
) -> SchoolClass:
    """Create or update a class and set its teachers (who must teach at its centre)."""
    ensure_manages(by=by, centre=school_class.centre)
    teachers = list(teachers)
    _ensure_role(users=teachers, centre=school_class.centre, role=Role.TEACHER, field="teachers")
    school_class.full_clean()
    school_class.save()
    school_class.teachers.set(teachers)
    return school_class


@transaction.atomic
def enrollment_add(
    *,
    school_class: SchoolClass,
    student: User,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    by: User | None = None,
) -> Enrollment:
    """Enrol a student of the class's centre."""
    ensure_manages(by=by, centre=school_class.centre)
    enrollment = Enrollment(school_class=school_class, student=student, ends_on=ends_on)
    if starts_on:
        enrollment.starts_on = starts_on
    enrollment.full_clean()
    enrollment.save()
    return enrollment
