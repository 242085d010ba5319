"""The "Roster imports" admin menu: upload, preview, confirm, templates and exports."""

from __future__ import annotations

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from portal.core.viewsets import CentreScopedModelViewSet
from portal.rosters import views
from portal.rosters.forms import RosterUploadForm
from portal.rosters.models import RosterImport
from portal.rosters.permissions import CentreAdminPolicy

register_permission_policy(RosterImport, CentreAdminPolicy(RosterImport))


class RosterImportViewSet(CentreScopedModelViewSet):
    model = RosterImport
    icon = "upload"
    menu_label = "Roster imports"
    menu_order = 210
    add_to_admin_menu = True
    index_view_class = views.RosterImportIndexView
    add_view_class = views.RosterUploadView
    inspect_view_enabled = True
    inspect_view_class = views.RosterPreviewView
    delete_view_class = views.RosterDeleteView
    list_display = ["__str__", "centre", "status", "row_count", "created_by", "created_at"]
    list_filter = ["status", "kind", "centre"]
    form_class = RosterUploadForm
    form_fields = RosterUploadForm.Meta.fields

    def get_common_view_kwargs(self, **kwargs):
        # Where Wagtail links to "edit" an object, an import opens its preview instead.
        return super().get_common_view_kwargs(**kwargs) | {
            "edit_url_name": self.get_url_name("inspect")
        }

    # An import is never edited: a corrected file is uploaded as a new import.
    without_views = frozenset({"edit"})
    extra_routes = (
        ("confirm/<int:pk>/", views.RosterConfirmView, "confirm"),
        ("problems/<int:pk>/", views.RosterErrorsView, "errors"),
        ("status/<int:pk>/", views.RosterStatusView, "status"),
        ("downloads/", views.RosterDownloadsView, "downloads"),
        ("template/<str:kind>.<str:file_format>", views.RosterTemplateView, "template"),
        ("export/<str:kind>.<str:file_format>", views.RosterExportView, "export"),
    )


@hooks.register("register_admin_viewset")
def register_roster_viewset():
    return RosterImportViewSet("roster_imports")
