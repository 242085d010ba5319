from __future__ import annotations

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken


@pytest.fixture
def api_for(db):
    """An API client carrying a real JWT access token for the given e-mail (None: anonymous)."""
    from portal.accounts.models import User

    def make(email: str | None) -> APIClient:
        client = APIClient()
        if email is not None:
            token = RefreshToken.for_user(User.objects.get(email=email)).access_token
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make
