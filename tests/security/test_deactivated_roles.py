"""A deactivated membership takes away everything its role showed, on every path: every member
filter goes through the role rule (`role_filter`).

The hole this replays: a parent whose membership the centre had deactivated still read the
weekly digests and notices (those filters looked at the addressee, not the role).
"""

from __future__ import annotations

import pytest
from django.apps import apps

from portal.centres import services
from portal.centres.models import Membership
from portal.centres.scoping import CentreScopedQuerySet
from portal.digests.models import Digest
from portal.notifications.models import Notice

pytestmark = pytest.mark.django_db
PARENT = "parent1@riverside.example"


def scoped_models() -> list:
    return [
        model
        for model in apps.get_models()
        if isinstance(model._default_manager.get_queryset(), CentreScopedQuerySet)
    ]


def _deactivate_everywhere(user) -> None:
    for membership in Membership.objects.filter(user=user):
        services.membership_update(
            membership=membership,
            role=membership.role,
            external_id=membership.external_id,
            is_active=False,
            publishes_directly=membership.publishes_directly,
        )


def test_a_deactivated_parent_reads_no_digest_and_no_notice(person, client_for, api_for):
    parent = person(PARENT)
    digest = Digest.objects.delivered().filter(guardian=parent).first()
    assert digest is not None and Notice.objects.filter(recipient=parent).exists()
    assert client_for(PARENT).get(f"/my/digests/{digest.pk}/").status_code == 200  # control

    _deactivate_everywhere(parent)
    assert client_for(PARENT).get(f"/my/digests/{digest.pk}/").status_code == 404
    assert api_for(PARENT).get("/api/v1/digests/").json()["results"] == []
    assert api_for(PARENT).get(f"/api/v1/digests/{digest.pk}/").status_code == 404
    assert api_for(PARENT).get("/api/v1/notices/").json()["results"] == []


@pytest.mark.parametrize(
    "email",
    [
        "admin@riverside.example",
        "teacher1@riverside.example",
        "student1@riverside.example",
        PARENT,
    ],
)
def test_a_person_deactivated_everywhere_sees_nothing_of_any_centre_owned_model(email, person):
    """The guard for the whole class: every scoped model, every role."""
    someone = person(email)
    seen_before = [m.__name__ for m in scoped_models() if m.objects.visible_to(someone).exists()]
    assert seen_before, "a control: the person saw something while active"
    _deactivate_everywhere(someone)
    someone = person(email)
    still_seen = [m.__name__ for m in scoped_models() if m.objects.visible_to(someone).exists()]
    assert still_seen == []


def test_the_walk_covers_the_personal_models():
    names = {model.__name__ for model in scoped_models()}
    assert {"Digest", "Notice", "NotificationLog", "Reminder", "Membership"} <= names
    assert len(names) >= 15
