"""The grade audit trail in the admin: centre admins read it; nobody edits history."""

from __future__ import annotations

from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from portal.core.viewsets import CentreScopedModelViewSet
from portal.submissions.models import GradeChange


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Viewing needs the model's view permission; adding, changing and deleting are for no one."""

    def user_has_permission(self, user, action):
        return action in ("view", "inspect") and super().user_has_permission(user, "view")


register_permission_policy(GradeChange, ReadOnlyPolicy(GradeChange))


class GradeChangeViewSet(CentreScopedModelViewSet):
    model = GradeChange
    icon = "history"
    menu_label = "Grade changes"
    menu_order = 130
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
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

    def get_urlpatterns(self):
        # A trail is read, never written: only the listing and the inspect view exist.
        kept = {"index", "index_results", "inspect"}
        return [pattern for pattern in super().get_urlpatterns() if pattern.name in kept]


@hooks.register("register_admin_viewset")
def register_grade_changes():
    return GradeChangeViewSet("grade_changes")
