"""How every websocket connection signs in, and when its `Origin` header is checked.

A connection signs in one of two ways, told apart by its URL alone:

- Apps pass the API's short-lived access token as `?token=<JWT>`. The token is the whole
  sign-in: the session cookie is not read, so an invalid or expired token means an anonymous
  connection, never the cookie's user. The `Origin` header is not checked: native apps send
  none, and a page on another site can only present a token it already holds.
- Browsers send the session cookie, which they attach to a handshake whichever site's page opens
  it. So a cookie connection must come from one of our own pages: its `Origin` must name an
  allowed host, else the handshake is refused (HTTP 403) before any consumer runs.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.auth.models import AnonymousUser
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken


def access_token(scope) -> str | None:
    """The connection's `?token=` (the last one, if given twice); None when there is none."""
    tokens = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    return tokens[-1] if tokens else None


@database_sync_to_async
def user_for_token(raw: str):
    from portal.accounts.models import User

    try:
        token = AccessToken(raw)
    except TokenError:
        return AnonymousUser()
    user = User.objects.filter(pk=token[api_settings.USER_ID_CLAIM], is_active=True).first()
    return user or AnonymousUser()


class TokenAuthMiddleware(BaseMiddleware):
    """Sets `scope["user"]` from the connection's `?token=`."""

    async def __call__(self, scope, receive, send):
        scope = {**scope, "user": await user_for_token(access_token(scope))}
        return await super().__call__(scope, receive, send)


class WebsocketSignIn:
    """Wraps every websocket route: by token when the URL has one, else by the session cookie
    from an allowed Origin (the module's docstring says why)."""

    def __init__(self, inner):
        self.by_token = TokenAuthMiddleware(inner)
        self.by_cookie = AllowedHostsOriginValidator(AuthMiddlewareStack(inner))

    async def __call__(self, scope, receive, send):
        signed_in = self.by_token if access_token(scope) is not None else self.by_cookie
        return await signed_in(scope, receive, send)
