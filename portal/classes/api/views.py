"""Classes and enrollments: everyone reads what they may see; centre admins change them."""

from __future__ import annotations

from django.db.models import Count
from rest_framework import mixins

from portal.api.viewsets import (
    CentreScopedViewSet,
    CreateModelMixin,
    DestroyModelMixin,
    ModelViewSet,
    summaries,
)
from portal.classes import services
from portal.classes.api.serializers import EnrollmentSerializer, SchoolClassSerializer
from portal.classes.models import Enrollment, SchoolClass


@summaries(
    list="Classes I can see: all of my centre's (admins), taught, attended or my children's",
    retrieve="One class",
    create="Create a class at a centre I administer",
    update="Replace a class's details and teachers",
    partial_update="Change some of a class's details or its teachers",
    destroy="Delete a class with its enrollments",
)
class SchoolClassViewSet(ModelViewSet, CentreScopedViewSet):
    model = SchoolClass
    serializer_class = SchoolClassSerializer
    filterset_fields = ["centre", "subject", "year_group", "teachers"]
    search_fields = ["code", "name", "subject"]
    ordering_fields = ["code", "name", "year_group"]

    def base_queryset(self):
        return (
            SchoolClass.objects.select_related("centre")
            .prefetch_related("teachers")
            .annotate(student_count=Count("enrollments", distinct=True))
            .order_by("centre__name", "code")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        teachers = data.pop("teachers", [])
        created = services.school_class_save(
            school_class=SchoolClass(**data), teachers=teachers, by=self.request.user
        )
        # Read back through the list's queryset, so the answer has `student_count` too.
        serializer.instance = self.base_queryset().get(pk=created.pk)

    def perform_update(self, serializer):
        school_class = serializer.instance
        data = dict(serializer.validated_data)
        teachers = data.pop("teachers", None)
        for field, value in data.items():
            setattr(school_class, field, value)
        serializer.instance = services.school_class_save(
            school_class=school_class,
            teachers=school_class.teachers.all() if teachers is None else teachers,
            by=self.request.user,
        )


@summaries(
    list="Enrollments I can see (filter by class or student)",
    retrieve="One enrollment",
    create="Enrol a student of the class's centre",
    destroy="Remove a student from a class",
)
class EnrollmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    CreateModelMixin,
    DestroyModelMixin,
    CentreScopedViewSet,
):
    model = Enrollment
    serializer_class = EnrollmentSerializer
    filterset_fields = ["school_class", "student"]
    ordering_fields = ["starts_on", "student__last_name"]

    def base_queryset(self):
        return Enrollment.objects.select_related("student", "school_class").order_by("pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.enrollment_add(
            school_class=data["school_class"],
            student=data["student"],
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            by=self.request.user,
        )
