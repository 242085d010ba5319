"""Announcements over the API (reading); authoring happens in the Wagtail admin."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from rest_framework import mixins, serializers

from portal.announcements.models import Announcement
from portal.api.serializers import StrictModelSerializer
from portal.api.viewsets import CentreScopedViewSet, summaries


class AnnouncementSerializer(StrictModelSerializer):
    class_ids = serializers.PrimaryKeyRelatedField(source="classes", many=True, read_only=True)

    class Meta:
        model = Announcement
        fields = ["id", "centre", "title", "body", "class_ids", "expires_at", "live"]
        read_only_fields = fields


@summaries(
    list="Current announcements for me (and my children's classes); staff also see drafts",
    retrieve="One announcement",
)
class AnnouncementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CentreScopedViewSet):
    model = Announcement
    serializer_class = AnnouncementSerializer
    filterset_fields = ["centre", "live"]
    search_fields = ["title"]
    ordering_fields = ["created_at", "title"]

    def base_queryset(self):
        return Announcement.objects.prefetch_related("classes").order_by("-created_at", "pk")

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.user.is_superuser or self.request.user.has_perm(
            "announcements.change_announcement"
        ):
            return queryset
        # Readers see only what feeds show: live and not expired.
        return queryset.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
