"""Matrix entries of the member-site API: submissions, grades, notices, preferences, calendar.

Kept beside `matrix.py` (which merges them into MATRIX) so each area's rules read as one list.
"""

from __future__ import annotations

from portal.centres.models import Centre
from portal.notifications.models import Notice
from portal.submissions.models import GradeChange, Submission, SubmissionFile
from tests.api.matrix import EVERYONE_SIGNED_IN, ONLY_PLATFORM, Entry, demo, expect, parent1_link
from tests.api.matrix import live_homework as fractions

READ = expect("200 200 200 404 200 200 401")
GRADERS = expect("200 200 200 404 403 403 401")
HAND_IN = expect("403 403 403 400 201 403 401")
HAND_IN_ELSEWHERE = expect("403 400 400 400 400 400 401")
BULK_RETURN = expect("200 200 200 400 403 403 401")
BULK_RETURN_ELSEWHERE = expect("200 400 400 400 400 400 401")
AUDIT = expect("200 200 404 404 404 404 401")
OWN_NOTICE = expect("403 404 404 404 200 404 401")
OTHERS_NOTICE = expect("403 404 404 404 404 404 401")
OWN_PREFERENCE = expect("404 404 404 404 404 200 401")
NOBODYS = expect("404 404 404 404 404 404 401")


def student1_work(centre: Centre) -> Submission:
    return Submission.objects.get(homework=fractions(centre), student=demo(centre, "student1"))


def student1_file(centre: Centre) -> SubmissionFile:
    return student1_work(centre).files.get()


def grade_change(centre: Centre) -> GradeChange:
    return GradeChange.objects.in_centres([centre.pk]).order_by("pk").first()


def student1_notice(centre: Centre) -> Notice:
    return Notice.objects.filter(recipient=demo(centre, "student1"), centre=centre).first()


MEMBER_SITE: dict[str, Entry] = {
    "submissions_list": Entry(own=EVERYONE_SIGNED_IN),
    "submissions_retrieve": Entry(own=READ, other=ONLY_PLATFORM, target=student1_work),
    "submissions_create": Entry(
        own=HAND_IN,
        other=HAND_IN_ELSEWHERE,
        body=lambda c: {"homework": fractions(c).pk, "text": "My second try."},
    ),
    "submissions_grade_create": Entry(
        own=GRADERS,
        other=ONLY_PLATFORM,
        target=student1_work,
        body=lambda c: {"points": 15, "feedback": "Well done."},
    ),
    "submissions_return_create": Entry(own=GRADERS, other=ONLY_PLATFORM, target=student1_work),
    "submissions_bulk_return_create": Entry(
        own=BULK_RETURN,
        other=BULK_RETURN_ELSEWHERE,
        body=lambda c: {"submissions": [student1_work(c).pk]},
    ),
    "submission_files_retrieve": Entry(own=READ, other=ONLY_PLATFORM, target=student1_file),
    "submission_archives_retrieve": Entry(own=GRADERS, other=ONLY_PLATFORM, target=fractions),
    "grade_changes_list": Entry(own=EVERYONE_SIGNED_IN),
    "grade_changes_retrieve": Entry(own=AUDIT, other=ONLY_PLATFORM, target=grade_change),
    "notices_list": Entry(own=EVERYONE_SIGNED_IN),
    "notices_read_create": Entry(own=OWN_NOTICE, other=OTHERS_NOTICE, target=student1_notice),
    "notices_read_all_create": Entry(own=EVERYONE_SIGNED_IN),
    "notification_preferences_list": Entry(own=EVERYONE_SIGNED_IN),
    "notification_preferences_retrieve": Entry(
        own=OWN_PREFERENCE, other=NOBODYS, target=parent1_link
    ),
    "notification_preferences_partial_update": Entry(
        own=OWN_PREFERENCE,
        other=NOBODYS,
        target=parent1_link,
        body=lambda c: {"email_notices": False},
    ),
    "calendar_retrieve": Entry(own=EVERYONE_SIGNED_IN),
    "calendar_reset_create": Entry(own=EVERYONE_SIGNED_IN),
}
