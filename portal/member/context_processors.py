"""Header data of every member page: centres to switch between, the unread notice count."""

from __future__ import annotations

from portal.member.centres import current_centre, my_centres
from portal.notifications.models import Notice


def member(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path.startswith("/admin/"):
        return {}
    return {
        "current_centre": current_centre(request),
        "my_centres": my_centres(request),
        "unread_notices": lambda: (
            Notice.objects.visible_to(user).filter(recipient=user).unread().count()
        ),
    }
