"""Centre-owned records log to `CentreLogEntry`, and centre admins read their centre's log."""

from __future__ import annotations

from django.apps import apps
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn, UserColumn
from wagtail.admin.views.generic.history import HistoryFilterSet
from wagtail.models import Page

from portal.audit.models import CentreLogEntry
from portal.centres.scoping import CentreScopedQuerySet
from portal.core.viewsets import CentreScopedTrailViewSet


def centre_owned_models() -> list[type]:
    """Every model whose rows belong to a centre (pages keep Wagtail's page log)."""
    return [
        model
        for model in apps.get_models()
        if isinstance(model._default_manager.get_queryset(), CentreScopedQuerySet)
        and not issubclass(model, (Page, CentreLogEntry))
    ]


@hooks.register("register_log_actions")
def log_centre_owned_models_by_centre(actions):
    for model in centre_owned_models():
        actions.register_model(model, CentreLogEntry)


class AuditLogFilterSet(HistoryFilterSet):
    """Action, person and dates, offering only the actions and people of the entries the
    admin may read (Wagtail's would offer every centre's)."""

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        if queryset is None and request is not None:
            queryset = CentreLogEntry.objects.visible_to(request.user)
        super().__init__(data, queryset, request=request, **kwargs)

    class Meta:
        model = CentreLogEntry
        fields = []


class AuditLogViewSet(CentreScopedTrailViewSet):
    model = CentreLogEntry
    menu_label = "Audit log"
    menu_order = 140
    filterset_class = AuditLogFilterSet
    search_fields = ["label"]
    form_fields = ["label"]  # Wagtail builds a form for any model viewset; a trail shows none
    list_display = [
        DateColumn("timestamp", label="When"),
        UserColumn("user", label="Who"),
        Column("message", label="Did"),
        Column("label", label="To"),
        Column("object_verbose_name", label="Type"),
    ]
    inspect_view_fields = [
        "timestamp",
        "user_display_name",
        "message",
        "label",
        "object_verbose_name",
        "object_id",
        "comment",
    ]

    def get_queryset(self, request):
        return CentreLogEntry.objects.select_related("user", "content_type")


@hooks.register("register_admin_viewset")
def register_audit_log():
    return AuditLogViewSet("audit_log")
