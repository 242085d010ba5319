"""Driving the homework editor the way the Wagtail admin's forms post."""

from __future__ import annotations

from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

HOMEWORK = "wagtailsnippets_homework_homework"


def url(name: str, *args) -> str:
    return reverse(f"{HOMEWORK}:{name}", args=args)


def homework_form(school_class, **overrides) -> dict:
    data = {
        "school_class": school_class.pk,
        "title": "Reading log",
        "instructions": rich_text("<p>Read chapter 3 and note five new words.</p>"),
        "set_on": "2026-11-30",
        "due_at": "2026-12-04 09:00",
        "max_points": "10",
        "late_policy": "flag",
        "attachments": inline_formset([]),
        "go_live_at": "",
        "expire_at": "",
    }
    data.update(overrides)
    return nested_form_data(data)


def form_errors(response) -> dict:
    form = response.context["form"]
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def workflow_action(client, homework, action: str, comment: str = ""):
    homework.refresh_from_db()
    task_state = homework.current_workflow_task_state
    return client.post(
        url("workflow_action", homework.pk, action, task_state.pk),
        {"comment": comment} if comment else {},
    )
