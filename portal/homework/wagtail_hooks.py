"""Homework and announcements in the admin, under one "Teaching" menu."""

from __future__ import annotations

from django import forms
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PublishingPanel,
)
from wagtail.admin.ui.tables import Column, UpdatedAtColumn
from wagtail.documents import get_document_model
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from portal.announcements.forms import AnnouncementForm
from portal.announcements.models import Announcement
from portal.core.viewsets import CentreScopedSnippetViewSet
from portal.homework.forms import HomeworkForm
from portal.homework.models import Homework
from portal.publishing.permissions import CentreContentPermissionPolicy

Document = get_document_model()

for reviewed_model in (Homework, Announcement):
    register_permission_policy(reviewed_model, CentreContentPermissionPolicy(reviewed_model))


class HomeworkViewSet(CentreScopedSnippetViewSet):
    model = Homework
    icon = "doc-full"
    menu_label = "Homework"
    list_display = [
        "title",
        Column("school_class", label="Class", accessor="school_class"),
        Column("due_local", label="Due (centre time)", accessor="due_local"),
        UpdatedAtColumn(),
    ]
    list_filter = ["school_class", "live", "late_policy"]
    search_fields = ["title"]
    inspect_view_enabled = True

    def get_queryset(self, request):
        return Homework.objects.select_related("school_class__centre", "latest_revision")

    def get_edit_handler(self):
        return ObjectList(
            [
                # A plain list: a teacher has a handful of classes, not a catalogue to search.
                FieldPanel("school_class", widget=forms.Select),
                FieldPanel("title"),
                FieldPanel("instructions"),
                FieldRowPanel([FieldPanel("set_on"), FieldPanel("due_at")], heading="Dates"),
                FieldRowPanel([FieldPanel("max_points"), FieldPanel("late_policy")]),
                InlinePanel("attachments", label="Attachment", heading="Attachments"),
                MultiFieldPanel([FieldPanel("notify_again")], heading="Notifications"),
                PublishingPanel(),
            ],
            base_form_class=HomeworkForm,
        ).bind_to_model(Homework)


class AnnouncementViewSet(CentreScopedSnippetViewSet):
    model = Announcement
    icon = "info-circle"
    menu_label = "Announcements"
    list_display = ["title", "centre", "expires_at", UpdatedAtColumn()]
    list_filter = ["centre", "live"]
    search_fields = ["title"]
    inspect_view_enabled = True

    def get_queryset(self, request):
        return Announcement.objects.select_related("centre", "latest_revision")

    def get_edit_handler(self):
        return ObjectList(
            [
                FieldPanel("centre"),
                FieldPanel("title"),
                FieldPanel("body"),
                FieldPanel("classes", widget=forms.CheckboxSelectMultiple),
                FieldPanel("expires_at"),
                MultiFieldPanel([FieldPanel("notify_again")], heading="Notifications"),
                PublishingPanel(),
            ],
            base_form_class=AnnouncementForm,
        ).bind_to_model(Announcement)


class TeachingGroup(SnippetViewSetGroup):
    menu_label = "Teaching"
    menu_icon = "doc-full"
    menu_order = 120
    items = (HomeworkViewSet, AnnouncementViewSet)


register_snippet(TeachingGroup)
