"""Centres, and a guardian's children; members and guardian links are in portal.people."""

from __future__ import annotations

from django.db.models import F, Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins

from portal.api.viewsets import CentreScopedViewSet, summaries
from portal.centres.api.serializers import CentreSerializer, ChildSerializer
from portal.centres.models import Centre, Guardianship
from portal.centres.scoping import Role, centres_subquery
from portal.classes.models import Enrollment


@summaries(list="Centres I belong to", retrieve="One of my centres")
class CentreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CentreScopedViewSet):
    model = Centre
    serializer_class = CentreSerializer
    search_fields = ["name", "slug"]
    ordering_fields = ["name"]


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
