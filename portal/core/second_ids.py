"""Admin URLs that name an object *and* one of its records must name a record of that object.

Wagtail's revision and workflow screens take two ids: the object (`pk` or `page_id`) and a
revision, workflow state or task state of it. Wagtail checks the user's rights on the object in
the URL but loads the second record by its id alone, so an object the user may review paired
with another centre's task state would act on the other centre's content. Every such URL is
held to one rule here: the second id must belong to the object in the URL, or the URL is a 404,
exactly like a missing object. Both admin guards (our viewsets and Wagtail's page views) call
`second_ids_belong`; `tests/core/test_two_id_routes.py` walks every admin route with two ids.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Revision, TaskState, WorkflowState

#: URL arguments naming a revision of the object; "live", "earliest" and "latest" name none.
REVISION_KWARGS = ("revision_id", "revision_id_a", "revision_id_b")
#: URL arguments naming a second record, and how to find the object it belongs to.
OWNED_RECORDS = {
    **{name: (Revision, "") for name in REVISION_KWARGS},
    "workflow_state_id": (WorkflowState, ""),
    "task_state_id": (TaskState, "workflow_state__"),
}
#: URL arguments that are ids but name nothing owned by one object: a task (a step of a
#: workflow, shared by every object that goes through it) or a page-privacy form.
UNOWNED_KWARGS = frozenset({"task_id", "action_name", "page_view_restriction_id"})


def base_content_type(model) -> ContentType:
    """The content type Wagtail files an object's revisions and workflow states under: that
    of the model's topmost concrete parent (Page, for every page type)."""
    parents = model._meta.get_parent_list()
    return ContentType.objects.get_for_model(parents[-1] if parents else model, False)


def second_ids_belong(model, object_pk, view_kwargs: Mapping) -> bool:
    """Does every revision, workflow state and task state the URL names belong to the object
    `model` / `object_pk`? True when the URL names none."""
    content_type = None
    for name, (record_model, to_state) in OWNED_RECORDS.items():
        value = view_kwargs.get(name)
        if value is None or not str(value).isdigit():
            continue
        content_type = content_type or base_content_type(model)
        owned = record_model.objects.filter(
            pk=int(value),
            **{
                f"{to_state}base_content_type": content_type,
                f"{to_state}object_id": str(object_pk),
            },
        )
        if not owned.exists():
            return False
    return True
