"""Admin screens for centres (platform admin) and people (centre admins)."""

from __future__ import annotations

from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup

from portal.centres import views
from portal.centres.forms import CentreForm, GuardianshipForm, MembershipForm
from portal.centres.models import Centre, Guardianship, Membership
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


class MembershipViewSet(CentreScopedModelViewSet):
    model = Membership
    icon = "user"
    menu_label = "Members"
    add_view_class = views.MembershipCreateView
    edit_view_class = views.MembershipEditView
    delete_view_class = views.MembershipDeleteView
    list_display = [
        Column("user", label="Person", accessor="user"),
        Column("email", label="E-mail", accessor="user.email"),
        "role",
        "is_active",
        "centre",
    ]
    list_filter = ["role", "is_active", "centre"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "external_id"]
    ordering = ["user__last_name", "user__first_name"]
    inspect_view_enabled = True
    form_class = MembershipForm
    form_fields = [
        "centre",
        "email",
        "first_name",
        "last_name",
        "role",
        "external_id",
        "is_active",
        "publishes_directly",
        "password",
    ]


class GuardianshipViewSet(CentreScopedModelViewSet):
    model = Guardianship
    icon = "group"
    menu_label = "Guardians"
    add_view_class = views.GuardianshipCreateView
    list_display = ["guardian", "student", "relationship", "centre"]
    list_filter = ["relationship", "centre"]
    search_fields = ["guardian__email", "guardian__last_name", "student__last_name"]
    form_class = GuardianshipForm
    form_fields = ["centre", "guardian", "student", "relationship"]


class PeopleGroup(ViewSetGroup):
    menu_label = "People"
    menu_icon = "group"
    menu_order = 200
    items = (MembershipViewSet("members"), GuardianshipViewSet("guardianships"))


@hooks.register("register_admin_viewset")
def register_centre_viewsets():
    return [CentreViewSet("centres"), PeopleGroup()]
