"""Class whiteboards: an append-only log of drawing operations, with snapshots for fast joins."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.centres.scoping import CentreScopedQuerySet, role_filter


class BoardScopedQuerySet(CentreScopedQuerySet):
    """Boards and their logs are seen by the class's teachers, its enrolled students and the
    centre's admins; guardians follow homework, not live lessons, so they are left out."""

    centre_path = "school_class__centre"
    member_filter_is_single_valued = True
    #: Path from this model to its SchoolClass.
    class_path = "school_class"

    def member_filter(self, user) -> Q:
        from portal.classes.models import Enrollment, run_by_branches

        return role_filter(
            user,
            self.centre_path,
            **run_by_branches(user, to_class=self.class_path),
            student=lambda: Q(
                **{f"{self.class_path}__in": Enrollment.objects.current().own_classes(user)}
            ),
        )


class BoardLogQuerySet(BoardScopedQuerySet):
    centre_path = "board__school_class__centre"
    class_path = "board__school_class"


class Whiteboard(models.Model):
    """A drawing surface of one class: its default board, or one a teacher added."""

    school_class = models.ForeignKey(
        "classes.SchoolClass",
        on_delete=models.CASCADE,
        related_name="whiteboards",
        verbose_name="class",
    )
    title = models.CharField(max_length=120)
    is_default = models.BooleanField(default=False, editable=False)
    locked = models.BooleanField(
        default=False, help_text="Locked boards take drawing from teachers only."
    )
    #: The seq of the newest op; bumped under a row lock so seqs commit in order.
    last_seq = models.PositiveBigIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BoardScopedQuerySet.as_manager()
    #: Every op bumps `last_seq`; as an admin snippet the board would otherwise be re-indexed
    #: for Wagtail's usage reports on each of those saves, in the hot path of drawing.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["school_class__code", "-is_default", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class"],
                condition=Q(is_default=True),
                name="whiteboard_one_default_per_class",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.school_class.code})"

    @property
    def centre(self):
        return self.school_class.centre


class OpKind(models.TextChoices):
    STROKE = "stroke"
    ERASE = "erase"
    CLEAR = "clear"
    UNDO = "undo"
    REDO = "redo"
    LOCK = "lock"
    UNLOCK = "unlock"


class BoardOp(models.Model):
    """One operation on a board, numbered by the server; never changed once written."""

    board = models.ForeignKey(Whiteboard, on_delete=models.CASCADE, related_name="ops")
    seq = models.PositiveBigIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=OpKind.choices)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BoardLogQuerySet.as_manager()

    class Meta:
        ordering = ["board", "seq"]
        constraints = [models.UniqueConstraint(fields=["board", "seq"], name="boardop_unique_seq")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} on board {self.board_id}"

    def as_message(self) -> dict:
        """The op as the protocol sends it (docs/whiteboard-protocol.md)."""
        return {"seq": self.seq, "author": self.author_id, "type": self.kind, **self.payload}


class BoardSnapshot(models.Model):
    """The board's state as of `seq`, so a join reads one row plus the ops after it."""

    board = models.ForeignKey(Whiteboard, on_delete=models.CASCADE, related_name="snapshots")
    seq = models.PositiveBigIntegerField()
    state = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BoardLogQuerySet.as_manager()

    class Meta:
        ordering = ["board", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["board", "seq"], name="boardsnapshot_unique_seq")
        ]

    def __str__(self) -> str:
        return f"board {self.board_id} at #{self.seq}"
