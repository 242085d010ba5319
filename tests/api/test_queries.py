"""Every list endpoint runs the same number of queries for one item and for many.

The page's COUNT(*) is left out of the comparison: a first page that holds every row needs none
(`portal.api.pagination.FirstPageCountingPaginator`), so a full page of one row may cost one more.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.test_role_matrix import OPERATIONS

pytestmark = pytest.mark.django_db
LISTS = [(op, path) for op, method, path in OPERATIONS if method == "GET" and op.endswith("_list")]
# Whoever sees the most rows of each list.
READER = {
    "children_list": "parent1@riverside.example",
    "notices_list": "student1@riverside.example",
    "notification_preferences_list": "parent1@riverside.example",
}


def job_runs() -> None:
    """The demo has no runs yet (jobs run at 9:00 and on Sundays): record a few."""
    import datetime as dt

    from django.utils import timezone

    from portal.centres.models import Centre
    from portal.schedules.models import Job, JobRun

    for centre in Centre.objects.all():
        for days in range(3):
            JobRun.objects.create(
                job=Job.REMINDERS,
                centre=centre,
                period=timezone.localdate() - dt.timedelta(days=days),
                started_at=timezone.now(),
            )


#: Lists whose demo data has no rows: what makes some first.
ROWS = {"job_runs_list": job_runs}


@pytest.mark.parametrize(("operation_id", "path"), LISTS, ids=[op for op, _ in LISTS])
def test_query_count_does_not_grow_with_the_page(operation_id, path, api_for):
    ROWS.get(operation_id, lambda: None)()
    client = api_for(READER.get(operation_id, "admin@example.com"))

    def count(page_size: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, {"page_size": page_size})
        assert response.status_code == 200
        counted = [q for q in queries if not q["sql"].startswith("SELECT COUNT(*)")]
        return len(counted), len(response.json()["results"])

    one, rows_one = count(1)
    many, rows_many = count(50)
    assert rows_one == 1 and rows_many > 1, "the control needs more than one row"
    assert many == one, f"{operation_id}: {one} queries for 1 row, {many} for {rows_many}"
