"""Classes and enrollments as snippets, grouped under one "Classes" menu."""

from __future__ import annotations

from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from portal.classes import views
from portal.classes.forms import EnrollmentForm, SchoolClassForm
from portal.classes.models import Enrollment, SchoolClass
from portal.core.viewsets import CentreScopedSnippetViewSet


class SchoolClassViewSet(CentreScopedSnippetViewSet):
    model = SchoolClass
    icon = "group"
    menu_label = "Classes"
    add_view_class = views.SchoolClassCreateView
    edit_view_class = views.SchoolClassEditView
    list_display = [
        "code",
        "name",
        "subject",
        "year_group",
        Column("student_count", label="Students", accessor="student_count"),
        "centre",
    ]
    list_filter = ["centre", "subject", "year_group"]
    search_fields = ["code", "name", "subject"]
    inspect_view_enabled = True
    form_class = SchoolClassForm
    form_fields = ["centre", "code", "name", "subject", "year_group", "teachers"]

    def get_queryset(self, request):
        from django.db.models import Count

        return SchoolClass.objects.select_related("centre").annotate(
            student_count=Count("enrollments")
        )


class EnrollmentViewSet(CentreScopedSnippetViewSet):
    model = Enrollment
    icon = "user"
    menu_label = "Enrollments"
    add_view_class = views.EnrollmentCreateView
    list_display = ["student", "school_class", "starts_on", "ends_on"]
    list_filter = ["school_class__centre", "school_class"]
    search_fields = ["student__email", "student__first_name", "student__last_name"]
    form_class = EnrollmentForm
    form_fields = ["school_class", "student", "starts_on", "ends_on"]

    def get_queryset(self, request):
        return Enrollment.objects.select_related("student", "school_class")


class ClassesGroup(SnippetViewSetGroup):
    menu_label = "Classes"
    menu_icon = "group"
    menu_order = 150
    items = (SchoolClassViewSet, EnrollmentViewSet)


register_snippet(ClassesGroup)
