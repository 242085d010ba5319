"""API building blocks for reviewed content: edit rights and the review/publish actions."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.schema import request_example
from portal.api.serializers import StrictSerializer
from portal.centres.scoping import Role, centre_ids_where
from portal.publishing import services


class CanEditContent(permissions.BasePermission):
    """Staff may create; those who may edit an item change it; readers only read."""

    message = "You can see this, but you may not change it."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or view.action != "create":
            return True
        user = request.user
        return user.is_superuser or bool(centre_ids_where(user, Role.ADMIN, Role.TEACHER))

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return type(obj).objects.editable_by(request.user).filter(pk=obj.pk).exists()


@request_example("A note for the author", {"comment": "Please add the page numbers."})
class ReviewCommentSerializer(StrictSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReviewActionsMixin:
    """`submit`, `approve`, `request-changes`, `publish` and `unpublish` on one item."""

    def _done(self, item):
        item.refresh_from_db()
        return Response(self.get_serializer(item).data, status=status.HTTP_200_OK)

    @extend_schema(summary="Submit for review by the centre's admins", request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        item = self.get_object()
        services.content_submit_for_review(item=item, by=request.user)
        return self._done(item)

    @extend_schema(summary="Approve and publish (centre admins)", request=ReviewCommentSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._review(request, approve=True)

    @extend_schema(
        summary="Request changes, with a comment the author sees (centre admins)",
        request=ReviewCommentSerializer,
    )
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk=None):
        return self._review(request, approve=False)

    def _review(self, request, *, approve: bool):
        item = self.get_object()
        body = ReviewCommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.content_review(
            item=item, by=request.user, approve=approve, comment=body.data.get("comment", "")
        )
        return self._done(item)

    @extend_schema(summary="Publish now (centre admins and trusted teachers)", request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        item = services.content_publish(item=self.get_object(), by=request.user)
        return self._done(item)

    @extend_schema(summary="Withdraw: students and parents no longer see it", request=None)
    @action(detail=True, methods=["post"])
    def unpublish(self, request, pk=None):
        item = services.content_unpublish(item=self.get_object(), by=request.user)
        return self._done(item)
