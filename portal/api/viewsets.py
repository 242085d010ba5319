"""Base viewsets: every API read goes through `visible_to`, every write through a service.

* The queryset is `Model.objects.visible_to(request.user)`; an id outside it is a 404.
* Unsafe methods on an object need `managed_by(request.user)` to contain it: a visible object
  the caller may not change is a 403, never a silent success.
* Creating needs the caller to administer at least one centre (`IsCentreAdmin`), unless a
  viewset says otherwise; which centre is validated by the serializer (`ManagedCentreField`).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets

from portal.api.filters import default_filter_backends
from portal.centres.models import Centre
from portal.centres.scoping import Role, centre_ids_where


def manages_any_centre(user) -> bool:
    return bool(user.is_superuser or centre_ids_where(user, Role.ADMIN))


class IsCentreAdmin(permissions.BasePermission):
    """Platform admins and centre admins (of any centre)."""

    message = "Only centre admins may do this."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated) and manages_any_centre(
            request.user
        )


class ManagesObjectForWrites(permissions.BasePermission):
    """Anyone who can see an object may read it; only its centre's admins may change it."""

    message = "You can see this, but only its centre's admins may change it."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or view.action != "create":
            return True
        return manages_any_centre(request.user)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return type(obj).objects.managed_by(request.user).filter(pk=obj.pk).exists()


class ManagedCentreField(serializers.PrimaryKeyRelatedField):
    """A centre the requesting user administers."""

    def get_queryset(self):
        return Centre.objects.managed_by(self.context["request"].user)


class CentreScopedViewSet(viewsets.GenericViewSet):
    """Subclass with `model` set (and mixins for the actions you offer)."""

    model = None
    permission_classes = [permissions.IsAuthenticated, ManagesObjectForWrites]
    filter_backends = default_filter_backends()

    def base_queryset(self):
        """Override to add select_related/prefetch_related/annotations (keep the model's own
        queryset class: `get_queryset` calls `.visible_to()` on it)."""
        return self.model.objects.all()

    def get_queryset(self):
        return self.base_queryset().visible_to(self.request.user)


def summaries(**actions: str):
    """`@summaries(list="…", retrieve="…")`: an OpenAPI summary for each action."""
    return extend_schema_view(
        **{action: extend_schema(summary=summary) for action, summary in actions.items()}
    )
