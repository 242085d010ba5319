"""Whiteboards over the API: boards of the classes I am in, their op history and exports.
Drawing itself happens over the websocket (docs/whiteboard-protocol.md)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.pagination import PagePagination
from portal.api.viewsets import CentreScopedViewSet, CreateModelMixin, summaries
from portal.whiteboard import services
from portal.whiteboard.api.serializers import (
    AttachedDocumentSerializer,
    AttachSerializer,
    ExportQuerySerializer,
    HistoryPageSerializer,
    HistoryQuerySerializer,
    WhiteboardSerializer,
)
from portal.whiteboard.models import Whiteboard
from portal.whiteboard.selectors import EXPORT_FORMATS, board_export, ops_after


def _query(serializer_class, request) -> dict:
    query = serializer_class(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    return query.validated_data


@summaries(
    list="Whiteboards of the classes I teach, attend or administer",
    retrieve="One whiteboard",
    create="Add a whiteboard to a class I teach or administer",
)
class WhiteboardViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, CreateModelMixin, CentreScopedViewSet
):
    model = Whiteboard
    serializer_class = WhiteboardSerializer
    # Whoever sees a board may use it; who may add or attach is the services' decision.
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = PagePagination
    filterset_fields = ["school_class", "locked", "is_default"]
    search_fields = ["title"]
    ordering_fields = ["title", "created_at", "last_seq"]

    def base_queryset(self):
        return Whiteboard.objects.select_related("school_class")

    def perform_create(self, serializer):
        serializer.instance = services.whiteboard_create(
            **serializer.validated_data, by=self.request.user
        )

    @extend_schema(
        summary="The board's ops after a seq, in order: a page of at most `limit`",
        parameters=[HistoryQuerySerializer],
        responses=HistoryPageSerializer,
    )
    @action(detail=True)
    def history(self, request, pk=None):
        board = self.get_object()
        query = _query(HistoryQuerySerializer, request)
        ops = ops_after(board=board, seq=query["after"], limit=query["limit"])
        full = len(ops) == query["limit"]
        page = {"ops": ops, "next_after": ops[-1]["seq"] if full else None}
        return Response(HistoryPageSerializer(page).data)

    @extend_schema(
        summary="The board drawn as SVG or PNG, now or as it was after op `seq`",
        parameters=[ExportQuerySerializer],
        responses={
            (200, content_type): OpenApiResponse(OpenApiTypes.BINARY)
            for content_type in EXPORT_FORMATS.values()
        },
    )
    @action(detail=True)
    def export(self, request, pk=None):
        board = self.get_object()
        query = _query(ExportQuerySerializer, request)
        export = board_export(
            board=board, file_format=query["file_format"], at_seq=query.get("seq")
        )
        response = HttpResponse(export.content, content_type=export.content_type)
        response["Content-Disposition"] = f'inline; filename="{export.filename}"'
        return response

    @extend_schema(
        summary="Attach the board, as a PNG, to a homework of its centre (a draft change)",
        request=AttachSerializer,
        responses={201: AttachedDocumentSerializer},
    )
    @action(detail=True, methods=["post"])
    def attach(self, request, pk=None):
        board = self.get_object()
        form = AttachSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        homework = form.validated_data["homework"]
        document = services.whiteboard_attach_export(
            board=board, homework=homework, by=request.user
        )
        attached = {"document": document.pk, "title": document.title, "homework": homework.pk}
        return Response(AttachedDocumentSerializer(attached).data, status=status.HTTP_201_CREATED)
