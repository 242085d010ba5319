"""One-click unsubscribe (RFC 8058): no login, one kind of e-mail, only the children named."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from portal.centres.models import Guardianship
from portal.homework.models import Homework
from portal.notifications.services import notify_go_live
from portal.notifications.unsubscribe import EmailKind, unsubscribe_url

pytestmark = pytest.mark.django_db
TWO_CHILDREN = "parent1@riverside.example"  # parents 1-5 have two children in 7M1


def path_of(address: str) -> str:
    return "/" + address.split("://", 1)[1].partition("/")[2]


def one_click(address: str):
    """What a mail program does: a POST without cookies or CSRF token."""
    return Client(enforce_csrf_checks=True).post(
        path_of(address),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )


def test_immediate_emails_to_guardians_carry_the_headers_and_a_visible_link(riverside):
    notify_go_live(
        item=Homework.objects.get(school_class__centre=riverside, title="Fractions practice"),
        generation=0,
    )
    to_parent = next(m for m in mail.outbox if m.to == [TWO_CHILDREN])
    to_student = next(m for m in mail.outbox if m.to == ["student1@riverside.example"])
    assert to_parent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    address = to_parent.extra_headers["List-Unsubscribe"].strip("<>")
    assert address in to_parent.body and address in to_parent.alternatives[0][0]
    assert "List-Unsubscribe" not in to_student.extra_headers

    assert one_click(address).status_code == 200
    links = Guardianship.objects.filter(guardian__email=TWO_CHILDREN, centre=riverside)
    assert links.count() == 2  # the e-mail was about both children: both switched off
    assert set(links.values_list("email_notices", "weekly_digest")) == {(False, True)}
    mail.outbox.clear()
    notify_go_live(
        item=Homework.objects.get(school_class__centre=riverside, title="Fractions practice"),
        generation=1,
    )
    assert TWO_CHILDREN not in {m.to[0] for m in mail.outbox}


def test_a_get_only_asks_and_a_second_post_changes_nothing(riverside):
    link = Guardianship.objects.filter(guardian__email=TWO_CHILDREN).first()
    address = unsubscribe_url(links=[link], kind=EmailKind.DIGEST)
    page = Client().get(path_of(address))
    assert page.status_code == 200 and b"Stop the weekly digest" in page.content
    link.refresh_from_db()
    assert link.weekly_digest
    assert one_click(address).status_code == 200
    again = one_click(address)
    assert again.status_code == 200 and b"no longer get the weekly digest" in again.content
    link.refresh_from_db()
    other = Guardianship.objects.filter(guardian__email=TWO_CHILDREN).exclude(pk=link.pk).get()
    assert not link.weekly_digest and other.weekly_digest


@pytest.mark.parametrize("token", ["garbage", "eyJ1IjoxfQ:1abc:forged", "x" * 400])
def test_a_damaged_link_gets_a_clear_page_and_changes_nothing(token):
    before = list(Guardianship.objects.values_list("pk", "email_notices", "weekly_digest"))
    answer = one_click(f"http://testserver/unsubscribe/{token}/")
    assert answer.status_code == 400 and b"damaged or incomplete" in answer.content
    assert list(Guardianship.objects.values_list("pk", "email_notices", "weekly_digest")) == before


def test_a_link_cannot_be_turned_to_another_guardians_children(riverside):
    mine = Guardianship.objects.filter(guardian__email=TWO_CHILDREN).first()
    theirs = Guardianship.objects.exclude(guardian=mine.guardian).first()
    theirs.guardian_id = mine.guardian_id  # as if the link named someone else's child
    address = unsubscribe_url(links=[theirs], kind=EmailKind.NOTICES)
    one_click(address)
    theirs.refresh_from_db()
    assert theirs.email_notices  # the link is not that guardian's: nothing switched off
