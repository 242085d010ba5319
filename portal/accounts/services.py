"""Writes to accounts that their owners confirm: a change of e-mail address."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from portal.accounts.models import User


def email_change_ask(*, user: User, new_email: str) -> bool:
    """Send `new_email` a link that makes it the person's address (django-allauth's change of
    address: on confirming, the old address is told). False when the address is taken by
    someone else, or is already theirs."""
    new_email = new_email.strip().lower()
    if user.email == new_email or User.objects.filter(email__iexact=new_email).exists():
        return False
    # The current address as allauth knows it, so that it hears of the change.
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": True}
    )
    address = EmailAddress.objects.add_new_email(None, user, new_email, send_verification=False)
    address.send_confirmation(None)
    return True
