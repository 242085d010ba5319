"""What homework and announcements share: drafts, revisions, locking, preview, the review
workflow, and who may publish them.

Publishing rights follow the centre: centre admins publish; a teacher publishes directly only
where their membership says `publishes_directly`; everyone else submits for review, and the
centre's admins approve or request changes (`CentreReviewTask`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    Task,
    TaskState,
    WorkflowMixin,
)

from portal.centres.models import Membership
from portal.centres.scoping import Role, centre_ids_where


def centres_where_user_publishes(user) -> list[int]:
    """Centres whose content this user may publish without review."""
    trusted = Membership.objects.filter(
        user=user, role=Role.TEACHER, is_active=True, publishes_directly=True
    ).values_list("centre_id", flat=True)
    return sorted(set(centre_ids_where(user, Role.ADMIN)) | set(trusted))


def user_may_publish(user, obj=None) -> bool:
    """May `user` publish `obj` (or, without an object, anything at all) directly?"""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    centres = centres_where_user_publishes(user)
    if obj is None:
        return bool(centres)
    if obj.centre_id_for_publishing() not in centres:
        return False
    # A trusted teacher publishes only what they may edit (their own classes' homework).
    return obj.pk is None or type(obj).objects.editable_by(user).filter(pk=obj.pk).exists()


def annotate_review_state(queryset):
    """`in_review` (a workflow is running) and `scheduled` (an approved go-live time waits),
    as subqueries: what Wagtail's `workflow_in_progress`/`status_string` ask per object."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Exists, OuterRef
    from django.db.models.functions import Cast
    from wagtail.models import Revision, WorkflowState

    content_type = ContentType.objects.get_for_model(queryset.model)
    object_id = Cast(OuterRef("pk"), output_field=models.CharField())
    return queryset.annotate(
        in_review=Exists(
            WorkflowState.objects.filter(
                base_content_type=content_type,
                object_id=object_id,
                status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES],
            )
        ),
        scheduled=Exists(
            Revision.objects.filter(
                base_content_type=content_type,
                object_id=object_id,
                approved_go_live_at__isnull=False,
            )
        ),
    )


def review_status(item) -> str:
    """What a list shows: live, scheduled, in review or draft (needs `annotate_review_state`)."""
    if item.live:
        return "live"
    if item.scheduled:
        return "scheduled"
    if item.in_review:
        return "in review"
    return "draft"


class CentreContent(
    WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, PreviewableMixin, ClusterableModel
):
    """Base of reviewed, schedulable content that belongs to one centre."""

    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Bumped when an editor ticks "notify again": recipients already told about an earlier
    # generation are told once more, and only once (see portal.notifications).
    notify_generation = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    #: Member-site page of one item (a URL name taking its pk), which previews also render.
    member_url_name: str = ""
    member_template: str = ""

    def centre_id_for_publishing(self) -> int | None:
        raise NotImplementedError

    def get_preview_template(self, request, mode_name):
        return self.member_template

    def get_preview_context(self, request, mode_name):
        # The member template names the item after its kind: {{ homework }}, {{ announcement }}.
        return {**super().get_preview_context(request, mode_name), self._meta.model_name: self}

    def get_member_url(self) -> str:
        from django.urls import reverse

        return reverse(self.member_url_name, args=[self.pk])


class CentreReviewTask(Task):
    """Approval by the admins of the content's own centre (never another centre's)."""

    def _reviews(self, obj, user) -> bool:
        if user.is_superuser:
            return True
        centre_id = obj.centre_id_for_publishing()
        return centre_id in centre_ids_where(user, Role.ADMIN)

    def user_can_access_editor(self, obj, user):
        return self._reviews(obj, user)

    def locked_for_user(self, obj, user):
        return not self._reviews(obj, user)

    def user_can_lock(self, obj, user):
        return self._reviews(obj, user)

    def user_can_unlock(self, obj, user):
        return False

    def on_action(self, task_state, user, action_name, **kwargs):
        """Check the reviewer against the task state's *own* content before acting: the screen
        that called this checked the object in its URL, which need not be this one."""
        content = task_state.workflow_state.content_object
        if content is None or not self._reviews(content, user):
            raise PermissionDenied("Only the admins of the content's own centre review it.")
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_actions(self, obj, user):
        if self._reviews(obj, user):
            return [
                ("reject", _("Request changes"), True),
                ("approve", _("Approve"), False),
                ("approve", _("Approve with comment"), True),
            ]
        return []

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        if user.is_superuser:
            return states
        from portal.publishing.registry import object_ids_reviewable_by

        reviewable = models.Q(pk__in=[])
        for content_type_id, object_ids in object_ids_reviewable_by(user).items():
            reviewable |= models.Q(
                workflow_state__base_content_type_id=content_type_id,
                workflow_state__object_id__in=[str(pk) for pk in object_ids],
            )
        return states.filter(reviewable)

    @classmethod
    def get_description(cls):
        return _("The admins of the centre the content belongs to approve it")

    class Meta:
        verbose_name = _("Centre admin review")
        verbose_name_plural = _("Centre admin reviews")
