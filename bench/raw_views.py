"""The baseline: the same data as our API endpoints, from `values()` into a JsonResponse, with
the same JWT authentication and the same centre rules (a role counts at the centres where the
person holds it, actively), but no DRF, serializers or filters."""

from __future__ import annotations

from django.http import JsonResponse
from rest_framework_simplejwt.authentication import JWTAuthentication

from portal.centres.models import Guardianship, Role
from portal.centres.scoping import centres_subquery
from portal.classes.models import Enrollment
from portal.homework.models import Homework
from portal.submissions.models import Submission, SubmissionFile

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
        Homework.objects.filter(
            school_class__in=classes,
            school_class__centre__in=centres_subquery(user, Role.STUDENT),
            live=True,
        )
        .order_by("-due_at", "pk")
        .values(
            "id",
            "school_class__centre",
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
    rows = list(
        Submission.objects.filter(
            homework=request.GET.get("homework"),
            homework__school_class__teachers=user,
            homework__school_class__centre__in=centres_subquery(user, Role.TEACHER),
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
    files: dict[int, list] = {}
    handed_in = SubmissionFile.objects.filter(submission__in=[row["id"] for row in rows])
    for file in handed_in.values("id", "submission", "name", "size"):
        files.setdefault(file["submission"], []).append(file)
    for row in rows:
        row["files"] = files.get(row["id"], [])
    return JsonResponse({"results": rows})


def guardian_children(request):
    user = _user(request)
    if user is None:
        return JsonResponse({"error": "unauthenticated"}, status=401)
    links = list(
        Guardianship.objects.filter(
            guardian=user, centre__in=centres_subquery(user, Role.GUARDIAN)
        ).values(
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
    for row in (
        Enrollment.objects.current()
        .filter(student__in=[link["student"] for link in links])
        .values("student", "school_class", "school_class__code", "school_class__name")
    ):
        classes.setdefault(row["student"], []).append(row)
    for link in links:
        link["classes"] = classes.get(link["student"], [])
    return JsonResponse({"results": links})
