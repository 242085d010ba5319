"""The homework form: classes the author may set work for; due time in the centre's zone."""

from __future__ import annotations

import copy

from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.permissions import policy_registry

from portal.classes.models import SchoolClass
from portal.publishing.forms import CentreContentForm


class HomeworkForm(CentreContentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["school_class"]
        field.queryset = SchoolClass.objects.run_by(self.for_user).select_related("centre")
        field.label_from_instance = lambda c: f"{c.name} ({c.code}) — {c.centre.name}"
        due = self.fields["due_at"]
        due.help_text = "In the centre's own time zone."
        if self.instance.pk and self.instance.due_at:
            # Show the wall-clock time at the centre, whatever the editor's own time zone.
            due_local = timezone.localtime(self.instance.due_at, self.instance.zone)
            self.initial["due_at"] = due_local.replace(tzinfo=None)
            due.help_text = f"In the centre's time zone, {self.instance.zone.key}."
        # The document chooser offers only the author's centres' documents; so does the field
        # behind it, whatever id is posted (on every form of the formset, the blank one too).
        if attachments := self.formsets.get("attachments"):
            documents = policy_registry.get_by_type(get_document_model())
            choosable = documents.instances_user_has_permission_for(self.for_user, "choose")
            field = copy.deepcopy(attachments.form.base_fields["document"])
            field.queryset = choosable
            attachments.form = type("AttachmentForm", (attachments.form,), {"document": field})
            for form in attachments.forms:
                form.fields["document"].queryset = choosable

    def clean(self):
        cleaned = super().clean()
        school_class, due_at = cleaned.get("school_class"), cleaned.get("due_at")
        if school_class and due_at:
            # The form read the time in the editor's zone; it was meant in the centre's.
            wall_clock = timezone.make_naive(due_at)
            cleaned["due_at"] = timezone.make_aware(wall_clock, school_class.centre.zone)
        return cleaned
