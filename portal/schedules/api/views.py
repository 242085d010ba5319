"""Runs of scheduled jobs: when a centre's reminders and digest went out and what they did."""

from __future__ import annotations

from rest_framework import mixins

from portal.api.pagination import NewestFirstCursorPagination
from portal.api.serializers import StrictModelSerializer
from portal.api.viewsets import CentreScopedViewSet, summaries
from portal.schedules.models import JobRun


class JobRunSerializer(StrictModelSerializer):
    class Meta:
        model = JobRun
        fields = [
            "id",
            "job",
            "centre",
            "period",
            "status",
            "attempts",
            "started_at",
            "finished_at",
            "outcome",
            "error",
        ]
        read_only_fields = fields


@summaries(
    list="Runs of scheduled jobs (reminders, digests) of the centres I administer, newest first",
    retrieve="One run of a scheduled job, with what it did",
)
class JobRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CentreScopedViewSet):
    model = JobRun
    serializer_class = JobRunSerializer
    pagination_class = NewestFirstCursorPagination
    filterset_fields = ["job", "status", "centre", "period"]
