"""Celery tasks for accounts; thin wrappers over portal.accounts.services."""

from __future__ import annotations

from celery import shared_task

from portal.accounts import services
from portal.accounts.models import User
from portal.core.tasks import MAIL_RETRY


@shared_task(
    name="accounts.send_email_change_confirmation",
    **MAIL_RETRY,
)
def send_email_change_confirmation(*, user_id: int, new_email: str) -> bool:
    """Ask a new address to confirm it; running twice asks the same address again."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return bool(user) and services.email_change_ask(user=user, new_email=new_email)
