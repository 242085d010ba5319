"""The record that makes every notice go out exactly once."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from portal.centres.scoping import CentreScopedQuerySet, any_role, role_filter


class NotificationLogQuerySet(CentreScopedQuerySet):
    member_filter_is_single_valued = True

    def member_filter(self, user):
        return role_filter(
            user, self.centre_path, **{**any_role(models.Q(recipient=user)), "admin": models.Q()}
        )


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


class NoticeQuerySet(CentreScopedQuerySet):
    member_filter_is_single_valued = True

    def member_filter(self, user):
        # Personal: not even the centre's admins read someone's notices.
        return role_filter(user, self.centre_path, **any_role(models.Q(recipient=user)))

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    """An in-app notice in a person's notification centre; pushed live to open pages.

    Unique per item, generation and kind, so a retried task or a second return tells no one
    twice (each return of a submission is a new generation).
    """

    class Kind(models.TextChoices):
        HOMEWORK = "homework", "New homework"
        GRADE = "grade", "Work returned"
        ANNOUNCEMENT = "announcement", "Announcement"

    centre = models.ForeignKey("centres.Centre", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=250)
    link = models.CharField(max_length=250)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    generation = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "generation", "kind", "recipient"],
                name="notice_once_per_recipient",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}: {self.title}"
