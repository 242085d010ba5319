"""Invitations: a centre asks a person with an account to join it in a role.

Nothing is theirs at the centre until they accept: no membership, no class places, no
guardian links, and the centre sees only the address it typed and the invitation's state,
never the person's name or id (portal.centres.identity says why).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.centres.scoping import CentreScopedQuerySet, Role


def default_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.INVITATION_EXPIRY_DAYS)


class InvitationQuerySet(CentreScopedQuerySet):
    member_filter_is_single_valued = True

    def pending(self):
        return self.filter(
            accepted_at__isnull=True,
            declined_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )

    def addressed_to(self, user):
        """The person's own invitations: they are not in the centre yet, so no role shows
        them through `visible_to`."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class Invitation(models.Model):
    """An offer to join a centre in a role, with the places the role brings (classes, links to
    children or guardians), made real only when the invited person accepts."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Replaced or withdrawn"

    centre = models.ForeignKey("centres.Centre", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField("e-mail address", help_text="The address the centre typed.")
    role = models.CharField(max_length=16, choices=Role.choices)
    external_id = models.CharField("external id", max_length=64, blank=True)
    #: Ids of the classes the person will join (students) or teach (teachers).
    classes = models.JSONField(default=list, blank=True)
    #: [student id, relationship] pairs: the children a parent will be linked to.
    children = models.JSONField(default=list, blank=True)
    #: [guardian id, relationship] pairs: a student's guardians at the centre.
    guardians = models.JSONField(default=list, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: Changes whenever the invitation is sent again: links sent earlier stop working.
    nonce = models.CharField(max_length=32, editable=False)
    #: How many times it has been sent (each sending e-mails once).
    sendings = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "user", "role"],
                condition=Q(accepted_at__isnull=True, declined_at__isnull=True)
                & Q(revoked_at__isnull=True),
                name="invitation_one_open_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} — {self.get_role_display()} at {self.centre}"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.declined_at:
            return self.State.DECLINED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    def get_state_display(self) -> str:
        return self.State(self.state).label

    get_state_display.short_description = "state"
