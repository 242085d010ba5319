"""Base viewsets: every API read goes through `visible_to`, every write through a service.

* The queryset is `Model.objects.visible_to(request.user)`; an id outside it is a 404.
* Unsafe methods on an object need `managed_by(request.user)` to contain it: a visible object
  the caller may not change is a 403, never a silent success.
* Creating needs the caller to administer at least one centre (`IsCentreAdmin`), unless a
  viewset says otherwise; which centre is validated by the serializer (`ManagedCentreField`).
* Writes use this module's Create/Update/DestroyModelMixin (or ModelViewSet): each leaves the
  line in the audit log that the Wagtail admin leaves for the same change.
"""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response
from wagtail.log_actions import log

from portal.api.filters import default_filter_backends
from portal.centres.models import Centre
from portal.centres.scoping import Role, centre_ids_where
from portal.core.private_files import private_file_response


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


class FileDownloadViewSet(mixins.RetrieveModelMixin, CentreScopedViewSet):
    """One file of a scoped object, by the object's id: where an app holding a token downloads
    what a list links to. Subclasses name the file with `file_of(obj) -> (file, filename)`."""

    def file_of(self, obj) -> tuple[FieldFile, str]:
        raise NotImplementedError

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)}
    )
    def retrieve(self, request, pk=None):
        file, filename = self.file_of(self.get_object())
        return private_file_response(file, filename=filename)


def log_write(request, instance, action: str) -> None:
    """The line the Wagtail admin writes in the audit log for the same change."""
    log(instance=instance, action=action, user=request.user)


class CreateModelMixin(mixins.CreateModelMixin):
    """DRF's create (through the viewset's `perform_create`), logged as the admin logs it."""

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        log_write(request, serializer.instance, "wagtail.create")
        headers = self.get_success_headers(serializer.data)
        return Response(serializer.data, status=status.HTTP_201_CREATED, headers=headers)


class UpdateModelMixin(mixins.UpdateModelMixin):
    """DRF's update (through the viewset's `perform_update`), logged as the admin logs it."""

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(
            instance, data=request.data, partial=kwargs.pop("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        log_write(request, serializer.instance, "wagtail.edit")
        instance._prefetched_objects_cache = {}  # what was prefetched may have changed
        return Response(serializer.data)


class DestroyModelMixin(mixins.DestroyModelMixin):
    """DRF's destroy, logged first: the line must know the centre while the object exists."""

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        log_write(request, instance, "wagtail.delete")
        self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ModelViewSet(
    CreateModelMixin,
    mixins.RetrieveModelMixin,
    UpdateModelMixin,
    DestroyModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """DRF's ModelViewSet, with its writes logged."""


def summaries(**actions: str):
    """`@summaries(list="…", retrieve="…")`: an OpenAPI summary for each action."""
    return extend_schema_view(
        **{action: extend_schema(summary=summary) for action, summary in actions.items()}
    )
