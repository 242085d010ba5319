"""`manage.py seed_demo` creates exactly the documented demo data, and only once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from portal.accounts.models import User
from portal.centres.models import Guardianship, Membership, Role
from portal.classes.models import Enrollment, SchoolClass
from portal.core.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (User, Membership, Guardianship, SchoolClass, Enrollment)
    }


def test_demo_people_per_centre(riverside, hillcrest):
    for centre in (riverside, hillcrest):
        domain = f"{centre.slug}.example"
        emails = set(Membership.objects.filter(centre=centre).values_list("user__email", "role"))
        assert (f"admin@{domain}", Role.ADMIN) in emails
        assert {(f"teacher{n}@{domain}", Role.TEACHER) for n in (1, 2)} <= emails
        assert {(f"student{n}@{domain}", Role.STUDENT) for n in range(1, 21)} <= emails
        assert {(f"parent{n}@{domain}", Role.GUARDIAN) for n in range(1, 16)} <= emails
        assert len(emails) == 1 + 2 + 20 + 15
        assert SchoolClass.objects.filter(centre=centre).count() >= 3
        assert Enrollment.objects.filter(school_class__centre=centre).exists()
        two_children = [
            g
            for g in Membership.objects.filter(centre=centre, role=Role.GUARDIAN)
            if Guardianship.objects.filter(centre=centre, guardian=g.user).count() == 2
        ]
        assert two_children, "some guardians should have two children"
    assert riverside.timezone == "Europe/London"
    assert hillcrest.timezone == "America/New_York"
    assert User.objects.get(email="admin@example.com").is_superuser


def test_every_demo_login_uses_the_demo_password():
    users = User.objects.all()
    assert users.count() == 77
    assert all(user.check_password(DEMO_PASSWORD) for user in users)


def test_seed_demo_is_idempotent():
    before = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == before


def test_demo_login_through_the_admin_sign_in_form(client):
    sign_in_page = client.get("/admin/login/", follow=True).redirect_chain[-1][0]
    response = client.post(
        sign_in_page, {"login": "teacher1@riverside.example", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
