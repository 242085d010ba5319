"""Admin forms for classes and enrollments."""

from __future__ import annotations

from django import forms

from portal.accounts.models import User
from portal.centres.models import Membership, Role
from portal.classes.models import Enrollment, SchoolClass
from portal.core.viewsets import CentreScopedForm


def _people_with_role(centres, role: str):
    return User.objects.filter(
        pk__in=Membership.objects.filter(centre__in=centres, role=role).values("user")
    )


class SchoolClassForm(CentreScopedForm):
    class Meta:
        model = SchoolClass
        fields = ["centre", "code", "name", "subject", "year_group", "teachers"]
        widgets = {"teachers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teachers"].queryset = _people_with_role(self.managed_centres, Role.TEACHER)

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class EnrollmentForm(CentreScopedForm):
    class Meta:
        model = Enrollment
        fields = ["school_class", "student", "starts_on", "ends_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = SchoolClass.objects.filter(
            centre__in=self.managed_centres
        )
        self.fields["student"].queryset = _people_with_role(self.managed_centres, Role.STUDENT)
        if self.instance.pk:
            self.fields["school_class"].disabled = True
            self.fields["student"].disabled = True
