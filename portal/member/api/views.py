"""A member's own settings: notification preferences per child, the calendar feed address."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.schema import request_example
from portal.api.serializers import StrictModelSerializer, StrictSerializer
from portal.api.viewsets import CentreScopedViewSet, UpdateModelMixin, summaries
from portal.centres.api.serializers import PersonSerializer
from portal.centres.models import Guardianship
from portal.member import calendar
from portal.member.services import guardian_preferences_set


@request_example(
    "Weekly digest only", {"email_notices": False, "weekly_digest": True, "reminder_copies": False}
)
class NotifyPreferenceSerializer(StrictModelSerializer):
    child = PersonSerializer(source="student", read_only=True)

    class Meta:
        model = Guardianship
        fields = ["id", "centre", "child", *Guardianship.EMAIL_KINDS]
        read_only_fields = ["id", "centre", "child"]


@summaries(
    list="Which e-mails I get about each of my children (at once, weekly digest, reminders)",
    retrieve="My notification preference for one child",
    partial_update="Change how I hear about one child",
)
class NotifyPreferenceViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, UpdateModelMixin, CentreScopedViewSet
):
    model = Guardianship
    serializer_class = NotifyPreferenceSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def base_queryset(self):
        return Guardianship.objects.select_related("student").order_by("centre", "student")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Guardianship.objects.none()
        return super().get_queryset().filter(guardian=self.request.user)

    def get_permissions(self):
        # Guardians change their own preferences; admin rights do not come into it.
        return [permission() for permission in self.permission_classes[:1]]

    def perform_update(self, serializer):
        serializer.instance = guardian_preferences_set(
            guardianship=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class FeedSerializer(StrictSerializer):
    url = serializers.URLField()


class _FeedAnswer(APIView):
    def _answer(self, request, feed) -> Response:
        address = reverse("calendar_feed", args=[feed.token])
        return Response({"url": request.build_absolute_uri(address)})


class CalendarFeedView(_FeedAnswer):
    """My private iCalendar address of homework due dates."""

    @extend_schema(summary="My private calendar address (iCalendar)", responses=FeedSerializer)
    def get(self, request):
        return self._answer(request, calendar.calendar_feed_for(user=request.user))


class CalendarFeedResetView(_FeedAnswer):
    @extend_schema(
        summary="A new private calendar address; the old one stops working",
        request=None,
        responses=FeedSerializer,
    )
    def post(self, request):
        return self._answer(request, calendar.calendar_feed_reset(user=request.user))
