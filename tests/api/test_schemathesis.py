"""Property-based checks of the API against its own OpenAPI schema, for three roles.

Schemathesis' checks run, negative data included: a request the schema calls invalid must be
refused with a 4xx, no request may fail with a 5xx, every answer must be one the schema
documents, and a missing or forged token must be refused. Left out is `positive_data_acceptance`
only: it wants a 2xx for any schema-valid body, and business rules rightly refuse some (a centre
you do not manage).

The centre admin is the one role whose requests reach validation and the services on every
operation, so most of the time budget goes there: the coverage phase (each field missing, of
each wrong type, at and past its limits; each method the path does not take) and
`ADMIN_EXAMPLES` generated cases per operation. A teacher and a parent, refused earlier on most
writes, get the schema's examples and `READER_EXAMPLES` generated cases. Each case runs in a
savepoint that is rolled back, so every case meets the same demo data.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from portal.accounts.models import User

#: Generated cases per operation; with the admin's coverage phase these keep the module near
#: three minutes on a two-core machine.
ADMIN_EXAMPLES = 25
READER_EXAMPLES = 10
CENTRE_ADMIN = "admin@riverside.example"
READERS = ("teacher1@riverside.example", "parent1@riverside.example")
EXCLUDED_CHECKS = [positive_data_acceptance]
#: Operations whose refusal of a missing or forged token is confirmed: as in schemathesis' own
#: runner, once per operation is enough (each confirmation costs three more requests).
AUTH_CONFIRMED: set[str] = set()


def generating(max_examples: int) -> settings:
    """No shrinking: a failure is reported as generated (with a curl line to replay it), and a
    failing run stays within the time budget."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


#: The schema as the API serves it, generated in-process (serving it needs the database).
DOCUMENT = OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True))


def load_schema(*phases: str):
    """The API's schema, run through the given schemathesis phases against the app itself."""
    loaded = schemathesis.openapi.from_dict(json.loads(DOCUMENT))
    loaded.config.phases.update(phases=list(phases))
    loaded.app = get_wsgi_application()
    return loaded


as_admin = load_schema("examples", "coverage", "fuzzing")
as_reader = load_schema("examples", "fuzzing")


@pytest.fixture
def keep_test_connection():
    """Like Django's test client: requests must not close the test's database connection."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def bearer(email: str) -> dict[str, str]:
    token = RefreshToken.for_user(User.objects.get(email=email)).access_token
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def admin_headers(db) -> dict[str, str]:
    return bearer(CENTRE_ADMIN)


@pytest.fixture(params=READERS, ids=lambda email: email.split("@")[0])
def reader_headers(request, db) -> dict[str, str]:
    return bearer(request.param)


def call_and_validate(case, headers: dict[str, str]) -> None:
    """One case, on the demo data as seeded: whatever it changes is rolled back."""
    if case.path.startswith("/api/v1/auth/"):
        headers = {}  # signing in and out takes no access token
    label = case.operation.label
    excluded = [*EXCLUDED_CHECKS, ignored_auth] if label in AUTH_CONFIRMED else EXCLUDED_CHECKS
    with transaction.atomic():
        response = case.call_and_validate(headers=headers, excluded_checks=excluded)
        transaction.set_rollback(True)
    if response.status_code < 300 and case.meta and not case.meta.generation.mode.is_negative:
        AUTH_CONFIRMED.add(label)  # ignored_auth probed this 2xx answer without the token


@pytest.mark.django_db
@as_admin.parametrize()
@generating(ADMIN_EXAMPLES)
def test_api_honours_its_schema_as_centre_admin(case, admin_headers, keep_test_connection):
    call_and_validate(case, admin_headers)


@pytest.mark.django_db
@as_reader.parametrize()
@generating(READER_EXAMPLES)
def test_api_honours_its_schema_as_teacher_and_parent(case, reader_headers, keep_test_connection):
    call_and_validate(case, reader_headers)
