"""Every operation in the OpenAPI schema, for every role, against both centres' objects."""

from __future__ import annotations

import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from portal.centres.models import Centre
from tests.api.matrix import CALLERS, MATRIX, ROLES

pytestmark = pytest.mark.django_db


def schema_operations() -> list[tuple[str, str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (operation["operationId"], method.upper(), path)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


OPERATIONS = schema_operations()
CASES = [
    (operation_id, method, path, role, scope)
    for operation_id, method, path in OPERATIONS
    for role in ROLES
    for scope in ("own", "other")
    if operation_id in MATRIX and (scope == "own" or MATRIX[operation_id].other is not None)
]


def test_every_operation_has_a_matrix_entry():
    operations = {operation_id for operation_id, _, _ in OPERATIONS}
    assert operations - set(MATRIX) == set(), "add these operations to tests/api/matrix.py"
    assert set(MATRIX) - operations == set(), "these matrix entries name no operation"
    assert len(operations) >= 30


@pytest.mark.parametrize(
    ("operation_id", "method", "path", "role", "scope"),
    CASES,
    ids=[f"{c[0]}-{c[3]}-{c[4]}" for c in CASES],
)
def test_access(operation_id, method, path, role, scope, api_for):
    entry = MATRIX[operation_id]
    centre = Centre.objects.get(slug="riverside" if scope == "own" else "hillcrest")
    expected = (entry.own if scope == "own" else entry.other)[role]
    if entry.target is not None:
        path = path.replace("{id}", str(entry.target(centre).pk))
    assert "{" not in path, f"no target for {path}"
    body = entry.body(centre) if entry.body else None
    client = api_for(CALLERS[role])
    if entry.multipart:
        response = client.post(path, body, format="multipart")
    else:
        response = client.generic(
            method,
            path,
            data="" if body is None else json.dumps(body),
            content_type="application/json",
        )
    assert response.status_code == expected, (
        f"{method} {path} as {role}: {response.status_code} {getattr(response, 'data', '')}"
    )
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"status", "code", "message"}
