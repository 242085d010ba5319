"""In-app notices beside the go-live e-mails: one per person and item, however often it runs."""

from __future__ import annotations

import pytest

from portal.homework.models import Homework
from portal.notifications.models import Notice
from portal.notifications.services import notify_go_live

pytestmark = pytest.mark.django_db


def test_going_live_also_leaves_an_in_app_notice_once(riverside):
    fractions = Homework.objects.get(title="Fractions practice", school_class__centre=riverside)
    notify_go_live(item=fractions, generation=7)
    notify_go_live(item=fractions, generation=7)
    notices = Notice.objects.filter(object_id=fractions.pk, generation=7, kind="homework")
    recipients = list(notices.values_list("recipient__email", flat=True))
    assert len(recipients) == len(set(recipients)) == 35  # 20 students and 15 parents of 7M1
    assert notices.first().link == fractions.get_member_url()
