"""The weekly parent digest: one stored record per guardian, centre and week."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models

from portal.centres.scoping import CentreScopedQuerySet, role_filter
from portal.notifications.mail import stable_message_id

_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)


class DigestQuerySet(CentreScopedQuerySet):
    member_filter_is_single_valued = True

    def member_filter(self, user) -> models.Q:
        # Personal, like notices: not even the centre's admins read a family's digest; and only
        # while the reader is still an active guardian at the digest's centre.
        return role_filter(user, self.centre_path, guardian=models.Q(guardian=user))

    def delivered(self):
        """What the guardian's archive shows: digests that went out by e-mail."""
        return self.filter(status=Digest.Status.SENT)


class Digest(models.Model):
    """One guardian's digest of one week at one centre, as built and e-mailed.

    The unique constraint makes a second build of the week a no-op, and the status row is what
    makes sending exactly-once: a row is marked sent in the same transaction that sends it.
    Guardians with nothing to report (when the centre skips empty digests) get a `skipped` row.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Nothing to report"
        FAILED = "failed", "Refused by the mail server"

    centre = models.ForeignKey("centres.Centre", on_delete=models.CASCADE, related_name="+")
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    week_start = models.DateField(help_text="The Monday (centre's local date) the week begins.")
    subject = models.CharField(max_length=250, blank=True)
    html = models.TextField(blank=True)
    text = models.TextField(blank=True)
    #: Per child: counts of each section; and the guardian links the digest covers.
    summary = models.JSONField(default=dict, blank=True)
    item_count = models.PositiveIntegerField(default=0)
    unsubscribe_url = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    message_id = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = DigestQuerySet.as_manager()

    class Meta:
        ordering = ["-week_start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "guardian", "week_start"], name="digest_once_per_week"
            )
        ]
        indexes = [
            models.Index(fields=["centre", "week_start", "status"]),
            models.Index(fields=["guardian", "week_start"]),
        ]

    def __str__(self) -> str:
        return f"Digest of {self.week_start:%d %b %Y} for {self.guardian}"

    def body_html(self) -> str:
        """The e-mail's HTML between <body> and </body>: for showing it inside a page."""
        found = _BODY.search(self.html)
        return found.group(1) if found else self.html

    def stable_message_id(self) -> str:
        """The same Message-ID whenever this digest is sent: a re-send is the same message."""
        return stable_message_id(f"digest-{self.pk}-{self.week_start:%Y%m%d}")
