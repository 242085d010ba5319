"""Members and guardian links of the centres the caller administers."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.response import Response

from portal.api.viewsets import (
    CentreScopedViewSet,
    CreateModelMixin,
    DestroyModelMixin,
    IsCentreAdmin,
    UpdateModelMixin,
    log_write,
    summaries,
)
from portal.centres import services as centre_services
from portal.centres.models import Guardianship, Membership
from portal.people import services
from portal.people.api.serializers import (
    GuardianshipSerializer,
    InvitationSerializer,
    MemberSerializer,
)
from portal.people.models import Invitation


@summaries(
    list="People of the centres I administer, with their roles",
    retrieve="One member",
    create="Add a person (found by e-mail, or created) to a centre with a role",
    update="Change a member's role, external id or active state",
    partial_update="Change some of a member's role, external id or active state",
    destroy="Remove a member's role; their links (guardianships, enrollments) go with it",
)
class MemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    CreateModelMixin,
    UpdateModelMixin,
    DestroyModelMixin,
    CentreScopedViewSet,
):
    model = Membership
    serializer_class = MemberSerializer
    permission_classes = [permissions.IsAuthenticated, IsCentreAdmin]
    filterset_fields = ["centre", "role", "is_active"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "external_id"]
    ordering_fields = ["user__last_name", "joined_at", "role"]

    def base_queryset(self):
        return Membership.objects.select_related("user", "centre")

    def get_queryset(self):
        # Members are an admin's list: people of the centres the caller administers.
        return self.base_queryset().managed_by(self.request.user)

    @extend_schema(
        responses={
            201: MemberSerializer,
            202: OpenApiResponse(
                InvitationSerializer,
                description="The address belongs to an account the centre does not keep: "
                "its owner is invited, and joins when they accept.",
            ),
        }
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        joined = services.person_add(
            centre=data["centre"],
            role=data["role"],
            email=data["email"],
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            external_id=data.get("external_id", ""),
            by=request.user,
        )
        log_write(request, joined, "wagtail.create")
        if isinstance(joined, Invitation):
            return Response(InvitationSerializer(joined).data, status=status.HTTP_202_ACCEPTED)
        serializer.instance = joined
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        member, data = serializer.instance, serializer.validated_data
        serializer.instance = centre_services.membership_update(
            membership=member,
            role=data.get("role", member.role),
            external_id=data.get("external_id", member.external_id),
            is_active=data.get("is_active", member.is_active),
            publishes_directly=data.get("publishes_directly", member.publishes_directly),
            by=self.request.user,
        )

    def perform_destroy(self, instance):
        centre_services.membership_remove(membership=instance, by=self.request.user)


@summaries(
    list="Guardian links of the centres I administer",
    retrieve="One guardian link",
    create="Link a parent/guardian to a student of the same centre",
    destroy="Remove a guardian link",
)
class GuardianshipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    CreateModelMixin,
    DestroyModelMixin,
    CentreScopedViewSet,
):
    model = Guardianship
    serializer_class = GuardianshipSerializer
    permission_classes = [permissions.IsAuthenticated, IsCentreAdmin]
    filterset_fields = ["centre", "guardian", "student", "relationship"]

    def base_queryset(self):
        return Guardianship.objects.select_related("guardian", "student")

    def get_queryset(self):
        return self.base_queryset().managed_by(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = centre_services.guardianship_link(
            centre=data["centre"],
            guardian=data["guardian"],
            student=data["student"],
            relationship=data.get("relationship", Guardianship.Relationship.PARENT),
            by=self.request.user,
        )
