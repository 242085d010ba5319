"""The admin's whiteboard listing, and the demo boards it lists."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.centres.models import Centre
from portal.whiteboard.demo import DEMO_STROKES, DEMO_TITLE, seed_whiteboards
from portal.whiteboard.export import board_svg
from portal.whiteboard.models import BoardOp, Whiteboard
from portal.whiteboard.selectors import board_state

pytestmark = pytest.mark.django_db


def test_every_class_has_a_demo_board_with_strokes_and_seeding_again_changes_nothing():
    boards = Whiteboard.objects.filter(title=DEMO_TITLE)
    assert boards.count() == 6  # three classes in each of two centres
    before = BoardOp.objects.count()
    for centre in Centre.objects.all():
        seed_whiteboards(centre)
    assert boards.count() == 6 and BoardOp.objects.count() == before
    board = boards.first()
    assert board_svg(board_state(board=board)).count("<path") == len(DEMO_STROKES)


def test_the_listing_shows_class_ops_lock_and_a_link_to_the_board(client_for, riverside):
    board = Whiteboard.objects.filter(title=DEMO_TITLE, school_class__centre=riverside).first()
    response = client_for("admin@riverside.example").get(
        reverse("wagtailsnippets_whiteboard_whiteboard:list")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert board.school_class.code in html
    assert reverse("whiteboard:board", args=[board.pk]) in html
    row = next(r for r in response.context["object_list"] if r.pk == board.pk)
    assert row.last_seq == len(DEMO_STROKES)
