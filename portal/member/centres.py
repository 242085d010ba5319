"""Which centre the member site shows: a person with roles at several centres switches."""

from __future__ import annotations

from portal.centres.models import Centre
from portal.centres.scoping import centre_roles

SESSION_KEY = "member_centre_id"


def current_centre(request) -> Centre | None:
    """The centre chosen in this session, or the person's first centre."""
    user = request.user
    if not user.is_authenticated:
        return None
    cached = getattr(request, "_member_centre", None)
    if cached is not None:
        return cached
    centres = list(Centre.objects.filter(pk__in=centre_roles(user)).order_by("name"))
    chosen = request.session.get(SESSION_KEY)
    centre = next((c for c in centres if c.pk == chosen), centres[0] if centres else None)
    request._member_centre = centre
    request._member_centres = centres
    return centre


def my_centres(request) -> list[Centre]:
    current_centre(request)
    return getattr(request, "_member_centres", [])


def roles_here(request) -> frozenset[str]:
    centre = current_centre(request)
    if centre is None:
        return frozenset()
    return centre_roles(request.user).get(centre.pk, frozenset())
