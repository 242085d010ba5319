"""Member-site pages for homework (students, guardians, staff); scoped by visible_to."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from portal.homework.models import Homework


@login_required
def homework_detail(request, pk: int):
    homework = get_object_or_404(
        Homework.objects.visible_to(request.user).select_related("school_class__centre"), pk=pk
    )
    return render(request, "homework/homework_detail.html", {"homework": homework})
