"""Homework over the API: everyone reads what they may see; authors follow the review rules."""

from __future__ import annotations

from django.db.models import F, Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions

from portal.api.filters import StaticFilterSet
from portal.api.pagination import NewestFirstCursorPagination
from portal.api.viewsets import (
    CentreScopedViewSet,
    CreateModelMixin,
    DestroyModelMixin,
    FileDownloadViewSet,
    UpdateModelMixin,
    summaries,
)
from portal.homework.api.serializers import HomeworkSerializer, HomeworkSummarySerializer
from portal.homework.models import Homework, HomeworkAttachment
from portal.publishing import services
from portal.publishing.api import CanEditContent, ReviewActionsMixin
from portal.publishing.models import review_status


class HomeworkFilter(StaticFilterSet):
    """Declared once, not rebuilt from `filterset_fields` on every request."""

    class Meta:
        model = Homework
        fields = ["school_class", "live", "late_policy"]


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
    CreateModelMixin,
    UpdateModelMixin,
    DestroyModelMixin,
    CentreScopedViewSet,
):
    model = Homework
    serializer_class = HomeworkSerializer
    permission_classes = [permissions.IsAuthenticated, CanEditContent]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    # The biggest list a student or parent reads, and it grows all year: no COUNT(*), and
    # constant cost at any depth.
    pagination_class = NewestFirstCursorPagination.ordered_by("-due_at", "-pk", page_size=25)
    filterset_class = HomeworkFilter
    search_fields = ["title"]
    ordering_fields = ["due_at", "set_on", "title"]

    def get_serializer_class(self):
        return HomeworkSummarySerializer if self.action == "list" else HomeworkSerializer

    def base_queryset(self):
        queryset = Homework.objects.select_related("school_class").order_by("-due_at", "pk")
        if self.action == "list":
            return queryset
        attachments = HomeworkAttachment.objects.select_related("document")
        return queryset.with_review_state().prefetch_related(
            Prefetch("attachments", queryset=attachments)
        )

    @extend_schema(responses=HomeworkSummarySerializer(many=True))
    def list(self, request, *args, **kwargs):
        """The hottest read of the portal: rows come straight from `values()` in the shape of
        HomeworkSummarySerializer, skipping model and serializer machinery per row."""
        summary = HomeworkSummarySerializer.Meta
        columns = {name: F(path) for name, path in summary.value_paths.items()}
        rows = self.filter_queryset(self.get_queryset()).values(*summary.value_fields, **columns)
        page = self.paginate_queryset(rows)
        # Live rows are "live"; only staff ever get drafts, and only those need a lookup.
        drafts = [row["id"] for row in page if not row["live"]]
        states = (
            {
                homework.pk: review_status(homework)
                for homework in Homework.objects.with_review_state().filter(pk__in=drafts)
            }
            if drafts
            else {}
        )
        for row in page:
            row["status"] = states.get(row["id"], "live")
        return self.get_paginated_response(page)

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


@summaries(retrieve="A file handed out with homework (download)")
class HomeworkAttachmentViewSet(FileDownloadViewSet):
    """Attachments are listed with their homework; this is where an app downloads one."""

    model = HomeworkAttachment

    def base_queryset(self):
        return HomeworkAttachment.objects.select_related("document")

    def file_of(self, attachment):
        return attachment.document.file, attachment.document.filename
