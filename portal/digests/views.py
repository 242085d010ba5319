"""The guardian's digest archive on the member site (`/my/digests/`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from portal.digests.models import Digest


def _mine(request):
    return (
        Digest.objects.visible_to(request.user)
        .delivered()
        .filter(guardian=request.user)
        .select_related("centre")
    )


@login_required
def archive(request):
    digests = _mine(request).only(
        "pk", "centre__name", "week_start", "subject", "item_count", "sent_at"
    )[:200]
    return render(request, "digests/archive.html", {"digests": digests})


@login_required
def detail(request, pk: int):
    digest = get_object_or_404(_mine(request), pk=pk)
    # Our own rendering, stored when it was sent: every value in it was escaped by the template.
    return render(
        request,
        "digests/detail.html",
        {"digest": digest, "digest_html": mark_safe(digest.body_html())},
    )
