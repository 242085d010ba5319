"""Homework (read), submissions (students hand in; teachers grade and return) and the grade
audit trail. Reads through visible_to; writes through portal.submissions.services."""

from __future__ import annotations

from operator import itemgetter

import django_filters
from django.db.models import F
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, parsers, permissions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from portal.api.filters import StaticFilterSet
from portal.api.pagination import NewestFirstCursorPagination
from portal.api.viewsets import (
    CentreScopedViewSet,
    CreateModelMixin,
    FileDownloadViewSet,
    summaries,
)
from portal.core.db import json_list_of
from portal.homework.models import Homework
from portal.submissions import services
from portal.submissions.api.serializers import (
    BulkReturnSerializer,
    GradeChangeSerializer,
    GradeSerializer,
    ReturnedCountSerializer,
    SubmissionSerializer,
    download_url,
)
from portal.submissions.archive import archive_name, submissions_zip
from portal.submissions.models import GradeChange, Submission, SubmissionFile


class GradersOnly(permissions.BasePermission):
    """Reading is for whoever sees the object; grading for its class's teachers and admins."""

    message = "Only the class's teachers and the centre's admins may do this."

    def has_permission(self, request, view):
        return True

    def has_object_permission(self, request, view, obj):
        if view.action in ("list", "create") or (
            view.action == "retrieve" and isinstance(obj, Submission)
        ):
            return True
        homework_id = obj.pk if isinstance(obj, Homework) else obj.homework_id
        return Homework.objects.editable_by(request.user).filter(pk=homework_id).exists()


@summaries(retrieve="All submissions of homework {id} as one zip (streamed)")
class SubmissionArchiveViewSet(mixins.RetrieveModelMixin, CentreScopedViewSet):
    """The id is the homework's: its submissions, as the teacher downloads them to mark."""

    model = Homework
    permission_classes = [permissions.IsAuthenticated, GradersOnly]

    @extend_schema(responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)})
    def retrieve(self, request, pk=None):
        homework = self.get_object()
        response = StreamingHttpResponse(
            submissions_zip(homework=homework, viewer=request.user), content_type="application/zip"
        )
        response["Content-Disposition"] = f'attachment; filename="{archive_name(homework)}"'
        return response


@summaries(retrieve="A file handed in with a submission (download)")
class SubmissionFileViewSet(FileDownloadViewSet):
    """Files are listed with their submission; this is where an app downloads one."""

    model = SubmissionFile

    def file_of(self, handed_in):
        return handed_in.file, handed_in.name


class SubmissionFilter(StaticFilterSet):
    """Declared once, not rebuilt from `filterset_fields` on every request; `homework` is a
    plain id (the rows are already scoped), so filtering costs no extra lookup."""

    homework = django_filters.NumberFilter(field_name="homework_id")
    student = django_filters.NumberFilter(field_name="student_id")

    class Meta:
        model = Submission
        fields = ["homework", "student", "is_late"]


