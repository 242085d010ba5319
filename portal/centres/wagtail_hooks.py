"""Admin screens for centres (platform admin); people are in portal.people."""

from __future__ import annotations

from wagtail import hooks

from portal.centres import views
from portal.centres.forms import CentreForm
from portal.centres.models import Centre
from portal.core.viewsets import CentreScopedModelViewSet


class CentreViewSet(CentreScopedModelViewSet):
    model = Centre
    icon = "home"
    menu_label = "Centres"
    menu_order = 100
    add_to_admin_menu = True
    add_view_class = views.CentreCreateView
    list_display = ["name", "slug", "timezone", "contact_email"]
    search_fields = ["name", "slug"]
    inspect_view_enabled = True
    form_class = CentreForm
    form_fields = [
        "name",
        "slug",
        "timezone",
        "contact_email",
        "reminder_days_before",
        "digest_skip_empty",
    ]


@hooks.register("register_admin_viewset")
def register_centre_viewsets():
    return CentreViewSet("centres")
