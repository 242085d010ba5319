"""JWT sign-in, refresh rotation, sign-out, and tokens that must not work."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from portal.accounts.models import User

pytestmark = pytest.mark.django_db
TOKEN, REFRESH, VERIFY, LOGOUT = (
    "/api/v1/auth/token/",
    "/api/v1/auth/token/refresh/",
    "/api/v1/auth/token/verify/",
    "/api/v1/auth/logout/",
)


def sign_in(email="teacher1@riverside.example", password="portal-demo"):
    return APIClient().post(TOKEN, {"email": email, "password": password}, format="json")


def me(access: str):
    return APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {access}")


def test_sign_in_returns_a_token_pair_that_opens_the_api():
    response = sign_in()
    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    body = me(response.json()["access"]).json()
    assert body["email"] == "teacher1@riverside.example"
    assert [(m["centre_slug"], m["role"]) for m in body["memberships"]] == [
        ("riverside", "teacher")
    ]


def test_access_tokens_are_short_lived():
    access = AccessToken(sign_in().json()["access"])
    lifetime = access["exp"] - access["iat"]
    assert 60 <= lifetime <= 15 * 60


def test_wrong_password_is_401_in_the_error_shape():
    response = sign_in(password="wrong")
    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401


def test_refresh_rotates_and_the_old_refresh_is_dead():
    pair = sign_in().json()
    client = APIClient()
    rotated = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != pair["refresh"]
    again = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert again.status_code == 401


def test_logout_revokes_the_refresh_token():
    pair = sign_in().json()
    client = APIClient()
    assert client.post(LOGOUT, {"refresh": pair["refresh"]}, format="json").status_code == 204
    assert client.post(REFRESH, {"refresh": pair["refresh"]}, format="json").status_code == 401


def test_verify_tells_good_from_forged_tokens():
    access = sign_in().json()["access"]
    client = APIClient()
    assert client.post(VERIFY, {"token": access}, format="json").status_code == 200
    header, payload, signature = access.split(".")
    forged = f"{header}.{payload}.{signature[::-1]}"
    assert client.post(VERIFY, {"token": forged}, format="json").status_code == 401
    assert me(forged).status_code == 401


def test_expired_token_is_401():
    token = AccessToken.for_user(User.objects.get(email="student1@riverside.example"))
    token.set_exp(lifetime=-dt.timedelta(seconds=1))
    response = me(str(token))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"


def test_token_of_a_deactivated_user_is_401():
    user = User.objects.get(email="student2@riverside.example")
    access = str(RefreshToken.for_user(user).access_token)
    user.is_active = False
    user.save()
    assert me(access).status_code == 401


def test_missing_token_is_401():
    response = APIClient().get("/api/v1/classes/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_sign_in_is_throttled_per_account_with_retry_after(settings):
    """Failed sign-ins count per account (the sign-in page's limits, django-allauth's)."""
    from django.core.cache import cache

    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/15m/key"}
    codes = [sign_in(password="wrong").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    throttled = sign_in()
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 15 * 60
    assert sign_in(email="teacher2@riverside.example").status_code == 200  # another account
    cache.clear()


def test_calls_are_throttled_per_user_with_retry_after(settings, api_for):
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "user": "2/minute",
        },
    }
    student = api_for("student1@riverside.example")
    codes = [student.get("/api/v1/homework/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    throttled = student.get("/api/v1/homework/")
    assert throttled.json()["error"]["code"] == "throttled"
    assert 0 < int(throttled["Retry-After"]) <= 60
    assert api_for("student2@riverside.example").get("/api/v1/homework/").status_code == 200
    cache.clear()


def test_sign_in_is_throttled_per_address(settings):
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "login_ip": "2/minute",
        },
    }
    emails = [
        "student3@riverside.example",
        "student4@riverside.example",
        "student5@riverside.example",
    ]
    assert [sign_in(email=e).status_code for e in emails] == [200, 200, 429]
    cache.clear()


def login_ip_rate(settings, rate: str) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "login_ip": rate,
        },
    }


def sign_in_from(peer: str, forwarded: str, email: str):
    return APIClient().post(
        TOKEN,
        {"email": email, "password": "wrong"},
        format="json",
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_a_forged_forwarded_for_does_not_reset_the_per_address_limit(settings):
    """Reached directly (no proxy of ours in front): X-Forwarded-For is not read at all."""
    from django.core.cache import cache

    cache.clear()
    settings.TRUSTED_PROXY_COUNT = 0
    login_ip_rate(settings, "3/minute")
    codes = [
        sign_in_from("192.0.2.10", f"198.51.100.{n}", f"nobody{n}@example.com").status_code
        for n in range(5)
    ]
    assert codes == [401, 401, 401, 429, 429]
    assert sign_in_from("192.0.2.11", "198.51.100.1", "nobody@example.com").status_code == 401
    cache.clear()


def test_behind_nginx_the_limit_counts_the_address_nginx_saw(settings):
    """nginx sends the address it saw as the last (here the only trusted) entry; whatever a
    client put before it changes nothing."""
    from django.core.cache import cache

    cache.clear()
    settings.TRUSTED_PROXY_COUNT = 1
    login_ip_rate(settings, "3/minute")
    codes = [
        sign_in_from(
            "127.0.0.1", f"198.51.100.{n}, 192.0.2.10", f"nobody{n}@example.com"
        ).status_code
        for n in range(4)
    ]
    assert codes == [401, 401, 401, 429]
    # Another client behind the same nginx has its own budget.
    assert sign_in_from("127.0.0.1", "192.0.2.11", "nobody@example.com").status_code == 401
    cache.clear()
