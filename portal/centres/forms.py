"""Admin form for centres; it validates, the services write."""

from __future__ import annotations

from django import forms

from portal.centres.models import REMINDER_DAYS, Centre
from portal.core.viewsets import CentreScopedForm


class CentreForm(CentreScopedForm):
    reminder_days_before = forms.TypedMultipleChoiceField(
        label="Send homework reminders",
        choices=list(REMINDER_DAYS.items()),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="At 9:00 on these days, students who have not handed homework in get a "
        "reminder. None ticked: no reminders.",
    )

    class Meta:
        model = Centre
        fields = [
            "name",
            "slug",
            "timezone",
            "contact_email",
            "reminder_days_before",
            "digest_skip_empty",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The slug names the centre's pages and groups; changing it would break links.
            self.fields["slug"].disabled = True
