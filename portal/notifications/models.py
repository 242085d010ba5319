"""The record that makes every notice go out exactly once."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from portal.centres.scoping import CentreScopedQuerySet


class NotificationLogQuerySet(CentreScopedQuerySet):
    def member_filter(self, user):
        return super().member_filter(user) | models.Q(recipient=user)


class NotificationLog(models.Model):
    """One notice about one item (of one generation) to one person.

    The unique constraint, not luck, decides that a retried task or a second publish does not
    send twice: a row is claimed before sending and marked sent after.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"

    centre = models.ForeignKey("centres.Centre", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    generation = models.PositiveIntegerField(default=0)
    channel = models.CharField(max_length=16, default="email")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationLogQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "generation", "recipient", "channel"],
                name="notification_once_per_recipient",
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id", "generation"])]

    def __str__(self) -> str:
        return (
            f"{self.channel} to {self.recipient} about {self.content_type.model} {self.object_id}"
        )
