"""Homework and announcements in the admin, under one "Teaching" menu."""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PublishingPanel,
)
from wagtail.admin.ui.tables import Column, UpdatedAtColumn
from wagtail.admin.widgets import ListingButton
from wagtail.documents import get_document_model
from wagtail.permissions import policy_registry, register_permission_policy
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


@hooks.register("before_serve_document")
def documents_need_a_reason(document, request):
    """Wagtail's document URL is guessable: serve only to staff who may choose the document,
    or to members who can see a homework it is attached to; to anyone else it does not exist."""
    from portal.homework.models import HomeworkAttachment

    user = request.user
    policy = policy_registry.get_by_type(Document)
    if user.is_authenticated and policy.user_has_permission_for_instance(user, "choose", document):
        return None
    visible = Homework.objects.visible_to(user).values("pk")
    if HomeworkAttachment.objects.filter(document=document, homework__in=visible).exists():
        return None
    raise Http404("No such document.")


@hooks.register("register_snippet_listing_buttons")
def submissions_button(snippet, user, next_url=None):
    """From a homework in the admin to its submissions inbox on the member site."""
    if isinstance(snippet, Homework) and snippet.live:
        yield ListingButton(
            "Submissions",
            reverse("member:inbox", args=[snippet.pk]),
            icon_name="tasks",
            priority=5,
        )