@summaries(
    list="Submissions I can see: my own, my children's, or those of the classes I teach",
    retrieve="One submission (points and feedback appear to students once it is returned)",
    create="Hand in work for a homework: text and/or files (multipart, field `upload`); "
    "handing in again replaces the earlier version until the due time",
)
class SubmissionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, CreateModelMixin, CentreScopedViewSet
):
    model = Submission
    serializer_class = SubmissionSerializer
    permission_classes = [permissions.IsAuthenticated, GradersOnly]
    pagination_class = NewestFirstCursorPagination
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser]
    filterset_class = SubmissionFilter

    def get_queryset(self):
        queryset = Submission.objects.visible_with_can_grade(self.request.user)
        if getattr(self, "reads_values", False):
            return queryset  # the list reads values() (see `list`)
        return queryset.select_related("student").prefetch_related("files")

    #: Columns of the list's values() fast path, read as they are.
    LIST_COLUMNS = (
        "id",
        "homework",
        "student",
        "text",
        "submitted_at",
        "is_late",
        "attempts",
        "points",
        "feedback",
        "returned_at",
    )
    #: The nested person, read along the relation.
    LIST_PERSON = {
        "_person_email": F("student__email"),
        "_person_first_name": F("student__first_name"),
        "_person_last_name": F("student__last_name"),
    }
    #: The files handed in, as a JSON list in the row itself (a subquery on the row's own
    #: submission, so no scoping of its own is needed): no second query per page.
    LIST_FILES = json_list_of(
        SubmissionFile.objects.all(), parent="submission", id="id", name="name", size="size"
    )

    @extend_schema(responses=SubmissionSerializer(many=True))
    def list(self, request, *args, **kwargs):
        """A teacher's inbox: rows come straight from `values()` in SubmissionSerializer's
        shape (same fields, order and hiding of ungraded points), skipping model instances,
        the nested serializers and the per-row field machinery. A custom `?ordering=` takes
        the serializer path, whose cursor may name any orderable field."""
        if request.query_params.get(api_settings.ORDERING_PARAM):
            return super().list(request, *args, **kwargs)
        self.reads_values = True
        rows = self.filter_queryset(self.get_queryset()).values(
            *self.LIST_COLUMNS, "pk", "can_grade", **self.LIST_PERSON, _files=self.LIST_FILES
        )
        page = self.paginate_queryset(rows)
        # The serializer's datetime field, told the zone once rather than looking it up per value.
        when = serializers.DateTimeField(default_timezone=timezone.get_current_timezone())
        return self.get_paginated_response([_submission_row(row, when) for row in page])

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.submission_submit(
            homework=data["homework"],
            student=self.request.user,
            text=data.get("text", ""),
            files=data.get("uploads", []),
            by=self.request.user,
        )

    @extend_schema(
        summary="Give points and written feedback (kept in the grade audit trail)",
        request=GradeSerializer,
        responses={200: SubmissionSerializer},
    )
    @action(detail=True, methods=["post"])
    def grade(self, request, pk=None):
        submission = self.get_object()
        form = GradeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.submission_grade(
            submission=submission,
            points=form.validated_data.get("points"),
            feedback=form.validated_data["feedback"],
            by=request.user,
        )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Return a submission to its student",
        request=None,
        responses={200: SubmissionSerializer},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_work(self, request, pk=None):
        services.submission_return(submission=self.get_object(), by=request.user)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Return many submissions at once",
        request=BulkReturnSerializer,
        responses={200: ReturnedCountSerializer},
    )
    @action(detail=False, methods=["post"], url_path="bulk-return")
    def bulk_return(self, request):
        form = BulkReturnSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        returned = services.submissions_return(
            submissions=form.validated_data["submissions"], by=request.user
        )
        return Response({"returned": len(returned)})


def _submission_row(row: dict, when: serializers.DateTimeField) -> dict:
    """One values() row in SubmissionSerializer's output shape; `when` formats datetimes as
    the serializer's fields do."""
    returned = row["returned_at"] is not None
    shown = returned or row["can_grade"]
    return {
        "id": row["id"],
        "homework": row["homework"],
        "student": row["student"],
        "student_person": {
            "id": row["student"],
            "email": row["_person_email"],
            "first_name": row["_person_first_name"],
            "last_name": row["_person_last_name"],
        },
        "text": row["text"],
        "files": [
            {**file, "download": download_url(file["id"])}
            for file in sorted(row["_files"] or (), key=itemgetter("id"))
        ],
        "submitted_at": when.to_representation(row["submitted_at"]),
        "is_late": row["is_late"],
        "attempts": row["attempts"],
        "status": "returned" if returned else ("late" if row["is_late"] else "submitted"),
        "points": row["points"] if shown else None,
        "feedback": row["feedback"] if shown else "",
        "returned_at": when.to_representation(row["returned_at"]),
    }


@summaries(
    list="Grade changes (who, when, old → new) of the centres I administer",
    retrieve="One grade change",
)
class GradeChangeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CentreScopedViewSet):
    model = GradeChange
    serializer_class = GradeChangeSerializer
    pagination_class = NewestFirstCursorPagination
    filterset_fields = ["submission", "changed_by"]

    def base_queryset(self):
        return GradeChange.objects.select_related("changed_by")
