"""The admin's "add a centre" view, writing through the service instead of the ORM."""

from __future__ import annotations

from wagtail.admin.views.generic import CreateView

from portal.centres import services
from portal.core.admin_views import ServiceSaveMixin


class CentreCreateView(ServiceSaveMixin, CreateView):
    def save_through_service(self):
        data = self.form.cleaned_data
        return services.centre_create(
            name=data["name"],
            slug=data["slug"],
            timezone=data["timezone"],
            contact_email=data["contact_email"],
            reminder_days_before=data["reminder_days_before"],
            digest_skip_empty=data["digest_skip_empty"],
        )
