"""Identity is part of isolation: a centre never writes an account it does not own, and an
existing account joins a centre only when its owner accepts (portal.centres.identity).

The first tests replay the attacks that were possible: a centre admin attached the platform
superuser by e-mail, then a roster import rewrote its e-mail to the attacker's and the password
reset went there; and a centre admin attached another centre's child by e-mail, getting back
the child's id and name.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.accounts.models import User
from portal.centres import services as centre_services
from portal.centres.identity import ConsentNeeded, PlatformAccountRefused, accounts_owned_by
from portal.centres.models import Guardianship, Membership, Role
from portal.people import services as people_services
from portal.people.models import Invitation
from portal.rosters import services as roster_services
from tests.rosters.conftest import csv_bytes, student_row

pytestmark = pytest.mark.django_db
RIVERSIDE_ADMIN = "admin@riverside.example"
SUPERUSER = "admin@example.com"
HILLCREST_CHILD = "student3@hillcrest.example"


def _import_students(centre, admin, rows) -> dict:
    """The import's counts, once confirmed."""
    checked = roster_services.roster_import_upload(
        centre=centre,
        kind="students",
        upload=SimpleUploadedFile("roster.csv", csv_bytes(rows)),
        by=admin,
    )
    assert checked.row_errors == [], checked.row_errors
    done = roster_services.roster_import_confirm(roster_import=checked, by=admin)
    return done.counts


