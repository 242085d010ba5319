"""Every list endpoint runs the same number of queries for one item and for many."""

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


@pytest.mark.parametrize(("operation_id", "path"), LISTS, ids=[op for op, _ in LISTS])
def test_query_count_does_not_grow_with_the_page(operation_id, path, api_for):
    client = api_for(READER.get(operation_id, "admin@example.com"))

    def count(page_size: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, {"page_size": page_size})
        assert response.status_code == 200
        return len(queries), len(response.json()["results"])

    one, rows_one = count(1)
    many, rows_many = count(50)
    assert rows_one == 1 and rows_many > 1, "the control needs more than one row"
    assert many == one, f"{operation_id}: {one} queries for 1 row, {many} for {rows_many}"
