"""The unsubscribe page: no login, a signed address, and a button (a POST) to confirm."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from portal.notifications.unsubscribe import guardian_unsubscribe, unsubscribe_links


# Mail programs POST `List-Unsubscribe=One-Click` (RFC 8058) without a form or cookie to carry
# a CSRF token; the signed address is what authorises the change, and it can only switch off.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    # A GET only asks: mail scanners open links, and must not unsubscribe anyone by doing so.
    action = guardian_unsubscribe if request.method == "POST" else unsubscribe_links
    try:
        links, kind = action(token=token)
    except ValidationError as error:
        return render(
            request, "notifications/unsubscribe.html", {"error": error.messages[0]}, status=400
        )
    return render(
        request,
        "notifications/unsubscribe.html",
        {
            "links": links,
            "kind": kind,
            "children": [link.student.get_full_name() or link.student.email for link in links],
            "done": request.method == "POST",
        },
    )
