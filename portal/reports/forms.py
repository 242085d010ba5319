"""The "Request a report" form: which report, for the whole centre or one class, which format."""

from __future__ import annotations

from django import forms

from portal.classes.models import SchoolClass
from portal.core.viewsets import CentreScopedForm
from portal.reports.models import ReportExport


class ReportRequestForm(CentreScopedForm):
    class Meta:
        model = ReportExport
        fields = ["centre", "kind", "school_class", "format"]
        widgets = {"kind": forms.RadioSelect, "format": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = SchoolClass.objects.filter(
            centre__in=self.managed_centres
        ).order_by("centre__name", "code")
        self.fields["school_class"].empty_label = "Whole centre"
        self.fields["kind"].help_text = (
            "Grades: every student's points and feedback for each homework, or “missing”. "
            "Completion: per homework and per student, how much was handed in, late or missing. "
            "Submissions log: every submission with its time, late flag, attempts and return."
        )
