"""Admin-wide hooks that keep Wagtail's own page listings and reports inside a centre."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.urls import include, path, resolve, reverse
from wagtail import hooks

from portal.core import status_views
from portal.core.middleware import PLATFORM_ONLY_URL_NAMES
from portal.home.selectors import pages_visible_to
from portal.schedules.wagtail_hooks import PlatformAdminMenuItem


@hooks.register("construct_explorer_page_queryset")
def explorer_pages_of_own_centres(parent_page, pages, request):
    return pages & pages_visible_to(request.user)


@hooks.register("construct_page_chooser_queryset")
def chooser_pages_of_own_centres(pages, request):
    return pages & pages_visible_to(request.user)


@hooks.register("construct_reports_menu")
def hide_platform_wide_reports(request, menu_items):
    if not request.user.is_superuser:
        menu_items[:] = [
            item
            for item in menu_items
            if resolve(urlsplit(item.url).path).view_name not in PLATFORM_ONLY_URL_NAMES
        ]


@hooks.register("register_admin_urls")
def system_status_urls():
    urls = [
        path("", status_views.SystemStatusView.as_view(), name="index"),
        path("json/", status_views.SystemStatusJsonView.as_view(), name="json"),
    ]
    return [path("status/", include((urls, "system_status"), namespace="system_status"))]


@hooks.register("register_settings_menu_item")
def system_status_menu_item():
    return PlatformAdminMenuItem(
        "System status", reverse("system_status:index"), icon_name="desktop", order=910
    )
