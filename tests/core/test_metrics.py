"""/metrics: django-prometheus counters, for the monitoring network only."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.django_db


def scrape(client, address: str = "127.0.0.1"):
    return client.get("/metrics", REMOTE_ADDR=address)


def sample(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return found.value
    return 0.0


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "10.1.2.3", "172.18.0.5", "192.168.1.9"])
def test_metrics_answer_loopback_and_private_networks(client, address):
    response = scrape(client, address)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"django_http_requests_latency_seconds_by_view_method" in response.content


@pytest.mark.parametrize("address", ["8.8.8.8", "203.0.113.7", "2001:db8::1", "not-an-ip"])
def test_metrics_are_not_found_from_public_addresses(client, address):
    assert scrape(client, address).status_code == 404


def test_the_allow_list_comes_from_settings(client, settings):
    settings.METRICS_ALLOWED_IPS = ["203.0.113.7"]
    assert scrape(client, "203.0.113.7").status_code == 200
    assert scrape(client, "127.0.0.1").status_code == 404


def test_request_database_and_cache_counters_move(client):
    before = scrape(client).content.decode()
    assert client.get("/readyz").status_code == 200  # a query and a cache round trip
    assert client.get("/no-such-page-at-all/").status_code == 404
    cache.get("metrics-probe-that-is-not-there")
    after = scrape(client).content.decode()

    for name, labels in [
        ("django_http_requests_total_by_view_transport_method_total", {"view": "readyz"}),
        ("django_http_responses_total_by_status_total", {"status": "200"}),
        ("django_http_responses_total_by_status_total", {"status": "404"}),
        ("django_db_execute_total", {"alias": "default", "vendor": "postgresql"}),
        ("django_cache_get_total", {"backend": "redis"}),
        ("django_cache_get_misses_total", {"backend": "redis"}),
        ("django_cache_get_hits_total", {"backend": "redis"}),
    ]:
        assert sample(after, name, **labels) > sample(before, name, **labels), name
    assert sample(after, "django_http_requests_latency_seconds_by_view_method_count") > 0


def test_a_forged_forwarded_address_does_not_open_metrics(client, settings):
    forged = {"HTTP_X_FORWARDED_FOR": "10.0.0.1, 8.8.8.8"}
    settings.TRUSTED_PROXY_COUNT = 0  # reached directly: the header is not read at all
    assert client.get("/metrics", REMOTE_ADDR="8.8.8.8", **forged).status_code == 404
    # Behind nginx (a private peer), the client is the address nginx wrote, not nginx itself.
    settings.TRUSTED_PROXY_COUNT = 1
    assert client.get("/metrics", REMOTE_ADDR="172.18.0.5", **forged).status_code == 404
