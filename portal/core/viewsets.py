"""Admin viewsets scoped to the user's centres, in one place.

Every Wagtail viewset for centre-owned data mixes in `CentreScopedViewSetMixin`. It changes each
view the viewset builds, present and future, in two ways:

* listings and choosers start from `Model.objects.visible_to(request.user)`;
* any URL naming an object (`pk`) that is not visible to the user answers 404 before the view
  runs, so edit, delete, history, usage, revisions, preview and workflow views cannot be
  reached for another centre's object even if a view fetches with `get_object_or_404(Model)`.

The isolation tests walk every registered viewset that uses this mixin, and fail for any viewset
of a centre-owned model that does not.
"""

from __future__ import annotations

import functools

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path
from django.utils.functional import cached_property
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.core.second_ids import second_ids_belong

#: Methods through which Wagtail's generic views and choosers start their querysets.
_QUERYSET_METHODS = ("get_base_queryset", "get_object_list")


def object_is_visible(model, user, pk) -> bool:
    try:
        return model.objects.is_visible_to(user, unquote(str(pk)))
    except (ValueError, TypeError, ValidationError):
        return False


def visible_choices(model, user):
    """The records of `model` a filter or chooser may offer `user`, or None when the model is
    not centre-owned data (content types, choices of Wagtail's own)."""
    from portal.accounts.models import User
    from portal.centres.models import Centre

    if hasattr(model._default_manager, "visible_to"):
        return model._default_manager.visible_to(user)
    if issubclass(model, User):
        if user.is_superuser:
            return model._default_manager.all()
        centres = Centre.objects.visible_to(user).values("pk")
        return model._default_manager.filter(memberships__centre__in=centres).distinct()
    return None


def narrow_filter_choices(filterset, user) -> None:
    """A listing's filters offer only records the user may see: the listing is scoped, and so
    are the choices beside it (another centre's classes and people are not even names here)."""
    for name, listing_filter in filterset.filters.items():
        queryset = getattr(listing_filter, "queryset", None)
        if queryset is None or callable(queryset):
            continue
        narrowed = visible_choices(queryset.model, user)
        if narrowed is None:
            continue
        listing_filter.queryset = narrowed
        if name in filterset.form.fields:
            filterset.form.fields[name].queryset = narrowed


@functools.cache
def scoped_view_class(view_class, model):
    """Subclass `view_class` so whichever queryset hooks it has are narrowed to the user, and
    so are the choices of its listing filters."""
    overrides = {}
    for method_name in _QUERYSET_METHODS:
        if hasattr(view_class, method_name):

            def narrowed(self, *args, _method_name=method_name, **kwargs):
                queryset = getattr(super(subclass, self), _method_name)(*args, **kwargs)
                if getattr(queryset, "model", None) is not model:
                    # e.g. a history view listing log entries of one (already guarded) object
                    return queryset
                return queryset.visible_to(self.request.user)

            overrides[method_name] = narrowed
    if isinstance(getattr(view_class, "filters", None), cached_property):

        @cached_property
        def filters(self):
            filterset = view_class.filters.func(self)
            if filterset is not None:
                narrow_filter_choices(filterset, self.request.user)
            return filterset

        overrides["filters"] = filters
    if not overrides:
        return view_class
    subclass = type(f"CentreScoped{view_class.__name__}", (view_class,), overrides)
    return subclass


def guard_object_urls(view, model):
    """Wrap a view function so an invisible `pk` in its URL is a 404, and so is a revision,
    workflow state or task state in it that is not the object's own (`second_ids_belong`)."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        pk = kwargs.get("pk")
        if pk is not None and not (
            object_is_visible(model, request.user, pk)
            and second_ids_belong(model, unquote(str(pk)), kwargs)
        ):
            raise Http404("No such object.")
        return view(request, *args, **kwargs)

    return guarded


class CentreScopedViewSetMixin:
    """Mix into any Wagtail viewset whose model has a `CentreScopedQuerySet` manager."""

    @property
    def scoped_model(self):
        return getattr(self, "model_class", None) or self.model

    def construct_view(self, view_class, **kwargs):
        model = self.scoped_model
        view = super().construct_view(scoped_view_class(view_class, model), **kwargs)
        return guard_object_urls(view, model)


class CentreScopedChooserViewSet(CentreScopedViewSetMixin, ChooserViewSet):
    """A chooser that offers only objects visible to the user."""


class CentreScopedSnippetChooserViewSet(CentreScopedViewSetMixin, SnippetChooserViewSet):
    pass


class FormClassPanelsMixin:
    """Build the edit panels from `form_fields`, validated by `form_class`."""

    form_class: type | None = None

    def get_edit_handler(self):
        if self.form_class is None:
            return super().get_edit_handler()
        return ObjectList(
            [FieldPanel(name) for name in self.form_fields], base_form_class=self.form_class
        ).bind_to_model(self.model)


class CentreScopedSnippetViewSet(CentreScopedViewSetMixin, FormClassPanelsMixin, SnippetViewSet):
    chooser_viewset_class = CentreScopedSnippetChooserViewSet


class CentreScopedModelViewSet(CentreScopedViewSetMixin, FormClassPanelsMixin, ModelViewSet):
    #: Standard views a viewset does without, e.g. "edit" for records that are never edited.
    without_views: frozenset[str] = frozenset()
    #: The viewset's own screens: (route, view class, URL name).
    extra_routes: tuple = ()

    def get_urlpatterns(self):
        patterns = [p for p in super().get_urlpatterns() if p.name not in self.without_views]
        return patterns + [
            path(route, self.construct_view(view_class), name=name)
            for route, view_class, name in self.extra_routes
        ]


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Viewing needs the model's view permission; adding, changing and deleting are for no one."""

    def user_has_permission(self, user, action):
        return action in ("view", "inspect") and super().user_has_permission(user, "view")


class CentreScopedTrailViewSet(CentreScopedModelViewSet):
    """A trail of what happened (grade changes, the audit log): listed and inspected, never
    written, not even by platform admins (its model gets `ReadOnlyPolicy`)."""

    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_admin_menu = True
    icon = "history"
    #: The only views a trail has.
    kept_views = frozenset({"index", "index_results", "inspect"})

    def register_permissions(self):
        register_permission_policy(self.model, ReadOnlyPolicy(self.model))
        super().register_permissions()

    def get_urlpatterns(self):
        return [pattern for pattern in super().get_urlpatterns() if pattern.name in self.kept_views]


class CentreScopedForm(WagtailAdminModelForm):
    """Admin form whose `centre` choices are the centres the editing user manages.

    With one managed centre (the usual centre admin) the field is fixed to it and hidden.
    """

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        from portal.centres.models import Centre

        self.managed_centres = Centre.objects.managed_by(for_user)
        field = self.fields.get("centre")
        if field is not None:
            field.queryset = self.managed_centres
            if self.instance.pk:
                field.disabled = True
            elif len(self.managed_centres) == 1:
                field.initial = self.managed_centres[0]

    def selected_centre(self):
        if self.instance.pk:
            return self.instance.centre
        return self.cleaned_data.get("centre")
