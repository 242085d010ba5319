"""Helpers for browser tests of the member site: signing in, axe-core checks, test homework."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


def member_sign_in(page, base_url: str, email: str, password: str = "portal-demo") -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/my/")


def serious_accessibility_problems(page) -> list[str]:
    """axe-core's serious and critical violations on the page, as "rule: target" lines."""
    assert AXE.is_file(), f"{AXE} is missing: `make test` installs it with npm ci"
    # Evaluated through DevTools: a <script> tag would be refused by the page's CSP.
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']}: {node['target']}"
        for violation in result["violations"]
        if violation["impact"] in SERIOUS
        for node in violation["nodes"]
    ]


def live_homework(title: str, *, code: str = "7M1"):
    """Committed live homework at Riverside, due in three days (other processes see it)."""
    from portal.classes.models import SchoolClass
    from portal.homework.models import Homework

    return Homework.objects.create(
        school_class=SchoolClass.objects.get(centre__slug="riverside", code=code),
        title=title,
        instructions="<p>Show your working for every question.</p>",
        due_at=timezone.now() + dt.timedelta(days=3),
        max_points=20,
        live=True,
    )


def remove_homework(homework) -> None:
    """Delete test homework with its submissions' files and the notices about them."""
    from portal.notifications.models import Notice
    from portal.submissions.models import Submission, SubmissionFile

    submissions = Submission.objects.filter(homework=homework)
    for handed_in in SubmissionFile.objects.filter(submission__in=submissions):
        handed_in.file.delete(save=False)
    Notice.objects.filter(
        content_type=ContentType.objects.get_for_model(Submission),
        object_id__in=list(submissions.values_list("pk", flat=True)),
    ).delete()
    homework.delete()
