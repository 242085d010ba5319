from __future__ import annotations

from rest_framework import serializers

from portal.accounts.models import User
from portal.api.schema import request_example
from portal.api.serializers import StrictModelSerializer
from portal.api.viewsets import ManagedCentreField
from portal.centres.api.serializers import PersonSerializer
from portal.centres.models import Centre, Guardianship, Membership
from portal.people.models import Invitation


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


class InvitationSerializer(StrictModelSerializer):
    """An invitation, as the centre sees it: the address it typed and the answer so far."""

    state = serializers.CharField(read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "centre",
            "email",
            "role",
            "external_id",
            "state",
            "created_at",
            "expires_at",
        ]
        read_only_fields = fields
