from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.accounts.models import User
from portal.api.schema import request_example
from portal.api.serializers import StrictModelSerializer
from portal.api.viewsets import ManagedCentreField
from portal.centres.models import Centre, Guardianship, Membership
from portal.centres.scoping import centre_roles


class PersonSerializer(StrictModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name"]
        read_only_fields = fields


class CentreSerializer(StrictModelSerializer):
    my_roles = serializers.SerializerMethodField()

    class Meta:
        model = Centre
        fields = ["id", "name", "slug", "timezone", "contact_email", "my_roles"]
        read_only_fields = fields

    def get_my_roles(self, centre) -> list[str]:
        return sorted(centre_roles(self.context["request"].user).get(centre.pk, ()))


@request_example(
    "A new teacher",
    {
        "centre": 1,
        "role": "teacher",
        "email": "new.teacher@riverside.example",
        "first_name": "Sam",
        "last_name": "Okafor",
        "external_id": "T-1042",
        "is_active": True,
        "publishes_directly": False,
    },
)
class MemberSerializer(StrictModelSerializer):
    """A person's role at a centre. On create, the person is found by e-mail or created."""

    person = PersonSerializer(source="user", read_only=True)
    centre = ManagedCentreField()
    email = serializers.EmailField(write_only=True)
    first_name = serializers.CharField(write_only=True, required=False, allow_blank=True)
    last_name = serializers.CharField(write_only=True, required=False, allow_blank=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "centre",
            "role",
            "external_id",
            "is_active",
            "publishes_directly",
            "person",
            "email",
            "first_name",
            "last_name",
            "joined_at",
        ]
        read_only_fields = ["id", "joined_at"]
        validators = []  # uniqueness is the service's job, with a clear message

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            # After creation the person and the centre are fixed; only the role details change.
            for name in ("centre", "email", "first_name", "last_name"):
                self.fields[name].read_only = True
                self.fields[name].required = False


@request_example(
    "Link a parent", {"centre": 1, "guardian": 30, "student": 12, "relationship": "parent"}
)
class GuardianshipSerializer(StrictModelSerializer):
    centre = ManagedCentreField()
    guardian_person = PersonSerializer(source="guardian", read_only=True)
    student_person = PersonSerializer(source="student", read_only=True)

    class Meta:
        model = Guardianship
        fields = [
            "id",
            "centre",
            "guardian",
            "student",
            "relationship",
            "guardian_person",
            "student_person",
        ]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            managed = Centre.objects.managed_by(request.user)
            people = User.objects.filter(
                pk__in=Membership.objects.filter(centre__in=managed).values("user")
            )
            self.fields["guardian"].queryset = people
            self.fields["student"].queryset = people


class ChildClassSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class ChildSerializer(StrictModelSerializer):
    """One of the caller's children, as a guardian sees them."""

    child = PersonSerializer(source="student", read_only=True)
    centre_slug = serializers.CharField(source="centre.slug", read_only=True)
    classes = serializers.SerializerMethodField()

    class Meta:
        model = Guardianship
        fields = ["id", "centre", "centre_slug", "relationship", "child", "classes"]
        read_only_fields = fields

    @extend_schema_field(ChildClassSerializer(many=True))
    def get_classes(self, link) -> list[dict]:
        classes = [
            enrollment.school_class
            for enrollment in link.student.enrollments.all()
            if enrollment.school_class.centre_id == link.centre_id
        ]
        return ChildClassSerializer(classes, many=True).data
