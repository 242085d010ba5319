"""Centres and the people in them: memberships (roles per centre) and guardianships."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from portal.centres.scoping import (
    CentreScopedQuerySet,
    Role,
    any_role,
    centre_ids_where,
    role_filter,
)

__all__ = ["Centre", "Guardianship", "Membership", "Role"]


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "%(value)s is not a time zone name; use one like Europe/London or America/New_York.",
            params={"value": value},
        )


#: The reminder moments a centre can choose: days before the due date, 0 = the morning it is due.
REMINDER_DAYS = {
    0: "The morning it is due",
    1: "The day before",
    2: "Two days before",
    3: "Three days before",
    7: "A week before",
}


def default_reminder_days() -> list[int]:
    return [1]


def validate_reminder_days(value) -> None:
    if not isinstance(value, list) or any(day not in REMINDER_DAYS for day in value):
        raise ValidationError(
            "Choose reminder days from: %(days)s.",
            params={"days": ", ".join(str(day) for day in REMINDER_DAYS)},
        )


class CentreQuerySet(CentreScopedQuerySet):
    centre_path = "pk"

    def member_filter(self, user) -> Q:
        return Q(pk__in=centre_ids_where(user))


class Centre(models.Model):
    """A school, branch or tutoring centre; every other record belongs to exactly one."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(
        max_length=60, unique=True, help_text="Used in web addresses, e.g. riverside."
    )
    timezone = models.CharField(
        max_length=64,
        default="Europe/London",
        validators=[validate_timezone],
        help_text="Schedules (reminders, digests) run in this time zone.",
    )
    contact_email = models.EmailField("contact e-mail")
    reminder_days_before = models.JSONField(
        "send reminders",
        default=default_reminder_days,
        validators=[validate_reminder_days],
        help_text="When students who have not handed homework in get a reminder, at 9:00: "
        "days before it is due (0 = the morning it is due).",
    )
    digest_skip_empty = models.BooleanField(
        "skip empty digests",
        default=True,
        help_text="Send no weekly digest to a parent when there is nothing to report.",
    )
    admin_group = models.OneToOneField(
        "auth.Group",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="admin_of_centre",
    )
    teacher_group = models.OneToOneField(
        "auth.Group",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="teachers_of_centre",
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="centre",
        help_text="Root of this centre's documents and images.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CentreQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class MembershipQuerySet(CentreScopedQuerySet):
    member_filter_is_single_valued = True

    def member_filter(self, user) -> Q:
        return role_filter(user, self.centre_path, **{**any_role(Q(user=user)), "admin": Q()})

    def with_role(self, *roles: str):
        return self.filter(role__in=roles)


class Membership(models.Model):
    """A person's role at one centre; the same person may hold other roles elsewhere."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    external_id = models.CharField(
        "external id",
        max_length=64,
        blank=True,
        help_text="The person's id in the school's information system (e.g. student number).",
    )
    is_active = models.BooleanField(
        default=True, help_text="Inactive members keep their history but lose access."
    )
    publishes_directly = models.BooleanField(
        "may publish without review",
        default=False,
        help_text="For teachers: publish homework and announcements without a centre admin's "
        "approval.",
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "member"
        ordering = ["centre__name", "role", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "centre", "role"], name="membership_unique_role_per_centre"
            ),
            models.UniqueConstraint(
                fields=["centre", "role", "external_id"],
                condition=~Q(external_id=""),
                name="membership_unique_external_id",
            ),
        ]
        indexes = [models.Index(fields=["centre", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.centre}"


class GuardianshipQuerySet(CentreScopedQuerySet):
    member_filter_is_single_valued = True

    def member_filter(self, user) -> Q:
        return role_filter(
            user, self.centre_path, admin=Q(), guardian=Q(guardian=user), student=Q(student=user)
        )

    def childrens(self, guardian, *, rows: str, centre_path: str, field: str = "id"):
        """`field` of the children's `rows` (a relation of the student, e.g. "enrollments"),
        for the children of `guardian`, where the row is of the link's own centre
        (`centre_path`, from the row). Shaped for an `__in` subquery: a plain join, cheaper to
        build and to plan than a correlated EXISTS per row."""
        return self.filter(
            guardian=guardian, **{f"student__{rows}__{centre_path}": models.F("centre")}
        ).values(f"student__{rows}__{field}")

    def following(self):
        """Links whose guardian still wants some news of the child (any kind of e-mail on)."""
        return self.filter(Q(email_notices=True) | Q(weekly_digest=True) | Q(reminder_copies=True))

    def of_active_guardians(self):
        """Links whose guardian is still an active guardian at the link's centre."""
        return self.filter(
            guardian__is_active=True,
            guardian__memberships__centre=models.F("centre"),
            guardian__memberships__role=Role.GUARDIAN,
            guardian__memberships__is_active=True,
        )


class Guardianship(models.Model):
    """A parent or guardian linked to a student of the same centre."""

    class Relationship(models.TextChoices):
        PARENT = "parent", "Parent"
        GUARDIAN = "guardian", "Legal guardian"
        CARER = "carer", "Carer"
        OTHER = "other", "Other"

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="guardianships")
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardianships"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardians_of"
    )

    relationship = models.CharField(
        max_length=16, choices=Relationship.choices, default=Relationship.PARENT
    )
    # Three kinds of e-mail, each switched on or off per child: the one-click unsubscribe link
    # in each e-mail turns off exactly its own kind for exactly that child.
    email_notices = models.BooleanField(
        "e-mail at once",
        default=True,
        help_text="An e-mail as soon as homework or an announcement goes live, or marked work "
        "comes back.",
    )
    weekly_digest = models.BooleanField(
        "weekly digest",
        default=True,
        help_text="The Sunday evening summary of the week: homework, missing work, grades, news.",
    )
    reminder_copies = models.BooleanField(
        "copies of reminders",
        default=False,
        help_text="A copy of the reminder the student gets when homework is due and not handed in.",
    )

    #: The kinds of e-mail a guardian switches on or off per child (and unsubscribes from).
    EMAIL_KINDS = ("email_notices", "weekly_digest", "reminder_copies")

    objects = GuardianshipQuerySet.as_manager()

    class Meta:
        verbose_name = "guardian link"
        ordering = ["centre__name", "guardian__last_name", "student__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "guardian", "student"], name="guardianship_unique_link"
            ),
            models.CheckConstraint(
                condition=~Q(guardian=models.F("student")), name="guardianship_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.student} ({self.get_relationship_display()})"

    def email_kinds_display(self) -> str:
        """'E-mail at once, weekly digest', or 'no e-mails'."""
        kinds = [
            str(self._meta.get_field(kind).verbose_name)
            for kind in self.EMAIL_KINDS
            if getattr(self, kind)
        ]
        return ", ".join(kinds).capitalize() if kinds else "No e-mails"

    def clean(self) -> None:
        """Both people must hold the matching role at this centre: links never cross centres."""
        errors = {}
        if (
            self.centre_id
            and self.guardian_id
            and not Membership.objects.filter(
                centre_id=self.centre_id, user_id=self.guardian_id, role=Role.GUARDIAN
            ).exists()
        ):
            errors["guardian"] = "This person is not a parent/guardian at this centre."
        if (
            self.centre_id
            and self.student_id
            and not Membership.objects.filter(
                centre_id=self.centre_id, user_id=self.student_id, role=Role.STUDENT
            ).exists()
        ):
            errors["student"] = "This person is not a student at this centre."
        if self.guardian_id and self.guardian_id == self.student_id:
            errors["student"] = "A person cannot be their own guardian."
        if errors:
            raise ValidationError(errors)
