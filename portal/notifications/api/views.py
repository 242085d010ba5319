"""My in-app notices: list them, mark one or all as read."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.pagination import NewestFirstCursorPagination
from portal.api.serializers import StrictModelSerializer, StrictSerializer
from portal.api.viewsets import CentreScopedViewSet, summaries
from portal.notifications.models import Notice
from portal.notifications.notices import notice_mark_read


class NoticeSerializer(StrictModelSerializer):
    class Meta:
        model = Notice
        fields = ["id", "centre", "kind", "title", "link", "created_at", "read_at"]
        read_only_fields = fields


class MarkedSerializer(StrictSerializer):
    marked = serializers.IntegerField()


@summaries(list="My notifications, newest first (filter `unread=true`)")
class NoticeViewSet(mixins.ListModelMixin, CentreScopedViewSet):
    model = Notice
    serializer_class = NoticeSerializer
    # Notices are personal: reading one's own is enough to mark it read (checked below).
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = NewestFirstCursorPagination
    filterset_fields = ["kind", "centre"]

    def base_queryset(self):
        return Notice.objects.all()

    def get_queryset(self):
        mine = super().get_queryset()
        if self.request.query_params.get("unread") == "true":
            mine = mine.unread()
        return mine

    @extend_schema(
        summary="Mark one notification as read", request=None, responses=MarkedSerializer
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notice = self.get_object()
        if notice.recipient_id != request.user.pk:
            raise PermissionDenied("Only its recipient marks a notification read.")
        return Response({"marked": notice_mark_read(notices=[notice], by=request.user)})

    @extend_schema(
        summary="Mark all my notifications as read", request=None, responses=MarkedSerializer
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        mine = Notice.objects.visible_to(request.user).filter(recipient=request.user).unread()
        return Response({"marked": notice_mark_read(notices=mine, by=request.user)})
