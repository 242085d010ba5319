"""Classes (teaching groups) of a centre and the students enrolled in them."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.centres.models import Centre, Guardianship, Membership, Role
from portal.centres.scoping import CentreScopedQuerySet, role_filter


def taught_classes(user):
    """Ids of the classes `user` is a teacher of, as a subquery."""
    return SchoolClass.teachers.through.objects.filter(user=user).values("schoolclass_id")


class SchoolClassQuerySet(CentreScopedQuerySet):
    member_filter_is_single_valued = True

    def member_filter(self, user) -> Q:
        return role_filter(
            user,
            "centre",
            **run_by_branches(user),
            student=lambda: Q(pk__in=Enrollment.objects.own_classes(user)),
            guardian=lambda: Q(pk__in=Enrollment.objects.childrens_classes(user)),
        )

    def taught_by(self, user):
        return self.filter(teachers=user)

    def run_by(self, user):
        """Classes this user runs: every class of their admin centres, and the classes they
        teach at centres where they are (still) a teacher. Authors set work for these."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(run_by_filter(user))


def run_by_branches(user, *, to_class: str = "") -> dict[str, Q | Callable[[], Q]]:
    """The rule of `SchoolClassQuerySet.run_by` as `role_filter` branches, on the class
    reached through `to_class` (e.g. "homework__school_class"; "" for classes themselves):
    every class at admin centres, the classes taught at teaching centres."""
    return {
        "admin": Q(),
        "teacher": lambda: Q(**{f"{to_class or 'pk'}__in": taught_classes(user)}),
    }


def run_by_filter(user, *, to_class: str = "") -> Q:
    """`SchoolClassQuerySet.run_by` for a signed-in, active, non-platform user, as a filter on
    the class reached through `to_class`."""
    prefix = f"{to_class}__" if to_class else ""
    return role_filter(user, f"{prefix}centre", **run_by_branches(user, to_class=to_class))


class SchoolClass(models.Model):
    """A teaching group at one centre, e.g. "Year 9 Maths (9M1)"."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="classes")
    code = models.CharField(
        max_length=32, help_text="Short code, unique within the centre, e.g. 9M1."
    )
    name = models.CharField(max_length=120)
    subject = models.CharField(max_length=80, blank=True)
    year_group = models.CharField(max_length=32, blank=True, help_text="e.g. Year 9, Grade 4.")
    external_id = models.CharField(
        "external id", max_length=64, blank=True, help_text="The class's id in the school's system."
    )
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="classes_taught"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolClassQuerySet.as_manager()

    class Meta:
        verbose_name = "class"
        verbose_name_plural = "classes"
        ordering = ["centre__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "code"], name="schoolclass_unique_code"),
            models.UniqueConstraint(
                fields=["centre", "external_id"],
                condition=~Q(external_id=""),
                name="schoolclass_unique_external_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def validate_unique(self, exclude=None):
        # The centre may not be a form field (it is fixed for single-centre admins), so
        # check the per-centre code here rather than rely on the form's unique_together check.
        super().validate_unique(exclude)
        if (
            self.centre_id
            and SchoolClass.objects.filter(centre_id=self.centre_id, code__iexact=self.code)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError({"code": "This centre already has a class with this code."})


class EnrollmentQuerySet(CentreScopedQuerySet):
    centre_path = "school_class__centre"
    member_filter_is_single_valued = True

    def member_filter(self, user) -> Q:
        return role_filter(
            user,
            self.centre_path,
            **run_by_branches(user, to_class="school_class"),
            student=Q(student=user),
            # An id subquery, not an outer join over every guardianship (slow to plan).
            guardian=lambda: Q(pk__in=self._childrens(user, field="id")),
        )

    @staticmethod
    def _childrens(user, *, field: str):
        return Guardianship.objects.childrens(
            user, rows="enrollments", centre_path="school_class__centre", field=field
        )

    def own_classes(self, user):
        """Ids of the classes `user` has a place in (among these places), as a subquery."""
        return self.filter(student=user).values("school_class_id")

    def childrens_classes(self, user):
        """Ids of the classes where the children of `user` (as their guardian at the class's
        centre) have a place, as a subquery."""
        return self._childrens(user, field="school_class")

    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)


class Enrollment(models.Model):
    """A student's place in a class, from a start date until an optional end date."""

    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="enrollments", verbose_name="class"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["school_class__code", "student__last_name", "student__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "student"], name="enrollment_unique_student"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="enrollment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.school_class}"

    def clean(self) -> None:
        errors = {}
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The end date is before the start date."
        if (
            self.school_class_id
            and self.student_id
            and not Membership.objects.filter(
                centre_id=self.school_class.centre_id, user_id=self.student_id, role=Role.STUDENT
            ).exists()
        ):
            errors["student"] = "This person is not a student at the class's centre."
        if errors:
            raise ValidationError(errors)
