"""The address a request came from, trusting exactly the proxies we run in front of Django.

TRUSTED_PROXY_COUNT says how many there are: 0 in embedded mode and the tests (the TCP peer is
the client, X-Forwarded-For is ignored), 1 behind our nginx, which replaces X-Forwarded-For with
the address it saw. With N proxies the client is the N-th address from the right of
X-Forwarded-For, the one our outermost proxy wrote; anything further left was written by the
client and is never read. DRF (NUM_PROXIES) and django-allauth (ALLAUTH_TRUSTED_PROXY_COUNT)
apply the same rule to the same setting.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address, for rate limits, allow-lists and logs."""
    peer = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        # Reached directly (health checks, Prometheus scraping web:8000): the peer is the client.
        return peer
    addresses = [address.strip() for address in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or peer
