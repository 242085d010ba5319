"""Member-site pages for announcements; scoped by visible_to, expired ones hidden."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from portal.announcements.models import Announcement


@login_required
def announcement_detail(request, pk: int):
    visible = Announcement.objects.visible_to(request.user).select_related("centre")
    announcement = get_object_or_404(visible, pk=pk)
    if not request.user.has_perm("wagtailadmin.access_admin"):
        announcement = get_object_or_404(visible.current(), pk=pk)
    return render(request, "announcements/announcement_detail.html", {"announcement": announcement})
