"""Every route that takes two ids holds them to belonging together (portal.core.second_ids).

The attack this replays: a Riverside admin posted Wagtail's workflow action URL with their own
homework's id and a Hillcrest task state's id; Wagtail checked the rights on the URL's object
and approved the other one (Hillcrest's homework went live and its families were e-mailed).

The generated test walks the whole URL conf: every route with two or more ids is either
requested with an own object and another centre's (or another object's) second id, expecting
404 and nothing changed, or is listed in UNOWNED_PAIRS with the reason its ids need not match.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.admin.models import EditingSession
from wagtail.models import Page, Revision, TaskState, WorkflowState

from portal.announcements.models import Announcement
from portal.centres.models import Centre
from portal.homework.models import Homework
from portal.submissions.models import SubmissionFile
from tests.api.matrix import handout

pytestmark = pytest.mark.django_db
ADMIN = "admin@riverside.example"

#: URL arguments that are not ids (names, formats, actions).
NOT_IDS = {
    "format",
    "action_name",
    "app_label",
    "model_name",
    "app_name",
    "content_type_app_name",
    "content_type_model_name",
    "filter_spec",
    "kind",
    "file_format",
    "token",
    "uidb64",
    "key",
    "action",
    "str",
}
#: Routes whose ids need not belong to each other, and why.
UNOWNED_PAIRS = {
    "wagtailadmin_pages:move_confirm": "both are pages, each checked against the user's centres",
    "wagtailadmin_pages:workflow_preview": "a task is a step of a workflow shared by all objects",
    "workflow_preview": "a task is a step of a workflow shared by all objects",
    "wagtailadmin_workflows:remove": "workflow settings are for platform admins only",
    "wagtailcore_authenticate_with_password": "a page-privacy password unlocks only its own "
    "restriction's pages, whichever page the form was on",
    "wagtailadmin_editing_sessions:ping": "the session is looked up with its user and object; "
    "the object is checked by the admin guard (test below)",
}


def _walk(resolver, prefix="", namespace="") -> Iterator[tuple[str, str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        else:
            name = ":".join(filter(None, [namespace, pattern.name or ""]))
            yield prefix + str(pattern.pattern), name, pattern


def id_kwargs(pattern: URLPattern) -> list[str]:
    return [name for name in pattern.pattern.regex.groupindex if name not in NOT_IDS]


def two_id_routes() -> list[tuple[str, str, list[str]]]:
    return [
        (route, name, id_kwargs(pattern))
        for route, name, pattern in _walk(get_resolver())
        if len(id_kwargs(pattern)) >= 2
    ]


def _in_review(model, centre: str):
    """The demo's item of `model` waiting for review at `centre`."""
    waiting = WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(model),
        status=WorkflowState.STATUS_IN_PROGRESS,
    ).values_list("object_id", flat=True)
    centre_path = model.objects.get_queryset().centre_path
    return model.objects.filter(pk__in=[int(pk) for pk in waiting]).get(
        **{f"{centre_path}__slug": centre}
    )


def _records_of(obj) -> dict[str, int]:
    """A revision, workflow state and task state of `obj`."""
    state = WorkflowState.objects.for_instance(obj).first()
    return {
        "revision": Revision.objects.for_instance(obj).first().pk,
        "workflow_state": state.pk,
        "task_state": TaskState.objects.filter(workflow_state=state).first().pk,
    }


def _content_pairs(model, kind: str) -> Callable[[], list[tuple[int, int]]]:
    """Own item paired with the same kind of record of another centre's item, and of another
    item of its own centre."""

    def build():
        own = _in_review(model, "riverside")
        other_centre = _in_review(model, "hillcrest")
        other_here = _in_review(Homework if model is Announcement else Announcement, "riverside")
        return [(own.pk, _records_of(other)[kind]) for other in (other_centre, other_here)]

    return build


def _page_pairs(kind: str) -> Callable[[], list[tuple[int, int]]]:
    """The centre's home page paired with another centre's page revision, or with a workflow
    or task state that is not the page's."""

    def build():
        own = Page.objects.get(slug="riverside")
        if kind == "revision":
            theirs = Revision.objects.for_instance(Page.objects.get(slug="hillcrest")).first()
            return [(own.pk, theirs.pk)]
        return [(own.pk, _records_of(_in_review(Homework, "hillcrest"))[kind])]

    return build


def _attachment_pairs():
    own = Homework.objects.get(school_class__centre__slug="riverside", title="Fractions practice")
    return [(own.pk, handout(Centre.objects.get(slug="hillcrest")).pk)]


def _submission_file_pairs():
    files = SubmissionFile.objects.filter(
        submission__homework__school_class__centre__slug="riverside"
    ).order_by("pk")
    first, second = files[0], files.exclude(submission=files[0].submission)[0]
    return [(first.submission_id, second.pk)]


