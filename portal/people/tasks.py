"""Celery tasks for invitations; thin wrappers over portal.people.services."""

from __future__ import annotations

from celery import shared_task

from portal.core.tasks import MAIL_RETRY
from portal.people import services
from portal.people.models import Invitation


@shared_task(name="people.send_invitation", **MAIL_RETRY)
def send_invitation(invitation_id: int, generation: int) -> int:
    """E-mail an invitation (this sending of it) once; idempotent."""
    invitation = Invitation.objects.select_related("centre", "user", "invited_by").get(
        pk=invitation_id
    )
    return services.invitation_email(invitation=invitation, generation=generation)
