"""Writes to whiteboards. Every op goes through `board_op_append`, which numbers it under a
row lock on the board: seqs are strictly increasing and commit in order, across processes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from wagtail.documents import get_document_model
from wagtail.documents.models import AbstractDocument

from portal.accounts.models import User
from portal.classes.models import SchoolClass
from portal.homework.models import Homework, HomeworkAttachment
from portal.publishing.services import content_save_draft
from portal.whiteboard import protocol
from portal.whiteboard.models import BoardOp, BoardSnapshot, OpKind, Whiteboard
from portal.whiteboard.selectors import board_export, board_role, board_state
from portal.whiteboard.state import redo_target, undo_target

#: A snapshot is written with every this many ops, so a join folds at most this many.
SNAPSHOT_EVERY = 200
TEACHER_ONLY = frozenset({OpKind.CLEAR, OpKind.LOCK, OpKind.UNLOCK})
LOCKING = {OpKind.LOCK: True, OpKind.UNLOCK: False}


class BoardRefusal(PermissionDenied):
    """A visible board refused this person's op; `code` is what the error frame names."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def whiteboard_for_class(*, school_class: SchoolClass) -> Whiteboard:
    """The class's default board, made the first time anyone opens it."""
    board, _ = Whiteboard.objects.get_or_create(
        school_class=school_class,
        is_default=True,
        defaults={"title": f"{school_class.code} whiteboard"},
    )
    return board


def whiteboard_create(*, school_class: SchoolClass, title: str, by: User) -> Whiteboard:
    """An extra board for a lesson, made by one of the class's teachers or a centre admin."""
    visible = SchoolClass.objects.visible_to(by).filter(pk=school_class.pk).exists()
    if not visible:
        raise PermissionDenied("You do not run this class.")
    board = Whiteboard(school_class=school_class, title=title, created_by=by)
    if board_role(board=board, user=by) != "teacher":
        raise PermissionDenied("Only the class's teachers may add boards.")
    board.full_clean()
    board.save()
    return board


def board_op_append(
    *, board: Whiteboard, author: User, kind: str, message: dict, role: str | None = None
) -> BoardOp:
    """Check and store one op from `author`; the returned op carries its seq. A live connection
    passes the `role` it was given when it joined rather than asking again for every stroke."""
    payload = _clean(kind, message)
    role = role or board_role(board=board, user=author)
    if kind in TEACHER_ONLY and role != "teacher":
        raise BoardRefusal("teachers_only", f"Only teachers may {kind} the board.")
    with transaction.atomic():
        seq = _claim_seq(board, lock=LOCKING.get(kind), teacher=role == "teacher")
        if kind in (OpKind.UNDO, OpKind.REDO):
            payload = {"target": _target(board, author, kind, payload, role)}
        op = BoardOp.objects.create(board=board, seq=seq, author=author, kind=kind, payload=payload)
        if op.seq % SNAPSHOT_EVERY == 0:
            snapshot = board_state(board=board)
            BoardSnapshot.objects.create(board=board, seq=snapshot["seq"], state=snapshot)
    return op


def _claim_seq(board: Whiteboard, *, lock: bool | None, teacher: bool) -> int:
    """The board's next seq, taken with one `UPDATE … RETURNING` (the row stays locked until
    the op is stored, so seqs commit in order) rather than a locked read and a save: this runs
    for every stroke. `lock` sets or clears the lock; a locked board refuses students."""
    table = connection.ops.quote_name(Whiteboard._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_seq = last_seq + 1, "
            "locked = COALESCE(CAST(%s AS boolean), locked) "
            "WHERE id = %s AND (%s OR NOT locked) RETURNING last_seq",
            [lock, board.pk, teacher],
        )
        claimed = cursor.fetchone()
    if claimed is None:
        Whiteboard.objects.get(pk=board.pk)  # gone: DoesNotExist, as for any lookup
        raise BoardRefusal("board_locked", "The teacher has locked the board.")
    return claimed[0]


def whiteboard_attach_export(
    *, board: Whiteboard, homework: Homework, by: User
) -> AbstractDocument:
    """Store the board as it is now as a PNG document in the centre's collection and attach it
    to the homework. The attachment is a draft change, like any edit of reviewed homework: it
    reaches students when the homework is (re)published."""
    if board.school_class.centre_id != homework.school_class.centre_id:
        raise ValidationError("The board and the homework belong to different centres.")
    if not Whiteboard.objects.visible_to(by).filter(pk=board.pk).exists():
        raise PermissionDenied("You cannot see this board.")
    if not Homework.objects.editable_by(by).filter(pk=homework.pk).exists():
        raise PermissionDenied("Only the class's teachers and the centre's admins may do this.")
    export = board_export(board=board, file_format="png")
    with transaction.atomic():
        document = get_document_model()(
            title=f"{board.title} ({export.filename})",
            collection=homework.school_class.centre.collection,
            uploaded_by_user=by,
        )
        document.file.save(export.filename, ContentFile(export.content), save=False)
        document._set_document_file_metadata()  # size and hash, as Wagtail's upload form does
        document.save()
        draft = homework.get_latest_revision_as_object()
        draft.attachments.add(HomeworkAttachment(document=document))
        content_save_draft(item=draft, by=by)
    return document


def _clean(kind: str, message: dict) -> dict:
    if kind == OpKind.STROKE:
        return protocol.clean_stroke(message)
    if kind == OpKind.ERASE:
        return protocol.clean_erase(message)
    if kind in (OpKind.UNDO, OpKind.REDO):
        return {"seq": protocol.clean_target(message)}
    if kind in OpKind.values:
        return {}
    raise ValidationError(f"Unknown op type {kind!r}.", code="unknown_type")


def _target(board: Whiteboard, author: User, kind: str, payload: dict, role: str) -> int:
    pick = undo_target if kind == OpKind.UNDO else redo_target
    target = pick(
        board_state(board=board),
        author=author.pk,
        seq=payload["seq"],
        any_author=role == "teacher",
    )
    if target is None:
        raise ValidationError(f"There is nothing of yours to {kind}.", code=f"nothing_to_{kind}")
    return target