def _cases() -> dict[str, Callable[[], list[tuple[int, int]]]]:
    """Route name → (own object id, a second id that is not that object's) pairs."""
    cases = {}
    for model, prefix in ((Homework, "homework"), (Announcement, "announcement")):
        base = f"wagtailsnippets_{model._meta.app_label}_{prefix}"
        cases[f"{base}:revisions_view"] = _content_pairs(model, "revision")
        cases[f"{base}:revisions_revert"] = _content_pairs(model, "revision")
        cases[f"{base}:revisions_unschedule"] = _content_pairs(model, "revision")
        cases[f"{base}:revisions_compare"] = _content_pairs(model, "revision")
        cases[f"{base}:workflow_action"] = _content_pairs(model, "task_state")
        cases[f"{base}:collect_workflow_action_data"] = _content_pairs(model, "task_state")
        cases[f"{base}:workflow_history_detail"] = _content_pairs(model, "workflow_state")
    for name in ("revisions_view", "revisions_revert", "revisions_unschedule", "revisions_compare"):
        cases[f"wagtailadmin_pages:{name}"] = _page_pairs("revision")
    for name in ("workflow_action", "collect_workflow_action_data"):
        cases[f"wagtailadmin_pages:{name}"] = _page_pairs("task_state")
    cases["wagtailadmin_pages:workflow_history_detail"] = _page_pairs("workflow_state")
    cases["homework:attachment"] = _attachment_pairs
    cases["member:submission_file"] = _submission_file_pairs
    return cases


CASES = _cases()
ROUTES = two_id_routes()


def test_every_two_id_route_is_checked_or_explained():
    names = {name for _route, name, _kwargs in ROUTES}
    unclassified = {
        name
        for name in names
        if name not in CASES
        and name.rsplit(":", 1)[-1] not in UNOWNED_PAIRS
        and name not in UNOWNED_PAIRS
    }
    assert unclassified == set(), (
        "add a case to CASES (or a reason to UNOWNED_PAIRS) for these routes"
    )
    assert len([name for name in names if name in CASES]) >= 16


def _url(route: str, kwargs: list[str], own: int, second: int) -> str:
    """The route with its first id argument set to `own` and the others to `second`."""
    from django.urls import reverse

    name = next(n for r, n, _k in ROUTES if r == route)
    values = {}
    for index, kwarg in enumerate(kwargs):
        values[kwarg] = own if index == 0 else second
    extra = {"action_name": "approve"} if "action_name" in route else {}
    return reverse(name, kwargs={**values, **extra})


@pytest.mark.parametrize(
    ("route", "name", "kwargs"),
    [r for r in ROUTES if r[1] in CASES],
    ids=[r[1] for r in ROUTES if r[1] in CASES],
)
def test_a_second_id_of_another_object_is_not_found(route, name, kwargs, client_for):
    for own, second in CASES[name]():
        if name == "member:submission_file":  # the student who handed the submission in
            client = client_for(
                SubmissionFile.objects.filter(submission_id=own)[0].submission.student.email
            )
        else:
            client = client_for(ADMIN)
        url = _url(route, kwargs, own, second)
        before = _snapshot()
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"comment": "approved"}).status_code == 404, url
        assert _snapshot() == before, url


def _snapshot() -> tuple:
    return (
        sorted(TaskState.objects.values_list("pk", "status")),
        sorted(Homework.objects.values_list("pk", "live")),
        sorted(Announcement.objects.values_list("pk", "live")),
    )


def test_approving_another_centres_homework_through_own_id_is_refused(client_for, person):
    """The replayed attack, end to end."""
    own = _in_review(Homework, "riverside")
    theirs = _in_review(Homework, "hillcrest")
    task_state = _records_of(theirs)["task_state"]
    url = f"/admin/snippets/homework/homework/workflow/action/{own.pk}/approve/{task_state}/"
    response = client_for(ADMIN).post(url, {"comment": ""})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert not theirs.live
    assert TaskState.objects.get(pk=task_state).status == TaskState.STATUS_IN_PROGRESS


def test_the_review_task_checks_the_reviewer_on_the_task_states_own_content(person):
    """Whatever screen calls it, the task re-checks rights on the content it acts on."""
    theirs = _in_review(Homework, "hillcrest")
    task_state = TaskState.objects.get(pk=_records_of(theirs)["task_state"]).specific
    with pytest.raises(PermissionDenied):
        task_state.task.specific.on_action(task_state, person(ADMIN), "approve")
    theirs.refresh_from_db()
    assert not theirs.live


def test_an_editing_session_ping_for_another_centres_object_is_not_found(client_for, person):
    """A ping would tell who else is editing another centre's homework."""
    theirs = _in_review(Homework, "hillcrest")
    session = EditingSession.objects.create(
        user=person(ADMIN),
        content_type=ContentType.objects.get_for_model(Homework),
        object_id=str(theirs.pk),
        last_seen_at=timezone.now(),
    )
    url = f"/admin/editing-sessions/ping/homework/homework/{theirs.pk}/{session.pk}/"
    assert client_for(ADMIN).post(url).status_code == 404
