from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.accounts.models import User
from portal.api.serializers import StrictModelSerializer
from portal.centres.models import Centre, Guardianship
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
