"""The client's address: the TCP peer when nothing stands in front, else the address our
outermost proxy wrote into X-Forwarded-For; never what the client wrote there itself."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from portal.core.client_address import client_address


def request(peer: str, forwarded: str | None = None):
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return RequestFactory().get("/", REMOTE_ADDR=peer, **headers)


@pytest.mark.parametrize("forwarded", [None, "", "203.0.113.9", "198.51.100.1, 203.0.113.9"])
def test_reached_directly_the_peer_is_the_client(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request("192.0.2.10", forwarded)) == "192.0.2.10"


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        ("192.0.2.10", "192.0.2.10"),  # what our nginx sends: the one address it saw
        ("198.51.100.1, 192.0.2.10", "192.0.2.10"),  # a client's own claim is ignored
        (" 198.51.100.1 ,192.0.2.10 ", "192.0.2.10"),
        (None, "127.0.0.1"),  # reached directly (health checks, Prometheus): the peer
    ],
)
def test_behind_one_proxy_the_client_is_the_address_it_wrote(settings, forwarded, client):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request("127.0.0.1", forwarded)) == client


def test_behind_two_proxies_the_client_is_the_second_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    forwarded = "198.51.100.1, 192.0.2.10, 10.0.0.2"
    assert client_address(request("10.0.0.3", forwarded)) == "192.0.2.10"
