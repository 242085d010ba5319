"""Embedded mode's mailbox: the e-mail written to var/mail/, readable in the browser.

Only mounted when `DEV_MAILBOX_DIR` is set (embedded mode) and only for platform admins: the
messages are the demo school's e-mail, children's names included.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

_SEPARATOR = "\n" + "-" * 79 + "\n"
#: The newest this many messages are listed; older ones stay in the folder.
LIMIT = 300


@dataclass(frozen=True)
class Mail:
    key: str  # file name and position in it
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def to(self) -> str:
        return str(self.message["To"] or "")

    @property
    def date(self) -> str:
        return str(self.message["Date"] or "")

    @property
    def unsubscribe(self) -> str:
        return str(self.message["List-Unsubscribe"] or "")

    def part(self, kind: str) -> str:
        body = self.message.get_body(preferencelist=(kind,))
        return body.get_content() if body is not None else ""


def mailbox() -> list[Mail]:
    """Messages in the mail folder, newest first."""
    folder = Path(settings.DEV_MAILBOX_DIR)
    found: list[Mail] = []
    for path in sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True):
        chunks = [c for c in path.read_text(errors="replace").split(_SEPARATOR) if c.strip()]
        for index in reversed(range(len(chunks))):
            message = email.message_from_string(chunks[index], policy=email.policy.default)
            found.append(Mail(f"{path.stem}.{index}", message))
            if len(found) >= LIMIT:
                return found
    return found


def _superuser_only(view):
    def guarded(request, *args, **kwargs):
        if not request.user.is_superuser:
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return login_required(guarded)


@_superuser_only
def inbox(request):
    messages = mailbox()
    query = request.GET.get("to", "").strip().lower()
    if query:
        messages = [m for m in messages if query in m.to.lower()]
    return render(request, "core/mailbox.html", {"messages": messages, "query": query})


@_superuser_only
def message(request, key: str):
    found = next((m for m in mailbox() if m.key == key), None)
    if found is None:
        raise Http404("No such message.")
    return render(
        request,
        "core/mailbox_message.html",
        {"mail": found, "html": found.part("html"), "text": found.part("plain")},
    )
