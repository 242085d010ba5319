"""Writes a member makes about themselves: notification preferences per child."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from portal.accounts.models import User
from portal.centres.models import Guardianship


def guardian_notify_set(*, guardianship: Guardianship, notify: str, by: User) -> Guardianship:
    """How a guardian hears about one child: immediately, in the digest only, or not at all."""
    if guardianship.guardian_id != by.pk:
        raise PermissionDenied("Only the parent/guardian chooses their notifications.")
    if notify not in Guardianship.Notify.values:
        raise ValidationError({"notify": f"Choose one of {', '.join(Guardianship.Notify.values)}."})
    guardianship.notify = notify
    guardianship.save(update_fields=["notify"])
    return guardianship
