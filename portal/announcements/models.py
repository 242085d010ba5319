"""Announcements: news for a whole centre, or for chosen classes, with an optional end date."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalManyToManyField

from portal.centres.scoping import CentreScopedQuerySet, Role, centre_ids_where, role_filter
from portal.core.rich_text import SanitisedRichTextField
from portal.publishing.models import CentreContent


class AnnouncementQuerySet(CentreScopedQuerySet):
    def member_filter(self, user) -> Q:
        # Staff read all of their centre's; students and guardians read what is live and for
        # the whole centre or for a class they (or their children) are in.
        everyone = Q(classes__isnull=True)
        return role_filter(
            user,
            self.centre_path,
            admin=Q(),
            teacher=Q(),
            student=Q(live=True) & (everyone | Q(classes__enrollments__student=user)),
            guardian=Q(live=True)
            & (everyone | Q(classes__enrollments__student__guardians_of__guardian=user)),
        )

    def editable_by(self, user):
        """Admins change their centres' announcements; teachers change their own."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(centre__in=centre_ids_where(user, Role.ADMIN))
            | Q(created_by=user, centre__in=centre_ids_where(user, Role.TEACHER))
        )

    def current(self, now=None):
        """Live and not yet expired: what feeds show."""
        now = now or timezone.now()
        return self.filter(live=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class Announcement(CentreContent):
    """News from a centre; for everyone there, or for the chosen classes only."""

    centre = models.ForeignKey(
        "centres.Centre", on_delete=models.CASCADE, related_name="announcements"
    )
    body = SanitisedRichTextField(features=["h2", "h3", "bold", "italic", "ol", "ul", "link"])
    classes = ParentalManyToManyField(
        "classes.SchoolClass",
        blank=True,
        related_name="announcements",
        help_text="Leave empty to announce to the whole centre.",
    )
    expires_at = models.DateTimeField(
        "show until", null=True, blank=True, help_text="After this it disappears from feeds."
    )

    objects = AnnouncementQuerySet.as_manager()
    member_url_name = "announcements:detail"
    member_template = "announcements/announcement_detail.html"

    class Meta:
        ordering = ["-created_at"]

    def centre_id_for_publishing(self) -> int | None:
        return self.centre_id
