"""`/api/v1/me/`: who am I, and what am I at each centre."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.generics import RetrieveUpdateAPIView

from portal.accounts.models import User
from portal.api.schema import request_example
from portal.api.serializers import StrictModelSerializer
from portal.centres.models import Membership


class MyMembershipSerializer(StrictModelSerializer):
    centre_slug = serializers.CharField(source="centre.slug", read_only=True)
    centre_name = serializers.CharField(source="centre.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "centre", "centre_slug", "centre_name", "role", "is_active"]
        read_only_fields = fields


@request_example(
    "My details", {"first_name": "Ada", "last_name": "Lovelace", "phone": "+44 20 7946 0000"}
)
class MeSerializer(StrictModelSerializer):
    memberships = MyMembershipSerializer(many=True, read_only=True)
    is_platform_admin = serializers.BooleanField(source="is_superuser", read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "phone",
            "is_platform_admin",
            "memberships",
        ]
        read_only_fields = ["id", "email"]


@extend_schema_view(
    get=extend_schema(summary="My profile and my roles at each centre"),
    put=extend_schema(summary="Replace my name and phone number"),
    patch=extend_schema(summary="Change my name or phone number"),
)
class MeView(RetrieveUpdateAPIView):
    serializer_class = MeSerializer

    def get_object(self):
        return User.objects.prefetch_related("memberships__centre").get(pk=self.request.user.pk)
