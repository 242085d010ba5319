"""Admin screens for report exports; each parses the request, calls a service and renders."""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View
from wagtail.admin.views.generic import CreateView, DeleteView, IndexView, InspectView

from portal.core.admin_views import ServiceSaveMixin
from portal.core.private_files import private_file_response
from portal.reports import services
from portal.reports.models import ReportExport


def visible_export(request, pk) -> ReportExport:
    queryset = ReportExport.objects.visible_to(request.user).select_related(
        "centre", "school_class", "requested_by"
    )
    return get_object_or_404(queryset, pk=pk)


def export_state(export: ReportExport) -> dict:
    return {
        "status": export.status,
        "status_label": export.get_status_display(),
        "running": export.is_running,
        "progress": export.progress,
        "row_count": export.row_count,
    }


class ReportIndexView(IndexView):
    template_name = "reports/index.html"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("centre", "school_class", "requested_by")


class ReportRequestView(ServiceSaveMixin, CreateView):
    page_title = "Request a report"

    def save_through_service(self):
        data = self.form.cleaned_data
        return services.report_export_request(
            centre=self.form.selected_centre(),
            kind=data["kind"],
            school_class=data["school_class"],
            format=data["format"],
            by=self.request.user,
        )

    def get_success_url(self):
        return reverse("report_exports:inspect", args=[self.object.pk])

    def get_success_message(self, instance):
        return "Report requested. It is being made now; we will e-mail you when it is ready."


class ReportDetailView(InspectView):
    """One report: its progress while it is made, then its download button."""

    template_name = "reports/detail.html"
    page_title = "Report"

    def get_object(self, queryset=None):
        return visible_export(self.request, self.pk)

    def get_fields(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        export = self.object
        context.update(
            export=export,
            status_url=reverse("report_exports:status", args=[export.pk]),
            download_url=reverse("report_exports:download", args=[export.pk]),
        )
        return context


class ReportStatusView(View):
    """Polled by the list and detail pages while a report is being made."""

    def get(self, request, pk):
        return JsonResponse(export_state(visible_export(request, pk)))


class ReportDownloadView(View):
    """The link in the e-mail: the file while the report lasts, then a clear "expired" page."""

    def get(self, request, pk):
        export = visible_export(request, pk)
        try:
            file = services.report_export_file(export=export)
        except services.ReportExpired:
            context = {"export": export, "index_url": reverse("report_exports:index")}
            return TemplateResponse(request, "reports/expired.html", context, status=410)
        except services.ReportNotReady:
            messages.warning(request, "This report is not ready to download.")
            return redirect("report_exports:inspect", pk=export.pk)
        return private_file_response(file, filename=export.download_name)


class ReportDeleteView(DeleteView):
    def delete_action(self):
        services.report_export_delete(export=self.object, by=self.request.user)
