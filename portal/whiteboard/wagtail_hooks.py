"""Whiteboards in the admin: which boards each class has, how much is on them, and a way in."""

from __future__ import annotations

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet

from portal.core.viewsets import CentreScopedSnippetViewSet
from portal.whiteboard.forms import WhiteboardForm
from portal.whiteboard.models import Whiteboard


class WhiteboardViewSet(CentreScopedSnippetViewSet):
    model = Whiteboard
    icon = "edit"
    menu_label = "Whiteboards"
    menu_order = 130
    add_to_admin_menu = True
    list_display = [
        "title",
        Column("school_class", label="Class", accessor="school_class"),
        # Seqs run 1, 2, 3… without gaps, so the newest seq is the number of ops: no COUNT.
        Column("last_seq", label="Ops", accessor="last_seq"),
        BooleanColumn("locked"),
    ]
    list_filter = ["school_class", "locked"]
    search_fields = ["title"]
    inspect_view_enabled = True
    form_class = WhiteboardForm
    form_fields = ["school_class", "title"]

    def get_queryset(self, request):
        return Whiteboard.objects.select_related("school_class")


register_snippet(WhiteboardViewSet)


@hooks.register("register_snippet_listing_buttons")
def open_board_button(snippet, user, next_url=None):
    """From the admin listing to the board itself on the member site."""
    if isinstance(snippet, Whiteboard):
        yield ListingButton(
            "Open board", reverse("whiteboard:board", args=[snippet.pk]), icon_name="view"
        )
