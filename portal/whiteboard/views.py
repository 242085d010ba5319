"""The member site's whiteboard page; the drawing itself happens over the websocket."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from portal.classes.models import SchoolClass
from portal.whiteboard.models import Whiteboard
from portal.whiteboard.selectors import board_role
from portal.whiteboard.services import whiteboard_for_class


@login_required
def board_page(request, pk: int):
    board = get_object_or_404(
        Whiteboard.objects.visible_to(request.user).select_related("school_class"), pk=pk
    )
    role = board_role(board=board, user=request.user)
    return render(request, "whiteboard/board.html", {"board": board, "role": role})


@login_required
def class_board(request, class_pk: int):
    """The class's default board, made on first visit by anyone who may see the class."""
    school_class = get_object_or_404(SchoolClass.objects.visible_to(request.user), pk=class_pk)
    return redirect("whiteboard:board", pk=whiteboard_for_class(school_class=school_class).pk)
