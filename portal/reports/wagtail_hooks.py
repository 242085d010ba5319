"""The "Reports" admin menu: request a report, follow its progress, download it."""

from __future__ import annotations

from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy

from portal.core.viewsets import CentreScopedModelViewSet
from portal.reports import views
from portal.reports.forms import ReportRequestForm
from portal.reports.models import ReportExport
from portal.rosters.permissions import CentreAdminPolicy

register_permission_policy(ReportExport, CentreAdminPolicy(ReportExport))


class ProgressColumn(Column):
    cell_template_name = "reports/progress_cell.html"


class DownloadColumn(Column):
    cell_template_name = "reports/download_cell.html"


class ReportExportViewSet(CentreScopedModelViewSet):
    model = ReportExport
    icon = "table"
    menu_label = "Reports"
    menu_order = 220
    add_to_admin_menu = True
    index_view_class = views.ReportIndexView
    add_view_class = views.ReportRequestView
    inspect_view_enabled = True
    inspect_view_class = views.ReportDetailView
    delete_view_class = views.ReportDeleteView
    copy_view_enabled = False
    list_display = [
        "__str__",
        "centre",
        ProgressColumn("status", label="Status"),
        "format",
        "requested_by",
        "created_at",
        DownloadColumn("download", label="File", accessor="pk"),
    ]
    list_filter = ["kind", "status"]
    form_class = ReportRequestForm
    form_fields = ReportRequestForm.Meta.fields
    add_to_reference_index = False

    def get_common_view_kwargs(self, **kwargs):
        # A report is never edited: where Wagtail links to "edit", open the report instead.
        return super().get_common_view_kwargs(**kwargs) | {
            "edit_url_name": self.get_url_name("inspect")
        }

    without_views = frozenset({"edit"})
    extra_routes = (
        ("status/<int:pk>/", views.ReportStatusView, "status"),
        ("download/<int:pk>/", views.ReportDownloadView, "download"),
    )


@hooks.register("register_admin_viewset")
def register_report_viewset():
    return ReportExportViewSet("report_exports")
