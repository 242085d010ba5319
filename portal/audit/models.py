"""What was done at a centre, by whom and when: the audit log its admins read.

Wagtail logs every action of its admin (create, edit, publish, each workflow step, delete) and
our services log theirs through the same `wagtail.log_actions.log`. For centre-owned models the
entry is a `CentreLogEntry` (registered in wagtail_hooks.py), which records the centre when the
action happens: a centre's admins read their centre's log and no other, and an entry outlives
the object it tells of (a deletion is the entry you most need).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from wagtail.models.audit_log import BaseLogEntry, BaseLogEntryManager, LogEntryQuerySet

from portal.centres.scoping import CentreScopedQuerySet, centre_id_of


class CentreLogEntryQuerySet(CentreScopedQuerySet, LogEntryQuerySet):
    """Read by the admins of the entry's centre (the default member filter) and platform
    admins; teachers, students and parents have no audit log."""

    member_filter_is_single_valued = True


class CentreLogEntryManager(BaseLogEntryManager.from_queryset(CentreLogEntryQuerySet)):
    def get_queryset(self):
        return CentreLogEntryQuerySet(self.model, using=self._db)

    def log_action(self, instance, action, **kwargs):
        kwargs.update(object_id=str(instance.pk), centre_id=centre_id_of(instance))
        return super().log_action(instance, action, **kwargs)

    def for_instance(self, instance):
        return self.filter(
            content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
            object_id=str(instance.pk),
        )


class CentreLogEntry(BaseLogEntry):
    """One logged action on a centre's record (Wagtail's ModelLogEntry, plus the centre)."""

    centre = models.ForeignKey(
        "centres.Centre", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    object_id = models.CharField(max_length=255, db_index=True)

    objects = CentreLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"
        indexes = [
            models.Index(fields=["uuid", "action", "-timestamp"], name="audit_action_uuid"),
            models.Index(fields=["centre", "-timestamp", "-id"], name="audit_centre_newest"),
            models.Index(fields=["content_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.user_display_name}: {self.message}"
