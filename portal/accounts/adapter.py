"""How django-allauth behaves in the portal: nobody signs themselves up, links in its e-mails
point at the portal's own address, the client's address is read as everywhere else
(`client_address`), and failed sign-ins are counted per account *and* address too.

allauth counts failed sign-ins per address and per account (`login_failed` in
`ACCOUNT_RATE_LIMITS`). Counting per account alone lets anyone lock a pupil out by guessing
from anywhere; per address alone blocks a whole school behind one network. The third count,
per account and address, stops a guesser at one address early while the account's owner,
elsewhere, can still sign in until the account's own limit. The API's token endpoint counts
with the same counters (portal.api.auth), so a guesser gains nothing by switching doors.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from portal.core.client_address import client_address
from portal.notifications.mail import absolute_url

#: allauth's rate-limit "app" for the count per account and address.
APP = "portal.accounts"


def _login_of(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "").strip().lower()


def _account_and_address_rates() -> dict[str, str]:
    return {"login_failed": settings.LOGIN_FAILED_PER_ACCOUNT_AND_ADDRESS}


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # The centre's roster decides who exists; people get in by invitation.
        return False

    def get_client_ip(self, request) -> str:
        return client_address(request)

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        # Confirmations may be sent by the worker, outside any request.
        return absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        site = SimpleNamespace(name=settings.WAGTAIL_SITE_NAME, domain=settings.PORTAL_BASE_URL)
        context = {"email": email, "current_site": site, "portal_url": absolute_url("/"), **context}
        self.render_mail(template_prefix, email, context).send()

    def pre_authenticate(self, request, **credentials) -> None:
        """Count the attempt (allauth's counts, then ours); refuse it when any is used up. A
        successful sign-in takes the counts back (`forget_attempt`)."""
        super().pre_authenticate(request, **credentials)
        self._account_and_address_usage = ratelimit.consume(
            request,
            app=APP,
            action="login_failed",
            config=_account_and_address_rates(),
            key=self._account_and_address(request, credentials),
        )
        if not self._account_and_address_usage:
            raise self.validation_error("too_many_login_attempts")

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)  # takes allauth's counts back
        usage = getattr(self, "_account_and_address_usage", None)
        if user is not None and usage:
            usage.rollback()
        return user

    def forget_attempt(self) -> None:
        """The attempt counted by `pre_authenticate` succeeded: it was not a failure."""
        self._rollback_login_failed_rl_usage()
        usage = getattr(self, "_account_and_address_usage", None)
        if usage:
            usage.rollback()

    def seconds_until_allowed(self, request, **credentials) -> int:
        """How long until an attempt for this account from this address may be made again:
        the longest wait among the counts that are used up (0 if none is)."""
        login = _login_of(credentials)
        checks = [
            ("allauth.account", rate, f"{self._login_attempts_key(request, login)}")
            for rate in ratelimit.get_rates(app="allauth.account", action="login_failed")
            if rate.per == "key"
        ] + [
            (APP, rate, self._account_and_address(request, credentials))
            for rate in ratelimit.get_rates(
                app=APP, action="login_failed", config=_account_and_address_rates()
            )
        ]
        now, wait = time.time(), 0.0
        for app, rate, key in checks:
            cache_key = ratelimit.get_cache_key(
                request, app=app, action="login_failed", rate=rate, key=key
            )
            history = [at for at in cache.get(cache_key, []) if at > now - rate.duration]
            if len(history) >= rate.amount:
                # Newest first: the attempt that frees a place is the amount-th newest.
                wait = max(wait, history[rate.amount - 1] + rate.duration - now)
        return int(wait) + 1 if wait else 0

    def _login_attempts_key(self, request, login: str) -> str:
        return self._get_login_attempts_cache_key(request, email=login)

    def _account_and_address(self, request, credentials: dict[str, Any]) -> str:
        return f"{ratelimit.get_ip(request)}:{_login_of(credentials)}"
