"""Admin screens for roster imports; each parses the request, calls a service and renders."""

from __future__ import annotations

from celery.result import AsyncResult
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic import CreateView, DeleteView, IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from portal.centres.models import Centre
from portal.core.admin_views import ServiceSaveMixin
from portal.rosters import services
from portal.rosters.exports import CONTENT_TYPES, roster_errors, roster_export, roster_template
from portal.rosters.formats import COLUMNS_BY_KIND
from portal.rosters.models import RosterImport

#: Rows of changes and problems shown on the page; the rest are in the counts and the CSV.
SHOWN_ROWS = 200


def visible_import(request, pk) -> RosterImport:
    queryset = RosterImport.objects.visible_to(request.user).select_related("centre")
    return get_object_or_404(queryset, pk=pk)


def download(dataset, filename: str, file_format: str) -> HttpResponse:
    if file_format not in CONTENT_TYPES:
        raise Http404("No such format.")
    response = HttpResponse(dataset.export(file_format), content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


class RosterImportIndexView(IndexView):
    @property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            HeaderButton(
                "Templates and exports",
                url=reverse("roster_imports:downloads"),
                icon_name="download",
            ),
        ]


class RosterUploadView(ServiceSaveMixin, CreateView):
    page_title = "Upload a roster"

    def save_through_service(self):
        data = self.form.cleaned_data
        return services.roster_import_upload(
            centre=self.form.selected_centre(),
            kind=data["kind"],
            upload=data["source_file"],
            mode=data["mode"],
            create_missing_classes=data["create_missing_classes"],
            oneroster_school=data["oneroster_school"],
            by=self.request.user,
        )

    def get_success_url(self):
        return reverse("roster_imports:inspect", args=[self.object.pk])

    def get_success_message(self, instance):
        return f"“{instance.original_name}” uploaded. Check the preview before importing."


class RosterPreviewView(InspectView):
    """The dry run's preview (counts, changed fields, problems) and, after import, the summary."""

    template_name = "rosters/preview.html"
    page_title = "Roster import"

    def get_object(self, queryset=None):
        return visible_import(self.request, self.pk)

    def get_fields(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        roster_import = self.object
        counts = roster_import.counts
        context.update(
            roster_import=roster_import,
            counts=sorted(counts.items()),
            changes=roster_import.changes[:SHOWN_ROWS],
            more_changes=max(len(roster_import.changes) - SHOWN_ROWS, 0),
            row_errors=roster_import.row_errors[:SHOWN_ROWS],
            more_errors=max(len(roster_import.row_errors) - SHOWN_ROWS, 0),
            can_confirm=roster_import.status == RosterImport.Status.READY,
            status_url=reverse("roster_imports:status", args=[roster_import.pk]),
            confirm_url=reverse("roster_imports:confirm", args=[roster_import.pk]),
            errors_url=reverse("roster_imports:errors", args=[roster_import.pk]),
            members_url=reverse("members:index"),
            classes_url=reverse("wagtailsnippets_classes_schoolclass:list"),
        )
        return context


class RosterConfirmView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        roster_import = visible_import(request, pk)
        try:
            roster_import = services.roster_import_confirm(
                roster_import=roster_import, by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if roster_import.status == RosterImport.Status.DONE:
                messages.success(request, "Roster imported.")
        return redirect("roster_imports:inspect", pk=roster_import.pk)


class RosterErrorsView(View):
    def get(self, request, pk):
        roster_import = visible_import(request, pk)
        return download(roster_errors(roster_import), f"roster-{pk}-problems", "csv")


class RosterStatusView(View):
    """Polled by the preview page while a background check or import runs."""

    def get(self, request, pk):
        roster_import = visible_import(request, pk)
        progress = roster_import.progress
        if roster_import.is_running and roster_import.task_id:
            result = AsyncResult(roster_import.task_id)
            if result.state == "PROGRESS" and isinstance(result.info, dict):
                progress = result.info.get("progress", progress)
        return JsonResponse(
            {
                "status": roster_import.status,
                "status_label": roster_import.get_status_display(),
                "running": roster_import.is_running,
                "progress": progress,
            }
        )


class RosterDeleteView(DeleteView):
    def delete_action(self):
        services.roster_import_delete(roster_import=self.object, by=self.request.user)


def managed_centre(request) -> Centre:
    """The centre a download is for: the only one the user manages, or ?centre=<id>."""
    centres = Centre.objects.managed_by(request.user)
    wanted = request.GET.get("centre")
    if wanted:
        return get_object_or_404(centres, pk=wanted if wanted.isdigit() else None)
    if len(centres) != 1:
        raise Http404("Choose a centre.")
    return centres[0]


class RosterDownloadsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "rosters/downloads.html"
    page_title = "Roster templates and exports"
    header_icon = "download"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["centres"] = Centre.objects.managed_by(self.request.user)
        context["kinds"] = [
            (kind, label, COLUMNS_BY_KIND[kind])
            for kind, label in RosterImport.Kind.choices
            if kind in COLUMNS_BY_KIND
        ]
        return context


class RosterTemplateView(View):
    def get(self, request, kind, file_format):
        if kind not in COLUMNS_BY_KIND:
            raise Http404("No such roster.")
        return download(roster_template(kind), f"{kind}-template", file_format)


class RosterExportView(View):
    def get(self, request, kind, file_format):
        if kind not in COLUMNS_BY_KIND:
            raise Http404("No such roster.")
        centre = managed_centre(request)
        dataset = roster_export(centre=centre, kind=kind)
        return download(dataset, f"{centre.slug}-{kind}", file_format)
