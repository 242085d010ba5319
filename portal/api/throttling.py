"""The API's throttles: per user or client address on every call, and on sign-in per address
(failed sign-ins per account are counted by django-allauth's limits, as on the sign-in page).

They keep DRF's contract (rates such as "1200/minute" from `DEFAULT_THROTTLE_RATES`, a 429 with
Retry-After) but count in fixed windows: one atomic increment per request, where DRF's
SimpleRateThrottle reads, unpickles, rewrites and re-sends the list of every request's time.
"""

from __future__ import annotations

from rest_framework import throttling
from rest_framework.settings import api_settings

from portal.core.client_address import client_address


class CountingRateThrottle(throttling.SimpleRateThrottle):
    """At most `num_requests` per window; a window opens at a client's first request and lasts
    the rate's period. Across a window's end a client may send up to twice the rate in quick
    succession, which is acceptable for limits that stop abuse rather than meter use."""

    def get_rate(self):
        # Read at request time so the rate follows the settings (and test overrides).
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_ident(self, request) -> str:
        """The client's address, behind exactly TRUSTED_PROXY_COUNT proxies: a forged
        X-Forwarded-For cannot give one client a fresh budget per request."""
        return client_address(request)

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        return self._count() <= self.num_requests

    def _count(self) -> int:
        """This request's number in its window (refused requests count too)."""
        try:
            return self.cache.incr(self.key)
        except ValueError:  # no window yet: this is its first request
            pass
        if self.cache.add(self.key, 1, self.duration):
            self.cache.set(self._ends_key, self.now + self.duration, self.duration)
            return 1
        return self.cache.incr(self.key)  # another process opened the window meanwhile

    @property
    def _ends_key(self) -> str:
        return f"{self.key}:ends"

    def wait(self) -> float:
        """Seconds until the window ends (Retry-After)."""
        ends = self.cache.get(self._ends_key)
        return max(ends - self.now, 1.0) if ends else float(self.duration)


class AnonRateThrottle(CountingRateThrottle, throttling.AnonRateThrottle):
    """Calls without a valid token, per client address (scope `anon`)."""


class UserRateThrottle(CountingRateThrottle, throttling.UserRateThrottle):
    """Calls per signed-in user (scope `user`)."""


class LoginIPThrottle(CountingRateThrottle):
    """Slows password guessing from one address against many accounts."""

    scope = "login_ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
