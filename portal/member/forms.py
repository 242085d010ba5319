"""Forms of the member site; they parse input, and services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.template.defaultfilters import filesizeformat

from portal.centres.models import Guardianship


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each is checked by the service, not read here."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class SubmissionForm(forms.Form):
    text = forms.CharField(
        label="Your answer", widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    files = MultipleFileField(
        label="Files",
        required=False,
        help_text=f"Up to {settings.SUBMISSION_MAX_FILES} files, each up to "
        f"{filesizeformat(settings.SUBMISSION_MAX_FILE_BYTES)}.",
    )


class GradeForm(forms.Form):
    points = forms.IntegerField(label="Points", required=False, min_value=0)
    feedback = forms.CharField(
        label="Feedback", widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args, max_points: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        if max_points is None:
            del self.fields["points"]
        else:
            self.fields["points"].validators.append(MaxValueValidator(max_points))
            self.fields["points"].label = f"Points (out of {max_points})"
            self.fields["points"].widget.attrs["max"] = max_points


class NotifyForm(forms.Form):
    """Per linked child, the kinds of e-mail wanted; fields named by the guardian link's id."""

    def __init__(self, *args, links: list[Guardianship], **kwargs):
        super().__init__(*args, **kwargs)
        for link in links:
            self.fields[f"notify_{link.pk}"] = forms.MultipleChoiceField(
                label=f"About {link.student.get_full_name() or link.student.email}",
                choices=[
                    (kind, Guardianship._meta.get_field(kind).verbose_name.capitalize())
                    for kind in Guardianship.EMAIL_KINDS
                ],
                initial=[kind for kind in Guardianship.EMAIL_KINDS if getattr(link, kind)],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def wanted(self, link: Guardianship) -> dict[str, bool]:
        chosen = self.cleaned_data[f"notify_{link.pk}"]
        return {kind: kind in chosen for kind in Guardianship.EMAIL_KINDS}
