"""The member-facing page tree: one platform home, one home page per centre beneath it."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from portal.core.rich_text import SanitisedRichTextField


class HomePage(Page):
    """The platform's front page, listing its centres."""

    intro = SanitisedRichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["home.CentreHomePage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["centre_pages"] = (
            CentreHomePage.objects.child_of(self).live().select_related("centre")
        )
        return context


class CentreHomePage(Page):
    """The root of one centre's content; created together with the centre."""

    centre = models.OneToOneField(
        "centres.Centre", on_delete=models.PROTECT, related_name="home_page"
    )
    welcome = SanitisedRichTextField(
        blank=True, help_text="Shown at the top of the centre's home page."
    )

    content_panels = [*Page.content_panels, FieldPanel("welcome")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.ContentPage"]
    # Created by the centre_create service, never by hand, so every centre has exactly one.
    is_creatable = False


class ContentPage(Page):
    """A plain information page of a centre: term dates, policies, contacts."""

    body = SanitisedRichTextField()

    content_panels = [*Page.content_panels, FieldPanel("body")]
    parent_page_types = ["home.CentreHomePage", "home.ContentPage"]
    subpage_types = ["home.ContentPage"]
