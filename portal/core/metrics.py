"""Prometheus metrics (django-prometheus) at /metrics, for the monitoring network only.

Anyone else gets the same 404 as an unknown URL. The address checked is the client's, by the
one rule for trusted proxies (portal.core.client_address): Prometheus scrapes the web container
directly, so it is the TCP peer; through nginx it is the real client, never nginx's own private
address (nginx refuses /metrics itself as well).
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.http import Http404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView

from portal.core.client_address import client_address


@cache
def _allowed_networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def metrics_allowed(address: str) -> bool:
    """True when `address` is inside one of METRICS_ALLOWED_IPS (addresses or networks)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    networks = _allowed_networks(tuple(settings.METRICS_ALLOWED_IPS))
    return any(ip in network for network in networks if network.version == ip.version)


@never_cache
@require_GET
def metrics(request):
    if not metrics_allowed(client_address(request)):
        raise Http404("No such page.")
    return ExportToDjangoView(request)
