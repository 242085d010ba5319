"""The announcement form: admins announce to their centre or classes; teachers to their classes."""

from __future__ import annotations

from portal.centres.models import Centre
from portal.centres.scoping import Role, centre_ids_where
from portal.classes.models import SchoolClass
from portal.publishing.forms import CentreContentForm


class AnnouncementForm(CentreContentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user.is_superuser:
            centres, classes = Centre.objects.all(), SchoolClass.objects.all()
        else:
            centres = Centre.objects.filter(pk__in=centre_ids_where(user, Role.ADMIN, Role.TEACHER))
            classes = SchoolClass.objects.run_by(user)
        self.fields["centre"].queryset = centres
        if len(centres) == 1 and not self.instance.pk:
            self.fields["centre"].initial = centres[0]
        self.fields["classes"].queryset = classes.select_related("centre")

    def clean(self):
        cleaned = super().clean()
        centre, classes = cleaned.get("centre"), cleaned.get("classes")
        if centre is None:
            return cleaned
        if classes and any(c.centre_id != centre.pk for c in classes):
            self.add_error("classes", "Choose classes of the announcement's own centre.")
        user = self.for_user
        if (
            not classes
            and not user.is_superuser
            and centre.pk not in centre_ids_where(user, Role.ADMIN)
        ):
            self.add_error(
                "classes", "Only centre admins announce to the whole centre; choose your classes."
            )
        return cleaned
