"""Settings → System status: the seed's monitoring points for the platform admin, in words."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils import timezone
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portal.core.status import overall, system_status
from portal.schedules.views import PlatformAdminOnly


class SystemStatusView(PlatformAdminOnly, WagtailAdminTemplateMixin, TemplateView):
    page_title = "System status"
    header_icon = "desktop"
    template_name = "core/system_status.html"

    def get_context_data(self, **kwargs):
        sections = system_status()
        return super().get_context_data(
            sections=sections, overall=overall(sections), checked_at=timezone.now(), **kwargs
        )


class SystemStatusJsonView(PlatformAdminOnly, View):
    """The same readings for monitoring tools."""

    http_method_names = ["get"]

    def get(self, request):
        sections = system_status()
        state = overall(sections)
        return JsonResponse(
            {
                "checked_at": timezone.now().isoformat(),
                "state": state.value,
                "verdict": state.verdict,
                "sections": {section.key: section.as_json() for section in sections},
            }
        )
