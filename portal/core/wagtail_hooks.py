"""Admin-wide hooks that keep Wagtail's own page listings and reports inside a centre."""

from __future__ import annotations

from wagtail import hooks

from portal.home.selectors import pages_visible_to


@hooks.register("construct_explorer_page_queryset")
def explorer_pages_of_own_centres(parent_page, pages, request):
    return pages & pages_visible_to(request.user)


@hooks.register("construct_page_chooser_queryset")
def chooser_pages_of_own_centres(pages, request):
    return pages & pages_visible_to(request.user)


@hooks.register("construct_reports_menu")
def hide_platform_wide_reports(request, menu_items):
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]
