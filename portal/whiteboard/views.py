"""The member site's whiteboard page; the drawing itself happens over the websocket."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render

from portal.classes.models import SchoolClass
from portal.whiteboard.models import Whiteboard
from portal.whiteboard.selectors import board_export, board_role
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


@login_required
def board_download(request, pk: int, file_format: str):
    """The board as a picture; `?seq=N` draws it as it was after op N (replaying history)."""
    board = get_object_or_404(Whiteboard.objects.visible_to(request.user), pk=pk)
    seq = request.GET.get("seq")
    if seq is not None and not seq.isdigit():
        return HttpResponseBadRequest("seq is the number of an op: 0, 1, 2, ...")
    export = board_export(
        board=board, file_format=file_format, at_seq=None if seq is None else int(seq)
    )
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'inline; filename="{export.filename}"'
    return response
