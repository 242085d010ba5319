"""Roster imports over the API: the same upload → dry run → confirm flow as the admin."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, parsers, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.schema import request_example
from portal.api.serializers import StrictModelSerializer
from portal.api.viewsets import (
    CentreScopedViewSet,
    CreateModelMixin,
    DestroyModelMixin,
    IsCentreAdmin,
    ManagedCentreField,
    summaries,
)
from portal.rosters import services
from portal.rosters.models import RosterImport, validate_roster_size

#: Row problems returned inline; the full list is in the admin's error CSV.
ERRORS_SHOWN = 500


@request_example(
    "Check a student roster (multipart; `file` is the upload)",
    {"centre": 1, "kind": "students", "mode": "update", "create_missing_classes": False},
)
class RosterImportSerializer(StrictModelSerializer):
    centre = ManagedCentreField()
    file = serializers.FileField(
        write_only=True,
        validators=[validate_roster_size],
        help_text="CSV, XLSX or a OneRoster zip.",
    )
    row_errors = serializers.SerializerMethodField()

    class Meta:
        model = RosterImport
        fields = [
            "id",
            "centre",
            "kind",
            "mode",
            "create_missing_classes",
            "oneroster_school",
            "file",
            "original_name",
            "status",
            "progress",
            "row_count",
            "counts",
            "row_errors",
            "created_at",
            "checked_at",
            "imported_at",
        ]
        read_only_fields = [
            "id",
            "original_name",
            "status",
            "progress",
            "row_count",
            "counts",
            "created_at",
            "checked_at",
            "imported_at",
        ]

    def get_row_errors(self, roster_import) -> list[dict]:
        return roster_import.row_errors[:ERRORS_SHOWN]


@summaries(
    list="Roster imports of the centres I administer",
    retrieve="An import's status, progress, counts and row problems (the dry-run result)",
    create="Upload a roster: it is checked (a dry run, nothing written) and previewed",
    destroy="Forget an import and its uploaded file",
)
class RosterImportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    CreateModelMixin,
    DestroyModelMixin,
    CentreScopedViewSet,
):
    model = RosterImport
    serializer_class = RosterImportSerializer
    permission_classes = [permissions.IsAuthenticated, IsCentreAdmin]
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]
    filterset_fields = ["centre", "kind", "status"]
    ordering_fields = ["created_at"]

    def base_queryset(self):
        return RosterImport.objects.order_by("-created_at", "-pk")

    def get_queryset(self):
        return self.base_queryset().managed_by(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.roster_import_upload(
            centre=data["centre"],
            kind=data["kind"],
            upload=data["file"],
            mode=data.get("mode", RosterImport.Mode.UPDATE),
            create_missing_classes=data.get("create_missing_classes", False),
            oneroster_school=data.get("oneroster_school", ""),
            by=self.request.user,
        )

    def perform_destroy(self, instance):
        services.roster_import_delete(roster_import=instance, by=self.request.user)

    @extend_schema(
        summary="Import a checked file: all of it, or (on any problem) nothing",
        request=None,
        responses={200: RosterImportSerializer},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        roster_import = services.roster_import_confirm(
            roster_import=self.get_object(), by=request.user
        )
        return Response(self.get_serializer(roster_import).data, status=status.HTTP_200_OK)
