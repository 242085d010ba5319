"""Admin form base for reviewed content: schedules in the future, "notify again", authorship."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm


class CentreContentForm(WagtailAdminModelForm):
    notify_again = forms.BooleanField(
        required=False,
        label="Notify again",
        help_text="Tell students and parents about this change when it is published.",
    )

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.for_user = for_user
        if not (self.instance.pk and self.instance.live):
            # Nobody has been told about a draft yet: the first publish notifies anyway.
            del self.fields["notify_again"]

    def clean(self):
        cleaned = super().clean()
        go_live_at = cleaned.get("go_live_at")
        if (
            go_live_at
            and go_live_at <= timezone.now()
            and (go_live_at != getattr(self.instance, "go_live_at", None))
        ):
            self.add_error("go_live_at", "Choose a time in the future, or leave it empty.")
        return cleaned

    def save(self, commit=True):
        if self.cleaned_data.get("notify_again"):
            self.instance.notify_generation += 1
        if self.instance.pk is None and self.for_user is not None:
            self.instance.created_by = self.for_user
        return super().save(commit=commit)
