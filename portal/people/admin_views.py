"""Admin views for a centre's people, writing through the services instead of the ORM."""

from __future__ import annotations

from wagtail.admin.views.generic import CreateView, DeleteView, EditView
from wagtail.log_actions import log

from portal.centres import services as centre_services
from portal.core.admin_views import ServiceSaveMixin
from portal.people import services
from portal.people.models import Invitation


class MembershipCreateView(ServiceSaveMixin, CreateView):
    """Add a person; someone whose account is not the centre's to attach is invited instead."""

    def save_through_service(self):
        data = self.form.cleaned_data
        return services.person_add(
            centre=self.form.selected_centre(),
            role=data["role"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            password=data["password"] or None,
            external_id=data["external_id"],
            by=self.request.user,
        )

    def get_success_message(self, instance):
        if isinstance(instance, Invitation):
            return (
                f"{instance.email} already has an account, so they have been invited: they "
                f"join {instance.centre} as a {instance.get_role_display().lower()} when they "
                "accept."
            )
        return super().get_success_message(instance)

    def get_success_buttons(self):
        return [] if isinstance(self.object, Invitation) else super().get_success_buttons()


class MembershipEditView(ServiceSaveMixin, EditView):
    log_action = "wagtail.edit"

    def save_through_service(self):
        data = self.form.cleaned_data
        return centre_services.membership_update(
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
        centre_services.membership_remove(membership=self.object, by=self.request.user)


class GuardianshipCreateView(ServiceSaveMixin, CreateView):
    def save_through_service(self):
        data = self.form.cleaned_data
        return centre_services.guardianship_link(
            centre=self.form.selected_centre(),
            guardian=data["guardian"],
            student=data["student"],
            relationship=data["relationship"],
            by=self.request.user,
        )
