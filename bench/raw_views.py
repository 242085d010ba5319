"""The baseline: the same data as our API endpoints, from `values()` into a JsonResponse, with
the same JWT authentication and the same centre rules, but no DRF, serializers or filters."""

from __future__ import annotations

from django.http import JsonResponse
from rest_framework_simplejwt.authentication import JWTAuthentication

from portal.centres.models import Guardianship
from portal.classes.models import Enrollment
from portal.homework.models import Homework
from portal.submissions.models import Submission

PAGE = 25


def _user(request):
    authenticated = JWTAuthentication().authenticate(request)
    return authenticated[0] if authenticated else None


def student_homework(request):
    user = _user(request)
    if user is None:
        return JsonResponse({"error": "unauthenticated"}, status=401)
    classes = Enrollment.objects.filter(student=user).values("school_class")
    rows = (
        Homework.objects.filter(school_class__in=classes, live=True)
        .order_by("-due_at", "pk")
        .values(
            "id",
            "school_class",
            "school_class__code",
            "title",
            "instructions",
            "set_on",
            "due_at",
            "max_points",
            "late_policy",
            "live",
        )[:PAGE]
    )
    return JsonResponse({"results": list(rows)})


def teacher_submissions(request):
    user = _user(request)
    if user is None:
        return JsonResponse({"error": "unauthenticated"}, status=401)
    rows = (
        Submission.objects.filter(
            homework=request.GET.get("homework"), homework__school_class__teachers=user
        )
        .order_by("-pk")
        .values(
            "id",
            "homework",
            "student",
            "student__email",
            "student__first_name",
            "student__last_name",
            "text",
            "submitted_at",
            "is_late",
            "attempts",
            "points",
            "feedback",
            "returned_at",
        )[:50]
    )
    return JsonResponse({"results": list(rows)})


def guardian_children(request):
    user = _user(request)
    if user is None:
        return JsonResponse({"error": "unauthenticated"}, status=401)
    links = list(
        Guardianship.objects.filter(guardian=user).values(
            "id",
            "centre",
            "centre__slug",
            "relationship",
            "student",
            "student__email",
            "student__first_name",
            "student__last_name",
        )
    )
    classes: dict[int, list] = {}
    for row in Enrollment.objects.filter(student__in=[link["student"] for link in links]).values(
        "student", "school_class", "school_class__code", "school_class__name"
    ):
        classes.setdefault(row["student"], []).append(row)
    for link in links:
        link["classes"] = classes.get(link["student"], [])
    return JsonResponse({"results": links})
