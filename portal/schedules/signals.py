"""A centre's schedules follow it: made with it, moved with its time zone, gone with it."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.centres.models import Centre
from portal.schedules.services import centre_schedules_remove, centre_schedules_sync


@receiver(post_save, sender=Centre, dispatch_uid="schedules-centre-saved")
def _centre_saved(sender, instance: Centre, raw: bool = False, using: str = "default", **kwargs):
    if not raw:  # not while loading fixtures
        centre_schedules_sync(centre=instance, using=using)


@receiver(post_delete, sender=Centre, dispatch_uid="schedules-centre-deleted")
def _centre_deleted(sender, instance: Centre, using: str = "default", **kwargs):
    centre_schedules_remove(centre_id=instance.pk, using=using)
