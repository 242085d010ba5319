"""Writes for reviewed content (homework, announcements) outside the Wagtail editor: the API
uses these, and they follow the same rules as the editor (portal.publishing.models)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.models import WorkflowState

from portal.accounts.models import User
from portal.publishing.models import CentreContent, user_may_publish


def _ensure_editable(*, item: CentreContent, by: User) -> None:
    if not type(item).objects.editable_by(by).filter(pk=item.pk).exists():
        raise PermissionDenied("You may not change this.")


@transaction.atomic
def content_save_draft(*, item: CentreContent, by: User) -> CentreContent:
    """Save changes as a new draft revision; a live item stays as published until published."""
    item.full_clean()
    if item.pk is None:
        item.created_by = by
        item.live = False
        item.save()
    else:
        _ensure_editable(item=item, by=by)
    item.save_revision(user=by)
    return item


@transaction.atomic
def content_submit_for_review(*, item: CentreContent, by: User) -> CentreContent:
    _ensure_editable(item=item, by=by)
    state = item.current_workflow_state
    if state and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(by)
    elif state:
        raise ValidationError("This is already waiting for review.")
    else:
        workflow = item.get_workflow()
        if workflow is None:
            raise ValidationError("No review workflow applies to this.")
        if item.latest_revision is None:
            item.save_revision(user=by)
        workflow.start(item, by)
    return item


@transaction.atomic
def content_review(*, item: CentreContent, by: User, approve: bool, comment: str = "") -> None:
    """Approve (and publish) or request changes, as the centre's reviewer."""
    task_state = item.current_workflow_task_state
    if task_state is None:
        raise ValidationError("This is not waiting for review.")
    task = task_state.task.specific
    action = "approve" if approve else "reject"
    if action not in {name for name, _label, _modal in task.get_actions(item, by)}:
        raise PermissionDenied("Only the centre's admins review this.")
    task.on_action(task_state, by, action, comment=comment)


@transaction.atomic
def content_publish(*, item: CentreContent, by: User) -> CentreContent:
    if not user_may_publish(by, item):
        raise PermissionDenied("Submit this for review: you may not publish it yourself.")
    revision = item.latest_revision or item.save_revision(user=by)
    revision.publish(user=by)
    item.refresh_from_db()
    return item


@transaction.atomic
def content_unpublish(*, item: CentreContent, by: User) -> CentreContent:
    if not user_may_publish(by, item):
        raise PermissionDenied("Only those who may publish this may withdraw it.")
    if not item.live:
        raise ValidationError("This is not published.")
    item.unpublish(user=by)
    return item
