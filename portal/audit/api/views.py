"""The audit log over the API: what was done at the centres I administer, newest first."""

from __future__ import annotations

import django_filters
from rest_framework import mixins, serializers

from portal.api.filters import StaticFilterSet
from portal.api.pagination import NewestFirstCursorPagination
from portal.api.serializers import StrictModelSerializer
from portal.api.viewsets import CentreScopedViewSet, summaries
from portal.audit.models import CentreLogEntry


class AuditEntrySerializer(StrictModelSerializer):
    message = serializers.CharField(read_only=True, help_text="What was done, in words.")
    object_type = serializers.CharField(source="object_verbose_name", read_only=True)
    user_name = serializers.CharField(source="user_display_name", read_only=True)

    class Meta:
        model = CentreLogEntry
        fields = [
            "id",
            "centre",
            "timestamp",
            "action",
            "message",
            "object_type",
            "object_id",
            "label",
            "user",
            "user_name",
            "content_changed",
            "deleted",
        ]
        read_only_fields = fields


class AuditEntryFilter(StaticFilterSet):
    """`since` / `until` bound the time; `action` is e.g. "wagtail.publish"."""

    since = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="lt")

    class Meta:
        model = CentreLogEntry
        fields = ["centre", "action", "user", "object_id", "since", "until"]


@summaries(
    list="The audit log of the centres I administer: who did what, when, newest first",
    retrieve="One audit log entry",
)
class AuditEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CentreScopedViewSet):
    model = CentreLogEntry
    serializer_class = AuditEntrySerializer
    pagination_class = NewestFirstCursorPagination.ordered_by("-timestamp", "-pk")
    filterset_class = AuditEntryFilter
    search_fields = ["label"]

    def base_queryset(self):
        return CentreLogEntry.objects.select_related("user", "content_type")
