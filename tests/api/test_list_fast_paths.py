"""Lists read with values() give exactly what their serializers give for the same objects."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("guardian", ["parent1@riverside.example", "parent2@riverside.example"])
def test_each_child_row_is_the_child_as_retrieved(guardian, api_for):
    client = api_for(guardian)
    rows = client.get("/api/v1/children/").json()["results"]
    assert rows and any(row["classes"] for row in rows), "the control needs classes"
    for row in rows:
        assert row == client.get(f"/api/v1/children/{row['id']}/").json()
