"""Admin form for whiteboards: a board belongs to one of the admin's classes for good."""

from __future__ import annotations

from portal.classes.models import SchoolClass
from portal.core.viewsets import CentreScopedForm
from portal.whiteboard.models import Whiteboard


class WhiteboardForm(CentreScopedForm):
    class Meta:
        model = Whiteboard
        # `locked` is left to the board's teachers: it is an op in the log (lock/unlock), and
        # changing it here would make the log and the board disagree.
        fields = ["school_class", "title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = SchoolClass.objects.filter(
            centre__in=self.managed_centres
        )
        if self.instance.pk:
            self.fields["school_class"].disabled = True
