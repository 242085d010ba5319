from __future__ import annotations

from rest_framework import serializers

from portal.accounts.models import User
from portal.api.schema import request_example
from portal.api.serializers import StrictModelSerializer
from portal.api.viewsets import ManagedCentreField
from portal.centres.api.serializers import PersonSerializer
from portal.centres.models import Centre, Membership, Role
from portal.classes.models import Enrollment, SchoolClass


def people_with_role_in_managed_centres(request, role: str):
    managed = Centre.objects.managed_by(request.user)
    return User.objects.filter(
        pk__in=Membership.objects.filter(centre__in=managed, role=role).values("user")
    )


@request_example(
    "A class",
    {
        "centre": 1,
        "code": "8M2",
        "name": "Year 8 Maths",
        "subject": "Mathematics",
        "year_group": "Year 8",
        "external_id": "",
        "teachers": [4],
    },
)
class SchoolClassSerializer(StrictModelSerializer):
    centre = ManagedCentreField()
    teachers = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=User.objects.none()
    )
    teacher_people = PersonSerializer(source="teachers", many=True, read_only=True)
    student_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SchoolClass
        fields = [
            "id",
            "centre",
            "code",
            "name",
            "subject",
            "year_group",
            "external_id",
            "teachers",
            "teacher_people",
            "student_count",
        ]
        validators = []  # the per-centre code check lives in the model, with a clear message

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["teachers"].child_relation.queryset = people_with_role_in_managed_centres(
                request, Role.TEACHER
            )
        if self.instance is not None and not isinstance(self.instance, list):
            self.fields["centre"].read_only = True


@request_example("Enrol a student", {"school_class": 3, "student": 12, "starts_on": "2026-09-01"})
class EnrollmentSerializer(StrictModelSerializer):
    student_person = PersonSerializer(source="student", read_only=True)
    class_code = serializers.CharField(source="school_class.code", read_only=True)

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "school_class",
            "class_code",
            "student",
            "student_person",
            "starts_on",
            "ends_on",
        ]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["school_class"].queryset = SchoolClass.objects.managed_by(request.user)
            self.fields["student"].queryset = people_with_role_in_managed_centres(
                request, Role.STUDENT
            )
