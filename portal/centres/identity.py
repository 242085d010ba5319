"""Who may write a person's identity: their e-mail address, names and phone number.

An account can belong to several centres and to the platform's own staff, and whoever controls
its e-mail address controls the account (a password reset goes there). So:

* A centre keeps the details of the people it adds (by roster or "Add member") only while the
  account is theirs alone (`accounts_owned_by`): never an account another centre also has,
  never a platform account (staff or superuser). Everything that writes these fields for a
  centre goes through `identities_update`.
* A new e-mail address for an account someone has taken up (`is_claimed`) is not written: the
  new address is asked to confirm it and the old one is told (django-allauth's change-of-address
  flow). An account nobody has signed in to yet is the centre's own, and changes at once.
* An existing account joins another centre only when its owner accepts an invitation
  (`portal.people`); platform accounts never join one (`ensure_may_join`).

People change their own details in their settings; nobody else does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from portal.accounts.models import User
from portal.accounts.tasks import send_email_change_confirmation
from portal.centres.models import Centre, Membership

#: The fields that say who a person is.
IDENTITY_FIELDS = ("email", "first_name", "last_name", "phone")


class PlatformAccountRefused(ValidationError):
    """Platform accounts (staff, superusers) are never added to a centre."""

    def __init__(self) -> None:
        super().__init__(
            {
                "email": "This address belongs to a platform account, which cannot be added "
                "to a centre. Use another address."
            }
        )


class ConsentNeeded(Exception):
    """The account exists and is not the centre's: its owner must accept an invitation."""

    def __init__(self, user: User) -> None:
        super().__init__(f"account {user.pk} joins only by accepting an invitation")
        self.user = user


def is_platform_account(user: User) -> bool:
    return bool(user.is_staff or user.is_superuser)


def accounts_owned_by(centre: Centre) -> QuerySet[User]:
    """Accounts whose details `centre` keeps: added by it, and belonging to nobody else."""
    elsewhere = Membership.objects.exclude(centre=centre).values("user_id")
    return User.objects.filter(
        created_by_centre=centre, is_staff=False, is_superuser=False
    ).exclude(pk__in=elsewhere)


def ensure_may_join(*, user: User, centre: Centre) -> None:
    """Raise unless `user` may take a role at `centre` without being asked: an account already
    in the centre, or one the centre keeps. Platform accounts are refused outright."""
    if is_platform_account(user):
        raise PlatformAccountRefused
    if Membership.objects.filter(user=user, centre=centre).exists():
        return
    if not accounts_owned_by(centre).filter(pk=user.pk).exists():
        raise ConsentNeeded(user)


def is_claimed(user: User) -> bool:
    """Has the person taken the account up (set a password or signed in)? Then its address is
    theirs, and a change needs their confirmation."""
    return user.has_usable_password() or user.last_login is not None


@dataclass
class DetailChanges:
    """What `identities_update` did to one account."""

    user: User
    #: (field, old, new) written to the account.
    written: list[tuple[str, str, str]] = field(default_factory=list)
    #: A new address waiting for the person's confirmation.
    email_requested: str = ""


def _planned(user: User, wanted: dict[str, str]) -> list[tuple[str, str, str]]:
    """The fields of `wanted` that differ from the account; a blank never clears a detail."""
    return [
        (name, getattr(user, name), value)
        for name, value in wanted.items()
        if name in IDENTITY_FIELDS and value and getattr(user, name) != value
    ]


def identities_update(
    *, centre: Centre, wanted: Iterable[tuple[User, dict[str, str]]]
) -> list[DetailChanges]:
    """Bring the details of the centre's people up to date in bulk: only accounts the centre
    owns change; a new address for a claimed account is requested, not written (the request
    is e-mailed once the transaction commits). Returns what happened to each account that
    changed, or would have."""
    wanted = [(user, details) for user, details in wanted if user.pk is not None]
    owned = set(
        accounts_owned_by(centre)
        .filter(pk__in=[user.pk for user, _ in wanted])
        .values_list("pk", flat=True)
    )
    results, changed, requests = [], [], []
    for user, details in wanted:
        plan = _planned(user, details)
        if not plan or user.pk not in owned:
            continue
        result = DetailChanges(user)
        for name, old, new in plan:
            if name == "email" and is_claimed(user):
                result.email_requested = new
                requests.append((user.pk, new))
                continue
            setattr(user, name, new)
            result.written.append((name, old, new))
        if result.written:
            changed.append(user)
        results.append(result)
    written_fields = sorted({name for r in results for name, _old, _new in r.written})
    if changed:
        User.objects.bulk_update(changed, written_fields)
    for user_id, new_email in requests:
        email_change_request(user_id=user_id, new_email=new_email)
    return results


def email_change_request(*, user_id: int, new_email: str) -> None:
    """Ask the person to confirm `new_email` (their old address hears of it once it changes),
    after the surrounding transaction commits: a dry run asks nobody."""
    transaction.on_commit(
        lambda: send_email_change_confirmation.delay(user_id=user_id, new_email=new_email)
    )
