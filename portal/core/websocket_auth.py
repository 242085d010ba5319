"""Websocket sign-in for apps: `?token=<JWT access token>` on the URL.

Browsers send the session cookie (AuthMiddlewareStack); apps cannot set headers on a websocket
handshake, so they pass the API's short-lived access token in the query string instead. An
invalid or expired token means an anonymous connection, never the cookie's user.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken


@database_sync_to_async
def user_for_token(raw: str):
    from portal.accounts.models import User

    try:
        token = AccessToken(raw)
    except TokenError:
        return AnonymousUser()
    user = User.objects.filter(pk=token[api_settings.USER_ID_CLAIM], is_active=True).first()
    return user or AnonymousUser()


class QueryStringTokenAuthMiddleware(BaseMiddleware):
    """Sets `scope["user"]` from `?token=`; leaves the scope alone when there is none."""

    async def __call__(self, scope, receive, send):
        tokens = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
        if tokens:
            scope = {**scope, "user": await user_for_token(tokens[-1])}
        return await super().__call__(scope, receive, send)
