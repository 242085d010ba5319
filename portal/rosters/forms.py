"""The upload form: the centre (fixed for a single-centre admin), the file and how to read it."""

from __future__ import annotations

from django import forms

from portal.core.viewsets import CentreScopedForm
from portal.rosters.models import RosterImport


class RosterUploadForm(CentreScopedForm):
    class Meta:
        model = RosterImport
        fields = [
            "centre",
            "kind",
            "source_file",
            "mode",
            "create_missing_classes",
            "oneroster_school",
        ]
        widgets = {"kind": forms.RadioSelect, "mode": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_file"].help_text = (
            "CSV (UTF-8 or Windows-1252; comma, semicolon or tab) or XLSX; a OneRoster bundle "
            "is the zip your school information system exports."
        )
