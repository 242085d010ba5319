"""Snippet views for classes and enrollments that write through the services."""

from __future__ import annotations

from wagtail.snippets.views.snippets import CreateView, EditView

from portal.classes import services
from portal.core.admin_views import ServiceSaveMixin


class SchoolClassSaveMixin(ServiceSaveMixin):
    def save_through_service(self):
        return services.school_class_save(
            school_class=self.form.instance,
            teachers=self.form.cleaned_data["teachers"],
            by=self.request.user,
        )


class SchoolClassCreateView(SchoolClassSaveMixin, CreateView):
    pass


class SchoolClassEditView(SchoolClassSaveMixin, EditView):
    log_action = "wagtail.edit"


class EnrollmentCreateView(ServiceSaveMixin, CreateView):
    def save_through_service(self):
        data = self.form.cleaned_data
        return services.enrollment_add(
            school_class=data["school_class"],
            student=data["student"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            by=self.request.user,
        )
