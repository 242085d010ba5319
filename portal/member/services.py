"""Writes a member makes about themselves: notification preferences per child."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from portal.accounts.models import User
from portal.centres.models import Guardianship


def guardian_preferences_set(
    *, guardianship: Guardianship, by: User, **wanted: bool
) -> Guardianship:
    """Which e-mails a guardian gets about one child: any of `Guardianship.EMAIL_KINDS`."""
    if guardianship.guardian_id != by.pk:
        raise PermissionDenied("Only the parent/guardian chooses their notifications.")
    unknown = set(wanted) - set(Guardianship.EMAIL_KINDS)
    if unknown:
        raise ValidationError({kind: "Not a kind of e-mail." for kind in sorted(unknown)})
    for kind, on in wanted.items():
        setattr(guardianship, kind, bool(on))
    guardianship.save(update_fields=list(wanted))
    return guardianship
