"""Sign-in forms stop password guessing per account (and per account and address), without
stopping a class that signs in together from one school network (portal.accounts.adapter).

The hole this replays: 30 wrong passwords to /accounts/login/ and /admin/login/ were all
answered, and the right one still worked; password-reset forms flooded inboxes without limit.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
PUPIL = "student1@riverside.example"
PASSWORD = "portal-demo"
SCHOOL_NETWORK = "203.0.113.7"


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


def sign_in(email: str, password: str, address: str) -> tuple[int, str]:
    """One attempt on the sign-in page from `address`: (status, page text)."""
    response = Client(REMOTE_ADDR=address).post(
        reverse("account_login"), {"login": email, "password": password}
    )
    return response.status_code, response.content.decode()


def test_guessing_from_one_address_stops_after_five_and_the_owner_elsewhere_still_gets_in():
    answers = [sign_in(PUPIL, "guess", "198.51.100.1")[0] for _ in range(5)]
    assert answers == [200] * 5  # the form again, with "wrong password"
    status, page = sign_in(PUPIL, PASSWORD, "198.51.100.1")
    assert status == 200 and "Too many failed login attempts" in page
    assert sign_in(PUPIL, PASSWORD, "192.0.2.50")[0] == 302  # the pupil, at home


def test_ten_wrong_passwords_from_anywhere_close_the_account_for_a_while():
    for attempt in range(10):
        sign_in(PUPIL, "guess", f"198.51.100.{attempt}")
    status, page = sign_in(PUPIL, PASSWORD, "192.0.2.50")
    assert status == 200 and "Too many failed login attempts" in page
    # Only that account: everyone else signs in as usual.
    assert sign_in("student2@riverside.example", PASSWORD, "192.0.2.50")[0] == 302


def test_forty_pupils_behind_one_school_address_all_get_in():
    pupils = [
        f"student{n}@{centre}.example"
        for centre in ("riverside", "hillcrest")
        for n in range(1, 21)
    ]
    answers = [sign_in(pupil, PASSWORD, SCHOOL_NETWORK)[0] for pupil in pupils]
    assert answers == [302] * 40


def test_a_few_typos_at_a_school_lock_nobody_else_out():
    for pupil in (f"student{n}@riverside.example" for n in range(1, 15)):
        sign_in(pupil, "typo", SCHOOL_NETWORK)
    assert sign_in("student20@riverside.example", PASSWORD, SCHOOL_NETWORK)[0] == 302
    assert sign_in("student1@riverside.example", PASSWORD, SCHOOL_NETWORK)[0] == 302


def test_the_admin_signs_in_on_the_same_limited_page(client):
    page = client.get("/admin/login/", follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("account_login"))
    for _ in range(5):
        sign_in("admin@riverside.example", "guess", "198.51.100.9")
    _status, page = sign_in("admin@riverside.example", PASSWORD, "198.51.100.9")
    assert "Too many failed login attempts" in page


def test_the_api_counts_with_the_same_counters():
    for _ in range(5):
        sign_in(PUPIL, "guess", "198.51.100.3")
    response = APIClient(REMOTE_ADDR="198.51.100.3").post(
        "/api/v1/auth/token/", {"email": PUPIL, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    elsewhere = APIClient(REMOTE_ADDR="192.0.2.60").post(
        "/api/v1/auth/token/", {"email": PUPIL, "password": PASSWORD}, format="json"
    )
    assert elsewhere.status_code == 200


def test_password_reset_mails_stop_after_three_per_address_and_the_page_is_the_same():
    pages = [
        Client(REMOTE_ADDR="198.51.100.4").post(reverse("account_reset_password"), {"email": PUPIL})
        for _ in range(6)
    ]
    assert len([m for m in mail.outbox if PUPIL in m.to]) == 3
    assert {page.status_code for page in pages[:3]} == {302}
    assert all(page.status_code in (302, 429) for page in pages[3:])
