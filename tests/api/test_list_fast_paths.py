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


@pytest.mark.parametrize("page_size", [1, 2, 100])
def test_page_counts_are_right_whether_or_not_the_first_page_is_full(page_size, api_for):
    client = api_for("admin@riverside.example")
    everything = client.get("/api/v1/classes/", {"page_size": 100}).json()
    assert everything["count"] == len(everything["results"]) > 2, "the control needs rows"
    first = client.get("/api/v1/classes/", {"page_size": page_size}).json()
    assert first["count"] == everything["count"]
    assert (first["next"] is None) == (page_size >= everything["count"])
