"""Centre isolation for the Wagtail admin views that are not ours to subclass.

Our own viewsets are scoped in `portal.core.viewsets`. Wagtail's page views, page chooser and a
few platform-wide screens are guarded here, in one place, by looking at the URL's arguments
before the view runs: a page outside the user's centres is a 404, exactly like a missing one.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from wagtail.models import Page

from portal.core.second_ids import second_ids_belong
from portal.home.selectors import pages_visible_to

#: URL arguments that name a page, in the page views' namespace.
PAGE_VIEW_KWARGS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id", "pk")
#: URL arguments that name a page anywhere else in the admin (explorer, page chooser).
PAGE_KWARGS = ("page_id", "parent_page_id")
#: Screens that show every centre's data at once: platform admins only.
PLATFORM_ONLY_URL_NAMESPACES = {
    "wagtailusers_users",
    "wagtailusers_groups",
    "wagtailsites",
    "schedules",
    "system_status",
}
PLATFORM_ONLY_URL_NAMES = {
    f"wagtailadmin_reports:{report}{results}"
    # Wagtail's reports of every centre at once: the site's history, everything in review
    # (with who asked) and page types with their latest pages.
    for report in ("site_history", "workflow", "workflow_tasks", "page_types_usage")
    for results in ("", "_results")
}


def admin_page_ids(resolver_match, view_kwargs) -> list:
    namespace = resolver_match.namespace
    names = PAGE_VIEW_KWARGS if namespace == "wagtailadmin_pages" else PAGE_KWARGS
    return [view_kwargs[name] for name in names if name in view_kwargs]


def named_model_rows(user, view_kwargs):
    """The model a URL names by `app_label` and `model_name`, and its rows the user may see
    (None for a model that is not centre-owned); an unknown model is a 404."""
    try:
        model = apps.get_model(view_kwargs["app_label"], view_kwargs["model_name"])
    except LookupError:
        raise Http404("No such object.") from None
    if issubclass(model, Page):
        return model, pages_visible_to(user)
    if hasattr(model.objects, "visible_to"):
        return model, model.objects.visible_to(user)
    return model, None


class CentreAdminScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not match.route.startswith("admin/"):
            return None
        user = request.user
        if not user.is_authenticated or user.is_superuser:
            return None
        if match.view_name in PLATFORM_ONLY_URL_NAMES or (
            set(match.namespaces) & PLATFORM_ONLY_URL_NAMESPACES
        ):
            raise Http404("No such page.")
        if match.url_name == "wagtail_bulk_action":
            return self.guard_bulk_action(request, view_kwargs)
        if {"app_label", "model_name", "object_id"} <= view_kwargs.keys():
            return self.guard_named_object(request, view_kwargs)
        page_ids = admin_page_ids(match, view_kwargs)
        if page_ids:
            visible = pages_visible_to(user).filter(pk__in=page_ids).count()
            if visible != len(set(page_ids)):
                raise Http404("No such page.")
            if not second_ids_belong(Page, page_ids[0], view_kwargs):
                raise Http404("No such page.")
        return None

    def guard_named_object(self, request, view_kwargs):
        """Screens that name any model's object by app, model and id (editing sessions)."""
        _model, visible = named_model_rows(request.user, view_kwargs)
        if visible is None:
            return None
        try:
            found = visible.filter(pk=unquote(view_kwargs["object_id"])).exists()
        except (ValueError, ValidationError):
            found = False
        if not found:
            raise Http404("No such object.")
        return None

    def guard_bulk_action(self, request, view_kwargs):
        """Bulk actions take ids from the query string, where `id=all` means every object."""
        model, visible = named_model_rows(request.user, view_kwargs)
        if visible is None:
            return None
        ids = request.GET.getlist("id")
        if "all" in ids:
            if issubclass(model, Page):
                # "all" means the children of `childOf`, which must be a visible page.
                parent = request.GET.get("childOf")
                if parent and not visible.filter(pk=parent).exists():
                    raise Http404("No such page.")
                return None
            # Wagtail reads "all" as every row of the table; here it is every visible row.
            query = request.GET.copy()
            query.setlist("id", [str(pk) for pk in visible.values_list("pk", flat=True)])
            request.GET = query
            return None
        wanted = {value for value in ids if value.isdigit()}
        if len(wanted) != len(set(ids)) or visible.filter(pk__in=wanted).count() != len(wanted):
            raise Http404("No such object.")
        return None
