"""The People menu of the admin: a centre's members, guardian links and invitations."""

from __future__ import annotations

from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup

from portal.centres.models import Guardianship, Membership
from portal.core.viewsets import CentreScopedModelViewSet, CentreScopedTrailViewSet
from portal.people import admin_views
from portal.people.forms import GuardianshipForm, MembershipForm
from portal.people.models import Invitation


class MembershipViewSet(CentreScopedModelViewSet):
    model = Membership
    icon = "user"
    menu_label = "Members"
    add_view_class = admin_views.MembershipCreateView
    edit_view_class = admin_views.MembershipEditView
    delete_view_class = admin_views.MembershipDeleteView
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
    add_view_class = admin_views.GuardianshipCreateView
    list_display = ["guardian", "student", "relationship", "centre"]
    list_filter = ["relationship", "centre"]
    search_fields = ["guardian__email", "guardian__last_name", "student__last_name"]
    form_class = GuardianshipForm
    form_fields = ["centre", "guardian", "student", "relationship"]


class InvitationViewSet(CentreScopedTrailViewSet):
    """Invitations to people with accounts elsewhere: the address the centre typed and the
    answer, never the person's name or account (they are not the centre's until they
    accept)."""

    model = Invitation
    icon = "mail"
    menu_label = "Invitations"
    inspect_view_fields = [
        "email",
        "role",
        "external_id",
        "get_state_display",
        "created_at",
        "expires_at",
        "centre",
    ]
    form_fields = ["email"]  # Wagtail builds a form for any model viewset; this shows none
    list_display = [
        "email",
        "role",
        Column("state", label="State", accessor="get_state_display"),
        Column("created_at", label="Invited on"),
        "expires_at",
        "centre",
    ]
    list_filter = ["role", "centre"]
    search_fields = ["email"]
    ordering = ["-created_at"]


class PeopleGroup(ViewSetGroup):
    menu_label = "People"
    menu_icon = "group"
    menu_order = 200
    items = (
        MembershipViewSet("members"),
        GuardianshipViewSet("guardianships"),
        InvitationViewSet("invitations"),
    )


@hooks.register("register_admin_viewset")
def register_people_viewsets():
    return PeopleGroup()
