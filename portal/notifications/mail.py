"""What every e-mail of the portal shares: the centre as sender, absolute links, and a
Message-ID that stays the same when a crash makes us send a message again."""

from __future__ import annotations

from email.utils import formataddr, parseaddr

from django.conf import settings


def _from_address() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def centre_sender(centre) -> str:
    """`Riverside Academy <portal@…>`: sent in the centre's name, from the portal's address."""
    return formataddr((centre.name, _from_address()))


def stable_message_id(key: str) -> str:
    """`<key@domain>`: the same for every (re)send of one message, so mailboxes see one."""
    domain = _from_address().rpartition("@")[2] or "school-portal.local"
    return f"<{key}@{domain}>"


def absolute_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path
