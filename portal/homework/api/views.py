"""Homework over the API: everyone reads what they may see; authors follow the review rules."""

from __future__ import annotations

from django.db.models import Prefetch
from rest_framework import mixins, permissions

from portal.api.viewsets import CentreScopedViewSet, summaries
from portal.homework.api.serializers import HomeworkSerializer
from portal.homework.models import Homework, HomeworkAttachment
from portal.publishing import services
from portal.publishing.api import CanEditContent, ReviewActionsMixin


@summaries(
    list="Homework I can see: live work of my (children's) classes; drafts of classes I run",
    retrieve="One homework",
    create="Draft homework for a class I teach or administer",
    partial_update="Change a draft (saved as a new revision; publish to make it live)",
    destroy="Delete homework",
)
class HomeworkViewSet(
    ReviewActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    CentreScopedViewSet,
):
    model = Homework
    serializer_class = HomeworkSerializer
    permission_classes = [permissions.IsAuthenticated, CanEditContent]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_fields = ["school_class", "live", "late_policy"]
    search_fields = ["title"]
    ordering_fields = ["due_at", "set_on", "title"]

    def base_queryset(self):
        attachments = HomeworkAttachment.objects.select_related("document")
        return (
            Homework.objects.with_review_state()
            .select_related("school_class")
            .prefetch_related(Prefetch("attachments", queryset=attachments))
            .order_by("-due_at", "pk")
        )

    def perform_create(self, serializer):
        serializer.instance = services.content_save_draft(
            item=Homework(**serializer.validated_data), by=self.request.user
        )

    def perform_update(self, serializer):
        draft = serializer.instance.get_latest_revision_as_object()
        for field, value in serializer.validated_data.items():
            setattr(draft, field, value)
        serializer.instance = services.content_save_draft(item=draft, by=self.request.user)

    def perform_destroy(self, instance):
        instance.delete()
