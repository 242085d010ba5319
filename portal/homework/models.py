"""Homework set for a class: authored and reviewed in the admin, done by students."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.models import Orderable

from portal.centres.scoping import CentreScopedQuerySet, role_filter
from portal.core.rich_text import SanitisedRichTextField
from portal.publishing.models import CentreContent, annotate_review_state

MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024
ATTACHMENT_EXTENSIONS = (
    "pdf",
    "doc",
    "docx",
    "odt",
    "rtf",
    "txt",
    "xls",
    "xlsx",
    "ods",
    "csv",
    "ppt",
    "pptx",
    "odp",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "webp",
    "svg",
    "mp3",
    "mp4",
    "zip",
)


class LatePolicy(models.TextChoices):
    ACCEPT = "accept", "Accept late work"
    FLAG = "flag", "Accept late work, marked late"
    REFUSE = "refuse", "Do not accept late work"


class HomeworkQuerySet(CentreScopedQuerySet):
    centre_path = "school_class__centre"
    member_filter_is_single_valued = True

    def member_filter(self, user) -> Q:
        # Staff see drafts of the classes they run; students and guardians see live work only.
        # Each branch is its own small subquery of class ids: OR-ing joins through
        # enrollments and guardianships would multiply rows instead.
        from portal.classes.models import Enrollment, run_by_branches

        return role_filter(
            user,
            self.centre_path,
            **run_by_branches(user, to_class="school_class"),
            student=lambda: Q(live=True, school_class__in=Enrollment.objects.own_classes(user)),
            guardian=lambda: Q(
                live=True, school_class__in=Enrollment.objects.childrens_classes(user)
            ),
        )

    def editable_by(self, user):
        """Homework this user may change: that of the classes they run."""
        from portal.classes.models import SchoolClass

        return self.filter(school_class__in=SchoolClass.objects.run_by(user))

    def with_review_state(self):
        """Annotate `in_review` and `scheduled` in the same query, for lists."""
        return annotate_review_state(self)


class Homework(CentreContent):
    """Work set for one class, due at a moment in the centre's time zone."""

    school_class = models.ForeignKey(
        "classes.SchoolClass",
        on_delete=models.CASCADE,
        related_name="homework",
        verbose_name="class",
    )
    instructions = SanitisedRichTextField(
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link"]
    )
    set_on = models.DateField("set on", default=timezone.localdate)
    due_at = models.DateTimeField("due")
    max_points = models.PositiveIntegerField(
        "maximum points", null=True, blank=True, help_text="Leave empty for ungraded work."
    )
    late_policy = models.CharField(
        max_length=16, choices=LatePolicy.choices, default=LatePolicy.FLAG
    )

    objects = HomeworkQuerySet.as_manager()
    member_url_name = "homework:detail"
    member_template = "homework/homework_detail.html"

    class Meta:
        verbose_name_plural = "homework"
        ordering = ["-due_at"]
        indexes = [models.Index(fields=["school_class", "due_at"])]

    @property
    def centre(self):
        return self.school_class.centre

    def centre_id_for_publishing(self) -> int | None:
        return self.school_class.centre_id if self.school_class_id else None

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return self.school_class.centre.zone

    @property
    def due_local(self):
        return timezone.localtime(self.due_at, self.zone)

    def clean(self) -> None:
        super().clean()
        if not (self.school_class_id and self.due_at and self.set_on):
            return
        if timezone.localtime(self.due_at, self.zone).date() < self.set_on:
            raise ValidationError({"due_at": "The due date is before the date it is set."})


class HomeworkAttachmentQuerySet(CentreScopedQuerySet):
    centre_path = "homework__school_class__centre"
    member_filter_is_single_valued = True

    def member_filter(self, user) -> Q:
        # Whoever sees the homework sees what is handed out with it.
        return Q(homework__in=Homework.objects.visible_to(user).values("pk"))


def in_centre_collection(document, centre) -> bool:
    """Is `document` filed in the centre's collection (or a collection inside it)?"""
    root = centre.collection
    return root is not None and document.collection.path.startswith(root.path)


class HomeworkAttachment(Orderable):
    """A document (worksheet, reading) handed out with the homework."""

    homework = ParentalKey(Homework, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")

    objects = HomeworkAttachmentQuerySet.as_manager()

    def clean(self) -> None:
        document = self.document if self.document_id else None
        if document is None:
            return
        # The download hook serves an attachment to the whole class: it must be a document of
        # the homework's own centre (the chooser offers only those; a posted id is checked too).
        try:
            school_class = self.homework.school_class if self.homework.school_class_id else None
        except Homework.DoesNotExist:  # not attached to homework yet
            school_class = None
        if school_class and not in_centre_collection(document, school_class.centre):
            raise ValidationError({"document": "Choose a document of this centre."})
        extension = document.file_extension.lower()
        if extension not in ATTACHMENT_EXTENSIONS:
            raise ValidationError(
                {"document": f"Files of type .{extension} cannot be attached to homework."}
            )
        size = document.get_file_size() or 0
        if size > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                {
                    "document": f"{document.title} is {filesizeformat(size)}; attachments may "
                    f"be up to {filesizeformat(MAX_ATTACHMENT_BYTES)}."
                }
            )
