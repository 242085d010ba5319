"""What a digest says: each child's week, nothing from another centre, skipping, preferences,
and a build whose query count does not grow with the number of guardians."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.centres.models import Guardianship
from portal.classes.models import SchoolClass
from portal.digests.models import Digest
from portal.digests.selectors import CentreWeek, Week
from portal.digests.services import digests_build
from tests.digests.helpers import (
    announcement,
    at,
    hand_in,
    homework,
    monday_in,
    synthetic_centre,
)

pytestmark = pytest.mark.django_db
PARENT = "parent1@riverside.example"  # student1 (7M1, 7E1, 7S1) and student16 (7M1, 7E1)


def days(week_start: dt.date, n: int) -> dt.date:
    return week_start + dt.timedelta(days=n)


@pytest.fixture
def week_of_riverside(riverside, hillcrest, person):
    """A week (far enough ahead that no demo item falls in it) with one item of every kind at
    Riverside, and the same items, titled alike, at Hillcrest."""
    start = monday_in(riverside, 12)
    made = {}
    for centre, tag in ((riverside, ""), (hillcrest, " (hillcrest)")):
        classes = {c.code: c for c in SchoolClass.objects.filter(centre=centre)}
        maths, reading, science = (
            classes.get("7M1") or classes["G4-MATH"],
            classes.get("7E1") or classes["G4-READ"],
            classes.get("7S1") or classes["G5-SCI"],
        )
        one = person(f"student1@{centre.slug}.example")
        sixteen = person(f"student16@{centre.slug}.example")
        ok = {
            "set": homework(
                science,
                f"Cell diagram{tag}",
                set_on=days(start, 1),
                due_at=at(centre, days(start, 4)),
            ),
            "due": homework(
                reading,
                f"Poem next week{tag}",
                set_on=days(start, -14),
                due_at=at(centre, days(start, 8)),
            ),
            "missed": homework(
                maths,
                f"Worksheet{tag}",
                set_on=days(start, -7),
                due_at=at(centre, days(start, 2)),
                max_points=10,
            ),
            "late": homework(
                reading, f"Essay{tag}", set_on=days(start, -10), due_at=at(centre, days(start, -3))
            ),
        }
        hand_in(ok["missed"], one, at_time=at(centre, days(start, 1)))
        hand_in(
            ok["late"],
            sixteen,
            at_time=at(centre, days(start, 1)),
            late=True,
            points=7,
            feedback=f"Good{tag}",
            returned_at=at(centre, days(start, 3)),
        )
        ok["news"] = announcement(
            centre, f"Sports day{tag}", published_at=at(centre, days(start, 2))
        )
        ok["class_news"] = announcement(
            centre, f"Lab coats{tag}", published_at=at(centre, days(start, 2)), classes=[science]
        )
        ok["expired"] = announcement(
            centre,
            f"Gone already{tag}",
            published_at=at(centre, days(start, 1)),
            expires_at=at(centre, days(start, 2)),
        )
        ok["last_week"] = announcement(
            centre, f"Old news{tag}", published_at=at(centre, days(start, -3))
        )
        made[centre.slug] = ok
    return start, made


def build(centre, start):
    """Build as the Sunday 18:00 job would."""
    return digests_build(centre=centre, week_start=start, now=at(centre, days(start, 6), 18))


def families(centre, start):
    week = Week(start=start, centre=centre)
    content = CentreWeek.load(week=week, now=at(centre, days(start, 6), 18))
    return content


def test_each_child_of_a_two_child_guardian_gets_their_own_week(
    week_of_riverside, riverside, person
):
    start, made = week_of_riverside
    ours = made["riverside"]
    parent = person(PARENT)
    content = families(riverside, start)
    (family,) = content.families(guardian_ids=[parent.pk])
    by_child = {child.student.email: child for child in family.children}
    assert set(by_child) == {"student1@riverside.example", "student16@riverside.example"}
    one, sixteen = by_child["student1@riverside.example"], by_child["student16@riverside.example"]

    assert [h.pk for h in one.set_this_week] == [ours["set"].pk]  # only student1 is in 7S1
    assert sixteen.set_this_week == []
    assert [h.pk for h, _ in one.due_next_week] == [ours["due"].pk]
    assert [h.pk for h, _ in sixteen.due_next_week] == [ours["due"].pk]
    # the essay (never handed in) and the diagram (due on Thursday, not handed in either)
    assert [h.pk for h in one.missing] == [ours["late"].pk, ours["set"].pk]
    assert [h.pk for h in sixteen.missing] == [ours["missed"].pk]  # the worksheet
    assert [s.homework_id for s in sixteen.late] == [ours["late"].pk]
    assert one.late == []
    assert [(s.homework_id, s.points) for s in sixteen.returned] == [(ours["late"].pk, 7)]
    assert one.returned == []
    assert [a.pk for a in family.announcements] == [ours["news"].pk, ours["class_news"].pk]

    summary = build(riverside, start)
    assert summary.built >= 1
    digest = Digest.objects.get(guardian=parent, centre=riverside, week_start=start)
    assert digest.status == Digest.Status.PENDING
    assert [c["student"] for c in digest.summary["children"]] == [
        one.student.pk,
        sixteen.student.pk,
    ]
    counts = {c["student"]: c for c in digest.summary["children"]}
    assert counts[sixteen.student.pk] == {
        "student": sixteen.student.pk,
        "name": "Student 16",
        "set": 0,
        "due": 1,
        "missing": 1,
        "late": 1,
        "returned": 1,
    }
    for part in (digest.html, digest.text):
        for title in ("Cell diagram", "Poem next week", "Worksheet", "Essay", "Sports day"):
            assert title in part
        assert "Lab coats" in part and "Good" in part
        assert "Gone already" not in part and "Old news" not in part
        assert "(hillcrest)" not in part and "Hillcrest" not in part
        assert "Riverside Academy" in part
    assert "Student 16" in digest.html and digest.unsubscribe_url.startswith("http")
    assert digest.html.count("/unsubscribe/") == 3  # one per child, one for the whole digest


def test_nothing_from_another_centre_reaches_a_digest(week_of_riverside, riverside, hillcrest):
    start, made = week_of_riverside
    foreign = made["hillcrest"].values()
    build(riverside, start)
    content = families(riverside, start)
    assert {h.pk for h in content.homework} == {
        made["riverside"][key].pk for key in ("set", "due", "missed", "late")
    }
    assert {a.pk for a in content.announcements} == {
        made["riverside"][key].pk for key in ("news", "class_news")
    }
    assert {type(item).__name__ for item in foreign} == {"Homework", "Announcement"}
    for digest in Digest.objects.filter(centre=riverside, week_start=start):
        assert "hillcrest" not in (digest.html + digest.text + digest.subject).lower()
    # and Hillcrest's own parents get Hillcrest's week, never Riverside's
    build(hillcrest, start)
    theirs = Digest.objects.filter(centre=hillcrest, week_start=start).exclude(html="")
    assert theirs.exists()
    for digest in theirs:
        assert "Riverside" not in digest.html and "(hillcrest)" in digest.html


def test_a_guardian_with_nothing_to_report_is_skipped(riverside, person):
    start = monday_in(riverside, 14)
    science = SchoolClass.objects.get(centre=riverside, code="7S1")  # students 1-10 only
    homework(science, "Only for 7S1", set_on=days(start, 0), due_at=at(riverside, days(start, 3)))

    summary = build(riverside, start)

    quiet = Digest.objects.get(guardian=person("parent12@riverside.example"), week_start=start)
    busy = Digest.objects.get(guardian=person("parent3@riverside.example"), week_start=start)
    assert quiet.status == Digest.Status.SKIPPED and quiet.html == "" and quiet.subject == ""
    assert busy.status == Digest.Status.PENDING and "Only for 7S1" in busy.html
    assert summary.skipped == 5  # parents 11-15: their children are not in 7S1
    assert summary.built == 10
    assert build(riverside, start) == type(summary)()  # a re-run builds nothing


def test_a_centre_may_send_empty_digests_too(riverside, person):
    riverside.digest_skip_empty = False
    riverside.save()
    start = monday_in(riverside, 15)
    summary = build(riverside, start)
    assert summary.skipped == 0 and summary.built == 15
    quiet = Digest.objects.get(guardian=person("parent12@riverside.example"), week_start=start)
    assert quiet.status == Digest.Status.PENDING and "Nothing new this week" in quiet.text


def test_a_child_switched_off_is_left_out_and_the_other_stays(week_of_riverside, riverside, person):
    start, _ = week_of_riverside
    parent, sixteen = person(PARENT), person("student16@riverside.example")
    Guardianship.objects.filter(guardian=parent, student=sixteen).update(weekly_digest=False)
    build(riverside, start)
    digest = Digest.objects.get(guardian=parent, week_start=start)
    assert [c["student"] for c in digest.summary["children"]] == [
        person("student1@riverside.example").pk
    ]
    assert "Student 16" not in digest.html and "Student 16" not in digest.text
    assert digest.html.count("/unsubscribe/") == 2


def test_guardians_no_longer_active_get_nothing(week_of_riverside, riverside, person):
    start, _ = week_of_riverside
    parent = person(PARENT)
    parent.memberships.filter(centre=riverside).update(is_active=False)
    build(riverside, start)
    assert not Digest.objects.filter(guardian=parent, week_start=start).exists()


def test_the_week_starts_on_a_monday(riverside):
    with pytest.raises(ValueError, match="Monday"):
        build(riverside, monday_in(riverside, 3) + dt.timedelta(days=2))


def _build_queries(guardians: int, slug: str) -> tuple[int, int]:
    made = synthetic_centre(slug, guardians=guardians)
    centre, start = made.centre, monday_in(made.centre, 2)
    for n, group in enumerate(made.classes):
        item = homework(group, f"Task {n}", set_on=start, due_at=at(centre, days(start, 9)))
        hand_in(item, made.students[n], at_time=at(centre, days(start, 2)), late=True)
    announcement(centre, "News", published_at=at(centre, days(start, 1)))
    with CaptureQueriesContext(connection) as queries:
        summary = digests_build(centre=centre, week_start=start, now=at(centre, days(start, 6)))
    assert summary.built == guardians
    return len(queries), Digest.objects.filter(centre=centre).count()


def test_the_build_runs_the_same_queries_for_5_and_50_guardians():
    few, rows_few = _build_queries(5, "few")
    many, rows_many = _build_queries(50, "many")
    assert (rows_few, rows_many) == (5, 50)
    assert few == many, f"{few} queries for 5 guardians, {many} for 50"
    assert few <= 12
