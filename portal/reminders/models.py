"""A reminder that homework is due: one per homework, student, moment and recipient, ever."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.centres.scoping import CentreScopedQuerySet, any_role, role_filter


class ReminderQuerySet(CentreScopedQuerySet):
    centre_path = "homework__school_class__centre"
    member_filter_is_single_valued = True

    def member_filter(self, user) -> Q:
        return role_filter(user, self.centre_path, **{**any_role(Q(recipient=user)), "admin": Q()})


class Reminder(models.Model):
    """Homework not handed in, `days_before` its due date: to the student, or a copy to a
    guardian. The unique constraint is what makes a reminder go out once, not luck."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        DROPPED = "dropped", "Not sent (handed in meanwhile)"

    homework = models.ForeignKey(
        "homework.Homework", on_delete=models.CASCADE, related_name="reminders"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    days_before = models.PositiveSmallIntegerField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["homework", "student", "days_before", "recipient"],
                name="reminder_once",
            )
        ]
        indexes = [models.Index(fields=["status", "homework"])]

    def __str__(self) -> str:
        return (
            f"Reminder to {self.recipient} about {self.homework} ({self.days_before} days before)"
        )
