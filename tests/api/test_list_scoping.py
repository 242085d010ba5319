"""Every API list, read to its last page by every Riverside role, after a marker was written
into all of Hillcrest's text: no Hillcrest row, id or word appears. The lists come from the
schema and the URL conf, so a list added later is read here without touching this file."""

from __future__ import annotations

import pytest

from tests.api.matrix import CALLERS
from tests.isolation_http import (
    FOREIGN_MARKER,
    OWN_MARKER,
    RIVERSIDE_ROLES,
    Addressed,
    addressed_to,
    api_items,
    api_list_endpoints,
    api_pages,
    callers_by_role,
    centre_scoped_models,
    excerpt,
    ids_at,
    plant_marker,
    related_ids_in,
    routed_api_lists,
    rows_of,
    shows,
    text_columns,
)

pytestmark = pytest.mark.django_db
ENDPOINTS = api_list_endpoints()
#: Fewer lists than this means discovery broke, not that the API shrank.
AT_LEAST = 15


def test_discovery_finds_every_list():
    paths = {endpoint.path for endpoint in ENDPOINTS}
    assert len(paths) >= AT_LEAST, f"only {sorted(paths)}"
    assert routed_api_lists() - paths == set(), "routed lists the schema does not show"


@pytest.fixture
def callers(db):
    return callers_by_role()


@pytest.fixture
def clients(api_for, callers):
    """A client per role, signed in before the marking renames people."""
    return {role: api_for(CALLERS[role]) for role in callers}


@pytest.fixture
def marked(clients, riverside, hillcrest):
    return plant_marker(hillcrest, FOREIGN_MARKER), plant_marker(riverside, OWN_MARKER)


class Ids:
    """Ids of a centre's rows per model, read once per test."""

    def __init__(self, centre):
        self.centre = centre
        self.cache: dict = {}

    def __call__(self, model) -> set:
        if model not in self.cache:
            self.cache[model] = ids_at(model, self.centre)
        return self.cache[model]


def leaks_in(endpoint, responses, hillcrest_ids: Ids, addressed: Addressed) -> list[str]:
    """Hillcrest's marker, rows and references in a list, besides what is addressed to the
    reader (an invitation to join Hillcrest)."""
    found = [
        f"{endpoint}: {response.request['QUERY_STRING'] or 'page 1'} shows the marker: "
        f"…{excerpt(response, FOREIGN_MARKER, addressed)}…"
        for response in responses
        if shows(response, FOREIGN_MARKER, addressed)
    ]
    model = endpoint.model
    for item in api_items(responses):
        pk = item.get("id")
        if pk in hillcrest_ids(model) and (model, pk) not in addressed.rows:
            found.append(f"{endpoint}: lists Hillcrest's {model.__name__} {pk}")
        for key, related, related_pk in related_ids_in(item, model):
            if related_pk in hillcrest_ids(related) and (related, related_pk) not in addressed.rows:
                found.append(f"{endpoint}: row {pk} has Hillcrest's {key}={related_pk}")
    return found


def test_the_marker_reaches_every_centre_owned_model_with_text(marked, hillcrest):
    foreign, _own = marked
    unmarked = [
        model._meta.label
        for model in centre_scoped_models()
        if text_columns(model)
        and rows_of(model, hillcrest).exists()
        and model._meta.label not in foreign.values
    ]
    assert unmarked == []
    assert foreign.values["accounts.User"] > 0, "no Hillcrest-only people were marked"
    assert foreign.values["wagtail content"] > 0, "no Hillcrest pages or files were marked"


@pytest.mark.parametrize("role", RIVERSIDE_ROLES)
def test_lists_show_nothing_of_the_other_centre(
    role, callers, clients, marked, riverside, hillcrest
):
    client = clients[role]
    hillcrest_ids, riverside_ids = Ids(hillcrest), Ids(riverside)
    addressed = addressed_to(callers[role], hillcrest)
    leaks, with_own_rows, with_own_marker = [], [], []
    for endpoint in ENDPOINTS:
        responses = api_pages(client, endpoint.path)
        statuses = {response.status_code for response in responses}
        assert statuses <= {200, 403}, f"{endpoint} as {role}: {statuses}"
        leaks += leaks_in(endpoint, responses, hillcrest_ids, addressed)
        listed = {item.get("id") for item in api_items(responses)}
        if listed & riverside_ids(endpoint.model):
            with_own_rows.append(endpoint.operation_id)
        if any(shows(response, OWN_MARKER) for response in responses):
            with_own_marker.append(endpoint.operation_id)
    assert leaks == [], "\n".join(leaks)
    # The control: the lists work at all for this role, and its own centre's text shows.
    assert len(with_own_rows) >= 3, f"{role} listed Riverside rows only in {with_own_rows}"
    assert len(with_own_marker) >= 3, f"{role} saw Riverside text only in {with_own_marker}"


def test_platform_admin_sees_the_marker_and_both_centres(clients, marked, hillcrest):
    """The positive control: the marker is planted where lists read it, and the checks
    recognise Hillcrest's rows when they are listed."""
    client = clients["platform"]
    hillcrest_ids = Ids(hillcrest)
    expected, with_marker, with_hillcrest_rows = set(), set(), set()
    for endpoint in ENDPOINTS:
        responses = api_pages(client, endpoint.path)
        assert {response.status_code for response in responses} == {200}, endpoint
        if hillcrest_ids(endpoint.model):
            expected.add(endpoint.operation_id)
        if any(shows(response, FOREIGN_MARKER) for response in responses):
            with_marker.add(endpoint.operation_id)
        if {item.get("id") for item in api_items(responses)} & hillcrest_ids(endpoint.model):
            with_hillcrest_rows.add(endpoint.operation_id)
    # Only the lists of the caller's own children and preferences may be empty for them.
    assert len(expected) >= AT_LEAST - 2, f"demo data has Hillcrest rows for only {expected}"
    assert len(expected - with_marker) <= 2, sorted(expected - with_marker)
    assert len(expected - with_hillcrest_rows) <= 2, sorted(expected - with_hillcrest_rows)
