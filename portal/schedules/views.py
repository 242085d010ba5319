"""Settings → Scheduled jobs: when each centre's reminders and digest go out (platform admins)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portal.schedules.forms import ScheduleForm
from portal.schedules.selectors import describe, schedule_rows
from portal.schedules.services import periodic_tasks, schedule_change, schedule_run_now

_INDEX = {"url": reverse_lazy("schedules:index"), "label": "Scheduled jobs"}


class PlatformAdminOnly:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise Http404("No such page.")
        return super().dispatch(request, *args, **kwargs)


class ScheduleIndexView(PlatformAdminOnly, WagtailAdminTemplateMixin, TemplateView):
    page_title = "Scheduled jobs"
    header_icon = "time"
    template_name = "schedules/index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(rows=schedule_rows(), **kwargs)


class ScheduleEditView(PlatformAdminOnly, WagtailAdminTemplateMixin, FormView):
    header_icon = "time"
    template_name = "schedules/edit.html"
    form_class = ScheduleForm

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.task = get_object_or_404(periodic_tasks(), pk=kwargs["pk"])

    def get_page_title(self):
        return self.task.name

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, _INDEX, {"url": "", "label": self.task.name}]

    def get_initial(self):
        crontab = self.task.crontab
        at = (
            dt.time(int(crontab.hour), int(crontab.minute))
            if (crontab.hour.isdigit() and crontab.minute.isdigit())
            else None
        )
        return {"enabled": self.task.enabled, "at": at, "day_of_week": crontab.day_of_week}

    def get_context_data(self, **kwargs):
        return super().get_context_data(task=self.task, when=describe(self.task), **kwargs)

    def form_valid(self, form):
        task = schedule_change(task=self.task, **form.cleaned_data)
        messages.success(self.request, f"{task.name}: {describe(task)}.")
        return redirect(reverse("schedules:index"))


class ScheduleRunNowView(PlatformAdminOnly, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        task = get_object_or_404(periodic_tasks(), pk=pk)
        schedule_run_now(task=task)
        messages.success(
            request,
            f"{task.name} was sent to the workers. It runs once per period: if it has already "
            "run, nothing more happens.",
        )
        return redirect(reverse("schedules:index"))
