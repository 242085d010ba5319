"""The grade audit trail in the admin: centre admins read it; nobody edits history."""

from __future__ import annotations

from wagtail import hooks
from wagtail.admin.ui.tables import Column

from portal.core.viewsets import CentreScopedTrailViewSet
from portal.submissions.models import GradeChange


class GradeChangeViewSet(CentreScopedTrailViewSet):
    model = GradeChange
    menu_label = "Grade changes"
    menu_order = 130
    list_display = [
        Column("submission", label="Work", accessor="submission"),
        Column("changed_by", label="Changed by", accessor="changed_by"),
        "changed_at",
        Column("old_points", label="Old points", accessor="old_points"),
        Column("new_points", label="New points", accessor="new_points"),
    ]
    list_filter = ["changed_by"]
    inspect_view_fields = [
        "submission",
        "changed_by",
        "changed_at",
        "old_points",
        "new_points",
        "old_feedback",
        "new_feedback",
    ]
    form_fields = ["new_points", "new_feedback"]

    def get_queryset(self, request):
        return GradeChange.objects.select_related(
            "changed_by", "submission__student", "submission__homework"
        )


@hooks.register("register_admin_viewset")
def register_grade_changes():
    return GradeChangeViewSet("grade_changes")
