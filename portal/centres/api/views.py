"""Centres, members (admins only), guardian links and a guardian's children."""

from __future__ import annotations

from django.db.models import F, Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions

from portal.api.viewsets import (
    CentreScopedViewSet,
    CreateModelMixin,
    DestroyModelMixin,
    IsCentreAdmin,
    UpdateModelMixin,
    summaries,
)
from portal.centres import services
from portal.centres.api.serializers import (
    CentreSerializer,
    ChildSerializer,
    GuardianshipSerializer,
    MemberSerializer,
)
from portal.centres.models import Centre, Guardianship, Membership
from portal.centres.scoping import Role, centres_subquery
from portal.classes.models import Enrollment


@summaries(list="Centres I belong to", retrieve="One of my centres")
class CentreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CentreScopedViewSet):
    model = Centre
    serializer_class = CentreSerializer
    search_fields = ["name", "slug"]
    ordering_fields = ["name"]


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

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.membership_add(
            centre=data["centre"],
            role=data["role"],
            email=data["email"],
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            external_id=data.get("external_id", ""),
            by=self.request.user,
        )

    def perform_update(self, serializer):
        member, data = serializer.instance, serializer.validated_data
        serializer.instance = services.membership_update(
            membership=member,
            role=data.get("role", member.role),
            external_id=data.get("external_id", member.external_id),
            is_active=data.get("is_active", member.is_active),
            publishes_directly=data.get("publishes_directly", member.publishes_directly),
            by=self.request.user,
        )

    def perform_destroy(self, instance):
        services.membership_remove(membership=instance, by=self.request.user)


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
        serializer.instance = services.guardianship_link(
            centre=data["centre"],
            guardian=data["guardian"],
            student=data["student"],
            relationship=data.get("relationship", Guardianship.Relationship.PARENT),
            by=self.request.user,
        )


@summaries(
    list="My children (as a parent/guardian) and their classes", retrieve="One of my children"
)
class ChildViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CentreScopedViewSet):
    model = Guardianship
    serializer_class = ChildSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Guardianship.objects.none()
        user = self.request.user
        # The centres where the caller is a guardian, resolved inside the same query.
        links = Guardianship.objects.filter(
            guardian=user, centre_id__in=centres_subquery(user, Role.GUARDIAN)
        )
        if self.action == "list":
            return links  # read with values() (see `list`)
        current = Enrollment.objects.current().select_related("school_class")
        return links.select_related("student", "centre").prefetch_related(
            Prefetch("student__enrollments", queryset=current)
        )

    @extend_schema(responses=ChildSerializer(many=True))
    def list(self, request, *args, **kwargs):
        """Rows straight from `values()` in ChildSerializer's shape: the links, then the
        children's current classes in one query (only classes of the link's own centre)."""
        rows = self.filter_queryset(self.get_queryset()).values(
            "id",
            "centre",
            "relationship",
            "student",
            centre_slug_=F("centre__slug"),
            child_email=F("student__email"),
            child_first_name=F("student__first_name"),
            child_last_name=F("student__last_name"),
        )
        page = self.paginate_queryset(rows)
        classes: dict[tuple[int, int], list[dict]] = {}
        if page:
            current = Enrollment.objects.current().filter(
                student_id__in={row["student"] for row in page}
            )
            for student, centre, class_id, code, name in current.values_list(
                "student_id",
                "school_class__centre_id",
                "school_class_id",
                "school_class__code",
                "school_class__name",
            ):
                classes.setdefault((student, centre), []).append(
                    {"id": class_id, "code": code, "name": name}
                )
        return self.get_paginated_response(
            [
                {
                    "id": row["id"],
                    "centre": row["centre"],
                    "centre_slug": row["centre_slug_"],
                    "relationship": row["relationship"],
                    "child": {
                        "id": row["student"],
                        "email": row["child_email"],
                        "first_name": row["child_first_name"],
                        "last_name": row["child_last_name"],
                    },
                    "classes": classes.get((row["student"], row["centre"]), []),
                }
                for row in page
            ]
        )
