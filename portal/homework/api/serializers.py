from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from portal.api.schema import request_example
from portal.api.serializers import StrictModelSerializer
from portal.classes.models import SchoolClass
from portal.homework.models import Homework, HomeworkAttachment
from portal.publishing.models import review_status


def _annotated(homework: Homework) -> Homework:
    """Querysets come annotated; a single object just created or changed is looked up again."""
    if hasattr(homework, "in_review"):
        return homework
    return Homework.objects.with_review_state().get(pk=homework.pk)


class HomeworkSummarySerializer(StrictModelSerializer):
    """A row of the homework list: what a dashboard or app list shows, without attachments."""

    class_code = serializers.CharField(source="school_class.code", read_only=True)
    centre = serializers.IntegerField(source="school_class.centre_id", read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Homework
        fields = [
            "id",
            "centre",
            "school_class",
            "class_code",
            "title",
            "instructions",
            "set_on",
            "due_at",
            "max_points",
            "late_policy",
            "live",
            "status",
        ]
        read_only_fields = fields
        # For the list's values() fast path: fields read as they are, and those read along a
        # relation (see HomeworkViewSet.list).
        value_fields = [
            "id",
            "school_class",
            "title",
            "instructions",
            "set_on",
            "due_at",
            "max_points",
            "late_policy",
            "live",
        ]
        value_paths = {"centre": "school_class__centre_id", "class_code": "school_class__code"}

    def get_status(self, homework) -> str:
        return review_status(homework) if hasattr(homework, "in_review") else "live"


class AttachmentSerializer(StrictModelSerializer):
    title = serializers.CharField(source="document.title", read_only=True)
    file_extension = serializers.CharField(source="document.file_extension", read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = HomeworkAttachment
        fields = ["id", "title", "file_extension", "download"]
        read_only_fields = fields

    def get_download(self, attachment: HomeworkAttachment) -> str:
        """The file, over the API (a bearer token or a session)."""
        return reverse("v1:homework-attachment-detail", args=[attachment.pk])


@request_example(
    "Draft homework",
    {
        "school_class": 1,
        "title": "Fractions worksheet",
        "instructions": "<p>Answer questions 1 to 10 on page 42.</p>",
        "set_on": "2026-10-05",
        "due_at": "2026-10-12T09:00:00+01:00",
        "max_points": 10,
        "late_policy": "flag",
    },
)
class HomeworkSerializer(HomeworkSummarySerializer):
    """One homework in full: the summary, its review state and attachments; authors write it."""

    in_review = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta(HomeworkSummarySerializer.Meta):
        fields = [
            *HomeworkSummarySerializer.Meta.fields,
            "in_review",
            "has_unpublished_changes",
            "attachments",
        ]
        read_only_fields = ["id", "live", "has_unpublished_changes"]

    def get_status(self, homework) -> str:
        return review_status(_annotated(homework))

    def get_in_review(self, homework) -> bool:
        return _annotated(homework).in_review

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
            self.fields["school_class"].queryset = SchoolClass.objects.run_by(request.user)
