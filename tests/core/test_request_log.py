"""One structured log line per request, carrying the request id nginx sent (or a new one)."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from portal.core.requestlog import JsonFormatter, RequestIdFilter, RequestLogMiddleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_lines():
    """JSON lines of the `portal.requests` logger, formatted as production writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("portal.requests")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_logs_method_path_status_duration_and_the_id_from_nginx(client, request_lines):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="nginx-4f2a9c")
    assert response["X-Request-ID"] == "nginx-4f2a9c"
    (line,) = request_lines()
    assert line["request_id"] == "nginx-4f2a9c"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] is None and line["level"] == "INFO"


def test_makes_an_id_when_none_or_a_malformed_one_arrives(client, request_lines):
    plain = client.get("/healthz")
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="x\nfake log line")
    for response in (plain, forged):
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert plain["X-Request-ID"] != forged["X-Request-ID"]
    assert [line["request_id"] for line in request_lines()] == [
        plain["X-Request-ID"],
        forged["X-Request-ID"],
    ]


def test_names_the_signed_in_user_and_the_status_of_errors(client_for, person, request_lines):
    teacher = person("teacher1@riverside.example")
    client = client_for(teacher.email)
    client.get("/my/")
    client.get("/admin/no-such-screen/")
    first, second = request_lines()
    assert first["user_id"] == teacher.pk and first["path"] == "/my/"
    assert second["status"] == 404


def test_every_log_line_of_the_request_carries_its_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(request_id)s %(message)s"))
    inner = logging.getLogger("portal.tests.inner")
    inner.addHandler(handler)
    inner.setLevel(logging.INFO)

    def view(request):
        inner.info("inside the view")
        return HttpResponse("ok")

    try:
        RequestLogMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="abc-123"))
        inner.info("after the request")
    finally:
        inner.removeHandler(handler)
    assert stream.getvalue().splitlines() == ["abc-123 inside the view", "- after the request"]


@pytest.mark.parametrize(
    ("proxies", "address"),
    [(0, "192.0.2.10"), (1, "203.0.113.9")],
)
def test_logs_the_clients_address_not_a_forged_one(
    settings, client, request_lines, proxies, address
):
    settings.TRUSTED_PROXY_COUNT = proxies
    # Reached directly, the peer is the client; behind nginx, the address nginx wrote last.
    client.get(
        "/healthz", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9"
    )
    (line,) = request_lines()
    assert line["client"] == address
