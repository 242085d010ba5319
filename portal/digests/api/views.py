"""A guardian's weekly digests, as they were sent: the archive list and one digest."""

from __future__ import annotations

from rest_framework import mixins, permissions, serializers

from portal.api.pagination import NewestFirstCursorPagination
from portal.api.serializers import StrictModelSerializer
from portal.api.viewsets import CentreScopedViewSet, summaries
from portal.digests.models import Digest


class DigestListSerializer(StrictModelSerializer):
    class Meta:
        model = Digest
        fields = ["id", "centre", "week_start", "subject", "item_count", "sent_at"]
        read_only_fields = fields


class DigestSerializer(StrictModelSerializer):
    summary = serializers.JSONField(
        read_only=True,
        help_text="`children`: per child the counts of homework set, due next week, missing, "
        "late and returned; `announcements`: how many.",
    )

    class Meta:
        model = Digest
        fields = [*DigestListSerializer.Meta.fields, "summary", "html", "text"]
        read_only_fields = fields


@summaries(
    list="My weekly digests, newest week first",
    retrieve="One of my weekly digests as it was sent (subject, HTML and text)",
)
class DigestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CentreScopedViewSet):
    model = Digest
    # Digests are personal: reading one's own needs no admin rights.
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = NewestFirstCursorPagination.ordered_by("-week_start", "-pk")
    filterset_fields = ["centre", "week_start"]

    def base_queryset(self):
        return Digest.objects.delivered()

    def get_serializer_class(self):
        return DigestListSerializer if self.action == "list" else DigestSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            # The list leaves the two big text fields out; the single digest has them.
            queryset = queryset.defer("html", "text", "summary", "unsubscribe_url")
        return queryset
