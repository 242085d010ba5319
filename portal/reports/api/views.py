"""Report exports over the API: request one, follow its progress, download the file."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers
from rest_framework.decorators import action

from portal.api.errors import error_response
from portal.api.pagination import NewestFirstCursorPagination
from portal.api.schema import ErrorSerializer
from portal.api.serializers import StrictModelSerializer
from portal.api.viewsets import (
    CentreScopedViewSet,
    CreateModelMixin,
    IsCentreAdmin,
    ManagedCentreField,
)
from portal.classes.models import SchoolClass
from portal.core.private_files import private_file_response
from portal.reports import services
from portal.reports.models import ReportExport

CONTENT_TYPES = {
    ReportExport.Format.CSV: "text/csv",
    ReportExport.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ReportExportSerializer(StrictModelSerializer):
    centre = ManagedCentreField(help_text="A centre you administer.")
    download = serializers.SerializerMethodField()

    class Meta:
        model = ReportExport
        fields = [
            "id",
            "centre",
            "kind",
            "school_class",
            "format",
            "status",
            "progress",
            "row_count",
            "error",
            "requested_by",
            "created_at",
            "finished_at",
            "expires_at",
            "download",
        ]
        read_only_fields = [
            "id",
            "status",
            "progress",
            "row_count",
            "error",
            "requested_by",
            "created_at",
            "finished_at",
            "expires_at",
        ]
        extra_kwargs = {
            "school_class": {"help_text": "A class of that centre; leave out for the whole centre."}
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["school_class"].queryset = SchoolClass.objects.managed_by(request.user)

    def get_download(self, export: ReportExport) -> str | None:
        """Where to fetch the file once the report is done, until `expires_at`."""
        if export.status != ReportExport.Status.DONE:
            return None
        return reverse("v1:report-export-download", args=[export.pk])


REQUEST_EXAMPLE = OpenApiExample(
    "Grades of one class as XLSX",
    value={"centre": 1, "kind": "grades", "school_class": 3, "format": "xlsx"},
    request_only=True,
)
QUEUED_EXAMPLE = OpenApiExample(
    "Just requested",
    value={
        "id": 12,
        "centre": 1,
        "kind": "grades",
        "school_class": 3,
        "format": "xlsx",
        "status": "queued",
        "progress": 0,
        "row_count": 0,
        "error": "",
        "requested_by": 2,
        "created_at": "2025-11-24T09:15:00Z",
        "finished_at": None,
        "expires_at": None,
        "download": None,
    },
    response_only=True,
    status_codes=["201"],
)
DONE_EXAMPLE = OpenApiExample(
    "Ready to download",
    value={
        "id": 12,
        "centre": 1,
        "kind": "completion",
        "school_class": None,
        "format": "csv",
        "status": "done",
        "progress": 100,
        "row_count": 184,
        "error": "",
        "requested_by": 2,
        "created_at": "2025-11-24T09:15:00Z",
        "finished_at": "2025-11-24T09:15:04Z",
        "expires_at": "2025-12-01T09:15:04Z",
        "download": "/api/v1/report-exports/12/download/",
    },
    response_only=True,
    status_codes=["200"],
)


@extend_schema_view(
    list=extend_schema(
        summary="Reports of the centres I administer (and those I asked for), newest first",
        examples=[DONE_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="A report's status and progress; `download` is set once it is ready",
        examples=[DONE_EXAMPLE],
    ),
    create=extend_schema(
        summary="Request a report (grades, completion or submissions log) as CSV or XLSX; "
        "it is made in the background and the requester is e-mailed a download link",
        examples=[REQUEST_EXAMPLE, QUEUED_EXAMPLE],
    ),
)
class ReportExportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, CreateModelMixin, CentreScopedViewSet
):
    model = ReportExport
    serializer_class = ReportExportSerializer
    pagination_class = NewestFirstCursorPagination
    filterset_fields = ["centre", "kind", "status"]

    def get_permissions(self):
        if self.action == "create":
            return [permissions.IsAuthenticated(), IsCentreAdmin()]
        return super().get_permissions()

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.report_export_request(
            centre=data["centre"],
            kind=data["kind"],
            school_class=data.get("school_class"),
            format=data.get("format", ReportExport.Format.CSV),
            by=self.request.user,
        )

    @extend_schema(
        summary="Download a ready report's file (CSV or XLSX) until it expires",
        responses={
            (200, CONTENT_TYPES["csv"]): OpenApiResponse(OpenApiTypes.BINARY),
            (200, CONTENT_TYPES["xlsx"]): OpenApiResponse(OpenApiTypes.BINARY),
            409: OpenApiResponse(ErrorSerializer, description="The report is not ready."),
            410: OpenApiResponse(ErrorSerializer, description="The report has expired."),
        },
        examples=[
            OpenApiExample(
                "Expired",
                value={
                    "error": {
                        "status": 410,
                        "code": "expired",
                        "message": "This report has expired and its file was deleted.",
                    }
                },
                response_only=True,
                status_codes=["410"],
            )
        ],
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        export = self.get_object()
        try:
            file = services.report_export_file(export=export)
        except services.ReportExpired:
            return error_response(
                410, "expired", "This report has expired and its file was deleted."
            )
        except services.ReportNotReady:
            return error_response(
                409, "not_ready", f"This report is “{export.get_status_display()}”, not ready."
            )
        return private_file_response(file, filename=export.download_name)
