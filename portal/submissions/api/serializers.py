"""Submissions, homework and grade changes in the API."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from portal.api.schema import request_example
from portal.api.serializers import StrictModelSerializer, StrictSerializer
from portal.centres.api.serializers import PersonSerializer
from portal.homework.models import Homework
from portal.submissions.models import GradeChange, Submission, SubmissionFile


def download_url(file_id: int) -> str:
    """Where a handed-in file is downloaded, over the API (a bearer token or a session)."""
    return reverse("v1:submission-file-detail", args=[file_id])


class SubmissionFileSerializer(StrictModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = SubmissionFile
        fields = ["id", "name", "size", "download"]
        read_only_fields = fields

    def get_download(self, handed_in: SubmissionFile) -> str:
        return download_url(handed_in.pk)


@request_example("Hand in", {"homework": 7, "text": "My answers are in the attached file."})
class SubmissionSerializer(StrictModelSerializer):
    """Points and feedback are shown to students and guardians only once work is returned."""

    student_person = PersonSerializer(source="student", read_only=True)
    files = SubmissionFileSerializer(many=True, read_only=True)
    status = serializers.CharField(read_only=True)
    upload = serializers.ListField(
        child=serializers.FileField(), write_only=True, required=False, source="uploads"
    )

    class Meta:
        model = Submission
        fields = [
            "id",
            "homework",
            "student",
            "student_person",
            "text",
            "upload",
            "files",
            "submitted_at",
            "is_late",
            "attempts",
            "status",
            "points",
            "feedback",
            "returned_at",
        ]
        read_only_fields = [
            "id",
            "student",
            "submitted_at",
            "is_late",
            "attempts",
            "points",
            "feedback",
            "returned_at",
        ]
        extra_kwargs = {"text": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.method == "POST" and "homework" in self.fields:
            # Only a hand-in names a homework; reads should not build this queryset per page.
            self.fields["homework"].queryset = Homework.objects.visible_to(request.user)

    def to_representation(self, submission: Submission) -> dict:
        data = super().to_representation(submission)
        if not submission.is_returned and not getattr(submission, "can_grade", False):
            data["points"], data["feedback"] = None, ""
        return data


@request_example("Grade", {"points": 8, "feedback": "Good work; check question 4 again."})
class GradeSerializer(StrictSerializer):
    points = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    feedback = serializers.CharField(required=False, allow_blank=True, default="")


@request_example("Return three", {"submissions": [15, 16, 17]})
class BulkReturnSerializer(StrictSerializer):
    submissions = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Submission.objects.none(), allow_empty=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = request.user if request is not None else None
        self.fields["submissions"].child_relation.queryset = Submission.objects.visible_to(user)


class ReturnedCountSerializer(StrictSerializer):
    returned = serializers.IntegerField()


class GradeChangeSerializer(StrictModelSerializer):
    changed_by_person = PersonSerializer(source="changed_by", read_only=True)

    class Meta:
        model = GradeChange
        fields = [
            "id",
            "submission",
            "changed_by",
            "changed_by_person",
            "changed_at",
            "old_points",
            "new_points",
            "old_feedback",
            "new_feedback",
        ]
        read_only_fields = fields
