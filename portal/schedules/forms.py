from django import forms

from portal.schedules.selectors import DAYS


class ScheduleForm(forms.Form):
    enabled = forms.BooleanField(label="Switched on", required=False)
    at = forms.TimeField(
        label="Time",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="In the time zone shown; clock changes are taken care of.",
    )
    day_of_week = forms.ChoiceField(label="Day", choices=list(DAYS.items()))
