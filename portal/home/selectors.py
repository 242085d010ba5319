"""Which pages of the tree a person may reach in the admin."""

from __future__ import annotations

from django.db.models import Q
from wagtail.models import Page, PageQuerySet

from portal.centres.scoping import Role, centre_ids_where


def pages_visible_to(user) -> PageQuerySet:
    """Platform admin: every page. Centre staff: their centres' subtrees. Others: none."""
    if not user.is_authenticated or not user.is_active:
        return Page.objects.none()
    if user.is_superuser:
        return Page.objects.all()
    from portal.home.models import CentreHomePage

    roots = CentreHomePage.objects.filter(
        centre_id__in=centre_ids_where(user, Role.ADMIN, Role.TEACHER)
    ).values_list("path", flat=True)
    subtrees = Q(pk__in=[])
    for path in roots:
        subtrees |= Q(path__startswith=path)
    return Page.objects.filter(subtrees)
