"""Admin create/edit/delete views that write through the services instead of the ORM."""

from __future__ import annotations

from wagtail.admin.views.generic import CreateView, DeleteView, EditView
from wagtail.log_actions import log

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


class MembershipCreateView(ServiceSaveMixin, CreateView):
    def save_through_service(self):
        data = self.form.cleaned_data
        return services.membership_add(
            centre=self.form.selected_centre(),
            role=data["role"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            password=data["password"] or None,
            external_id=data["external_id"],
            by=self.request.user,
        )


class MembershipEditView(ServiceSaveMixin, EditView):
    log_action = "wagtail.edit"

    def save_through_service(self):
        data = self.form.cleaned_data
        return services.membership_update(
            membership=self.object,
            role=data["role"],
            external_id=data["external_id"],
            is_active=data["is_active"],
            publishes_directly=data["publishes_directly"],
            by=self.request.user,
        )


class MembershipDeleteView(DeleteView):
    def delete_action(self):
        log(instance=self.object, action="wagtail.delete", user=self.request.user)
        services.membership_remove(membership=self.object, by=self.request.user)


class GuardianshipCreateView(ServiceSaveMixin, CreateView):
    def save_through_service(self):
        data = self.form.cleaned_data
        return services.guardianship_link(
            centre=self.form.selected_centre(),
            guardian=data["guardian"],
            student=data["student"],
            relationship=data["relationship"],
            by=self.request.user,
        )
