"""One-click unsubscribe (RFC 8058): a signed address per guardian, child(ren) and kind of e-mail.

The address needs no login: the signature is the key, and all it can do is switch one kind of
e-mail off for the children it names. It does not expire, because a parent may act on an old
e-mail; switching the kind back on is done in the member site's settings.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.urls import reverse

from portal.centres.models import Guardianship
from portal.notifications.mail import absolute_url

_SALT = "portal.notifications.unsubscribe"


class EmailKind(TextChoices):
    """What an unsubscribe address switches off, named as the e-mail footer says it."""

    NOTICES = "notices", "e-mails as soon as something happens"
    DIGEST = "digest", "the weekly digest"
    REMINDERS = "reminders", "copies of homework reminders"

    @property
    def field(self) -> str:
        """The `Guardianship` switch for this kind."""
        return {
            "notices": "email_notices",
            "digest": "weekly_digest",
            "reminders": "reminder_copies",
        }[self.value]


def unsubscribe_url(*, links: Iterable[Guardianship], kind: EmailKind) -> str:
    """The absolute, signed address that switches `kind` off for these links of one guardian."""
    links = list(links)
    guardians = {link.guardian_id for link in links}
    if len(guardians) != 1:
        raise ValueError("an unsubscribe address is for the links of exactly one guardian")
    token = signing.dumps(
        {"u": guardians.pop(), "g": sorted(link.pk for link in links), "k": kind.value},
        salt=_SALT,
        compress=True,
    )
    return absolute_url(reverse("unsubscribe", args=[token]))


def list_unsubscribe_headers(url: str) -> dict[str, str]:
    """`List-Unsubscribe` and `List-Unsubscribe-Post` headers for a one-click unsubscribe at
    `url` (the same address the e-mail shows: signing it twice could straddle a second and
    give two different addresses)."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def unsubscribe_links(*, token: str) -> tuple[list[Guardianship], EmailKind]:
    """The guardian links and kind a token names; a clear error for a damaged one.

    Links removed since the e-mail was sent are simply left out.
    """
    try:
        data = signing.loads(token, salt=_SALT)
        kind = EmailKind(data["k"])
        guardian_id, link_ids = int(data["u"]), [int(pk) for pk in data["g"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise ValidationError(
            "This unsubscribe link is damaged or incomplete; copy the whole link from the e-mail, "
            "or change your e-mails in Settings after signing in."
        ) from error
    links = Guardianship.objects.filter(pk__in=link_ids, guardian_id=guardian_id).select_related(
        "student", "centre"
    )
    return list(links.order_by("student__first_name")), kind


def guardian_unsubscribe(*, token: str) -> tuple[list[Guardianship], EmailKind]:
    """Switch the token's kind of e-mail off for its links; doing it twice changes nothing."""
    links, kind = unsubscribe_links(token=token)
    Guardianship.objects.filter(pk__in=[link.pk for link in links]).update(**{kind.field: False})
    for link in links:
        setattr(link, kind.field, False)
    return links, kind