def test_the_platform_superuser_cannot_be_attached_to_a_centre(api_for, riverside):
    response = api_for(RIVERSIDE_ADMIN).post(
        "/api/v1/members/",
        {"centre": riverside.pk, "role": "student", "email": SUPERUSER, "external_id": "X-1"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "platform account" in response.json()["error"]["fields"]["email"][0]
    assert not Membership.objects.filter(user__email=SUPERUSER).exists()
    assert not Invitation.objects.filter(user__email=SUPERUSER).exists()


def test_a_roster_never_rewrites_the_superusers_email_even_if_attached_before(
    riverside, person, client
):
    """The rest of the takeover, on data left from before the fix: a superuser with a
    membership (and external id) at a centre. The import matches the row by id, but the
    account is a platform account: its e-mail stays, so the reset cannot go to the attacker."""
    superuser = person(SUPERUSER)
    Membership.objects.create(
        user=superuser, centre=riverside, role=Role.STUDENT, external_id="X-1"
    )
    row = student_row(1, student_id="X-1", email="attacker@evil.example", first_name="Mallory")
    _import_students(riverside, person(RIVERSIDE_ADMIN), [row])
    superuser.refresh_from_db()
    assert (superuser.email, superuser.first_name) == (SUPERUSER, "Platform")
    mail.outbox.clear()
    client.post(reverse("account_reset_password"), {"email": "attacker@evil.example"})
    assert all("attacker@evil.example" not in message.to for message in mail.outbox)


def test_another_centres_child_is_invited_never_attached_or_shown(
    api_for, riverside, person, django_capture_on_commit_callbacks
):
    child = person(HILLCREST_CHILD)
    with django_capture_on_commit_callbacks(execute=False):
        response = api_for(RIVERSIDE_ADMIN).post(
            "/api/v1/members/",
            {"centre": riverside.pk, "role": "student", "email": child.email},
            format="json",
        )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["state"] == "pending" and body["email"] == child.email
    assert set(body) == {
        "id",
        "centre",
        "email",
        "role",
        "external_id",
        "state",
        "created_at",
        "expires_at",
    }
    assert body["id"] == Invitation.objects.get(user=child, centre=riverside).pk
    assert child.get_full_name() not in response.content.decode()
    assert not Membership.objects.filter(user=child, centre=riverside).exists()
    listed = api_for(RIVERSIDE_ADMIN).get("/api/v1/members/", {"search": child.email}).json()
    assert listed["results"] == []


def test_a_centre_keeps_the_details_only_of_accounts_it_owns(riverside, hillcrest, person):
    own = person("student1@riverside.example")
    elsewhere = person("student1@hillcrest.example")
    assert accounts_owned_by(riverside).filter(pk=own.pk).exists()
    assert not accounts_owned_by(riverside).filter(pk=elsewhere.pk).exists()
    assert not accounts_owned_by(riverside).filter(email=SUPERUSER).exists()
    # Joining a second centre (by accepting) ends the first centre's say over the details.
    invitation = people_services.invitation_offer(
        centre=hillcrest, user=own, email=own.email, role=Role.GUARDIAN
    )
    people_services.invitation_accept(invitation=invitation, by=own)
    assert not accounts_owned_by(riverside).filter(pk=own.pk).exists()


def test_the_low_level_service_refuses_to_attach_without_consent(riverside, person):
    with pytest.raises(ConsentNeeded):
        centre_services.membership_add(
            centre=riverside, role=Role.GUARDIAN, email="teacher1@hillcrest.example"
        )
    with pytest.raises(PlatformAccountRefused):
        centre_services.membership_add(centre=riverside, role=Role.STUDENT, email=SUPERUSER)


def test_a_roster_invites_a_parent_known_elsewhere_and_links_the_child_on_acceptance(
    riverside, person, client, eager_celery, django_capture_on_commit_callbacks
):
    parent = person("parent2@hillcrest.example")
    name_before = (parent.first_name, parent.last_name, parent.phone)
    row = student_row(
        7,
        guardian1_email=parent.email,
        guardian1_first_name="Renamed",
        guardian1_last_name="By Riverside",
    )
    with django_capture_on_commit_callbacks(execute=True):
        counts = _import_students(riverside, person(RIVERSIDE_ADMIN), [row])
    assert counts["guardians"] == {"invited": 1}
    parent.refresh_from_db()
    assert (parent.first_name, parent.last_name, parent.phone) == name_before
    child = User.objects.get(email="pupil7@families.example")
    assert not Guardianship.objects.filter(guardian=parent, student=child).exists()

    (message,) = [m for m in mail.outbox if parent.email in m.to]
    assert "Riverside Academy" in message.subject
    link = re.search(r"https?://[^/\s]+(/invitations/\S+/)", message.body).group(1)
    client.force_login(parent)
    page = client.get(link)
    assert page.status_code == 200 and b"Pupil Number 7" in page.content
    assert client.post(link, {"accept": "1"}).status_code == 302
    assert Guardianship.objects.filter(guardian=parent, student=child, centre=riverside).exists()
    assert Membership.objects.filter(user=parent, centre=riverside, role=Role.GUARDIAN).exists()
    assert client.get(link).status_code == 410  # single use


def test_an_invitation_link_works_only_for_its_own_account_and_only_the_newest(
    riverside, person, client
):
    invited = person("teacher1@hillcrest.example")
    invitation = people_services.invitation_offer(
        centre=riverside, user=invited, email=invited.email, role=Role.GUARDIAN
    )
    link = people_services.invitation_link(invitation).split("testserver", 1)[-1]
    link = re.sub(r"^https?://[^/]+", "", link)
    client.force_login(person("parent1@riverside.example"))
    assert client.post(link, {"accept": "1"}).status_code == 403
    assert not Membership.objects.filter(user=invited, centre=riverside).exists()
    tampered = link.rstrip("/")[:-3] + "xyz/"
    client.force_login(invited)
    assert client.get(tampered).status_code == 410
    Invitation.objects.filter(pk=invitation.pk).update(nonce="sent-again")
    assert client.get(link).status_code == 410  # a newer sending killed this link


def test_a_new_address_for_an_account_someone_uses_waits_for_their_confirmation(
    riverside, person, client, eager_celery, django_capture_on_commit_callbacks
):
    """The centre keeps this pupil's details, but the pupil signs in: the roster's new address
    is asked to confirm, and the old address is told once it changes."""
    pupil = person("student4@riverside.example")
    membership = Membership.objects.get(user=pupil, centre=riverside, role=Role.STUDENT)
    Membership.objects.filter(pk=membership.pk).update(external_id="S-0004")
    row = student_row(4, student_id="S-0004", email="new.address@families.example")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _import_students(riverside, person(RIVERSIDE_ADMIN), [row])
    pupil.refresh_from_db()
    assert pupil.email == "student4@riverside.example"
    (confirm,) = [m for m in mail.outbox if "new.address@families.example" in m.to]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", confirm.body).group(1)
    mail.outbox.clear()
    assert client.post(link).status_code == 302
    pupil.refresh_from_db()
    assert pupil.email == "new.address@families.example"
    assert any("student4@riverside.example" in m.to for m in mail.outbox)  # told of it
