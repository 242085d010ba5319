"""Report services on PostgreSQL: what each report holds (read back from CSV and XLSX), formula
escaping, requests and their checks, re-runs that leave one file, and expiry."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.classes.models import Enrollment
from portal.core.private_files import private_storage
from portal.reports import services
from portal.reports.models import ReportExport
from portal.reports.tables import COMPLETION_HEADERS, GRADE_HEADERS, LOG_HEADERS
from portal.submissions.models import Submission
from tests.reports.conftest import RIVERSIDE_ADMIN, read_export

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")
Status = ReportExport.Status


def local_text(moment: dt.datetime) -> str:
    return moment.astimezone(LONDON).strftime("%Y-%m-%d %H:%M")


def local_naive(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(LONDON).replace(tzinfo=None)


def built(export: ReportExport) -> ReportExport:
    done = services.report_export_build(export_id=export.pk)
    assert done.status == Status.DONE, done.error
    return done


def files_of(export: ReportExport) -> list[str]:
    try:
        return private_storage.listdir(f"reports/{export.storage_key}")[1]
    except FileNotFoundError:
        return []


class TestGrades:
    def test_csv_has_a_row_per_student_per_homework(self, gradebook, request_export):
        export = built(request_export("grades", school_class=gradebook.school_class))
        header, *rows = read_export(export)
        assert header == GRADE_HEADERS
        picked = [(r[1], r[4], r[7], r[10], r[11], r[12]) for r in rows]
        assert picked == [
            ("'=cmd", "1", "returned", "7", "10", "'+1 well done"),
            ("'=cmd", "2", "late", "", "10", "'-2 for lateness"),
            ("'=cmd", "3", "missing", "", "10", ""),
            ("'=cmd", "4", "submitted", "", "10", "'@SUM(A1:A9)"),  # left the class since
            ("Essay", "1", "missing", "", "", ""),
            ("Essay", "2", "missing", "", "", ""),
            ("Essay", "3", "submitted", "", "", ""),
            ("Essay", "5", "submitted", "", "", ""),  # never in the class, handed in anyway
        ]
        assert export.row_count == 8 and export.progress == 100
        first = rows[0]
        assert first[0] == "RPT1"
        assert first[2] == local_text(gradebook.quiz.due_at)
        assert first[3] == "'-007"  # text that looks like a number is text
        assert first[6] == "student1@riverside.example"
        assert first[9] == "no" and rows[1][9] == "yes"
        assert first[13] == local_text(gradebook.due)

    def test_xlsx_keeps_numbers_and_dates_typed_and_formulas_as_text(
        self, gradebook, request_export
    ):
        export = built(
            request_export("grades", school_class=gradebook.school_class, file_format="xlsx")
        )
        header, *rows = read_export(export)
        assert header == GRADE_HEADERS
        first = rows[0]
        assert first[1] == "'=cmd" and first[3] == "'-007" and first[12] == "'+1 well done"
        assert first[10] == 7 and first[11] == 10  # numbers, not text
        assert first[2] == local_naive(gradebook.quiz.due_at)
        assert [r[12] for r in rows[1:4]] == ["'-2 for lateness", None, "'@SUM(A1:A9)"]
        day = export.finished_at.astimezone(LONDON).date().isoformat()
        assert export.download_name == f"riverside-grades-RPT1-{day}.xlsx"

    def test_whole_centre_lists_every_class_with_homework(self, gradebook, request_export):
        rows = read_export(built(request_export("grades")))[1:]
        assert {"RPT1", "7M1", "7E1", "7S1"} <= {row[0] for row in rows}
        assert not any("Hillcrest" in cell or "hillcrest" in cell for row in rows for cell in row)

    def test_queries_do_not_grow_with_the_rows(self, gradebook, request_export, person):
        def queries() -> int:
            export = request_export("grades", school_class=gradebook.school_class)
            with CaptureQueriesContext(connection) as captured:
                built(export)
            return len(captured)

        few = queries()
        for n in range(6, 16):
            student = person(f"student{n}@riverside.example")
            Enrollment.objects.create(school_class=gradebook.school_class, student=student)
            Submission.objects.create(
                homework=gradebook.essay, student=student, submitted_at=timezone.now()
            )
        assert ReportExport.objects.latest("pk").row_count == 8
        assert queries() == few
        assert ReportExport.objects.latest("pk").row_count == 28


def test_completion_per_homework_then_per_student(gradebook, request_export):
    export = built(request_export("completion", school_class=gradebook.school_class))
    header, *rows = read_export(export)
    assert header == COMPLETION_HEADERS
    counts = [(r[0], r[2], r[5], *r[8:14]) for r in rows]
    assert counts == [
        # summary, homework, last name, expected, handed in, on time, late, missing, percent
        ("homework", "'=cmd", "", "4", "3", "2", "1", "1", "75"),
        ("homework", "Essay", "", "4", "2", "2", "0", "2", "50"),
        ("student", "", "1", "2", "1", "1", "0", "1", "50"),
        ("student", "", "2", "2", "1", "0", "1", "1", "50"),
        ("student", "", "3", "2", "1", "1", "0", "1", "50"),
        ("student", "", "4", "1", "1", "1", "0", "0", "100"),
        ("student", "", "5", "1", "1", "1", "0", "0", "100"),
    ]
    assert rows[2][4] == "'-007"


def test_completion_of_the_whole_centre_covers_its_classes(gradebook, request_export):
    export = built(request_export("completion", file_format="xlsx"))
    rows = read_export(export)[1:]
    homework_rows = [row for row in rows if row[0] == "homework"]
    assert {row[1] for row in homework_rows} >= {"RPT1", "7E1"}
    assert all(isinstance(row[8], int) for row in rows)
    reading_log = next(row for row in homework_rows if row[2] == "Reading log")
    assert reading_log[8:13] == [20, 8, 6, 2, 12]  # the demo: six on time, two late


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_submissions_log_lists_every_submission_in_order(file_format, gradebook, request_export):
    export = built(
        request_export(
            "submissions_log", school_class=gradebook.school_class, file_format=file_format
        )
    )
    header, *rows = read_export(export)
    assert header == LOG_HEADERS
    expected = Submission.objects.filter(homework__school_class=gradebook.school_class)
    assert len(rows) == expected.count() == 5
    times = [row[7] for row in rows]
    assert times == sorted(times)
    late = next(row for row in rows if row[4] in ("2", 2))
    assert late[8:11] in (["yes", "2", "late"], ["yes", 2, "late"])


class TestRequest:
    def test_queues_a_build_after_commit(
        self, riverside, person, gradebook, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            export = services.report_export_request(
                centre=riverside,
                kind="grades",
                school_class=gradebook.school_class,
                format="xlsx",
                by=person(RIVERSIDE_ADMIN),
            )
        assert len(callbacks) == 1
        assert export.status == Status.QUEUED and export.requested_by == person(RIVERSIDE_ADMIN)

    @pytest.mark.parametrize(
        "email",
        ["teacher1@riverside.example", "student1@riverside.example", "admin@hillcrest.example"],
    )
    def test_only_the_centres_admins_may_ask(self, email, riverside, person):
        before = ReportExport.objects.count()
        with pytest.raises(PermissionDenied):
            services.report_export_request(centre=riverside, kind="grades", by=person(email))
        assert ReportExport.objects.count() == before

    def test_a_class_of_another_centre_is_refused(self, riverside, hillcrest, person):
        with pytest.raises(ValidationError) as refused:
            services.report_export_request(
                centre=riverside,
                kind="grades",
                school_class=hillcrest.classes.first(),
                by=person(RIVERSIDE_ADMIN),
            )
        assert "school_class" in refused.value.message_dict

    def test_unknown_kind_or_format_is_refused(self, riverside, person):
        for fields in ({"kind": "salaries"}, {"kind": "grades", "format": "pdf"}):
            with pytest.raises(ValidationError):
                services.report_export_request(
                    centre=riverside, by=person(RIVERSIDE_ADMIN), **fields
                )


class TestBuild:
    def test_a_finished_report_is_not_built_again(self, gradebook, request_export):
        export = built(request_export("grades", school_class=gradebook.school_class))
        again = services.report_export_build(export_id=export.pk)
        assert again.file.name == export.file.name and again.finished_at == export.finished_at
        assert files_of(export) == [export.file.name.rsplit("/", 1)[1]]

    def test_a_redelivered_run_starts_again_and_leaves_one_file(self, gradebook, request_export):
        export = request_export("grades", school_class=gradebook.school_class)
        first = built(export)
        # As if the worker died after writing: the row still says running.
        ReportExport.objects.filter(pk=export.pk).update(status=Status.RUNNING, progress=40)
        second = built(export)
        assert files_of(export) == [second.file.name.rsplit("/", 1)[1]]
        assert second.file.name != first.file.name
        assert len(read_export(second)) == 9

    def test_a_superseded_run_deletes_its_own_file(self, gradebook, request_export, monkeypatch):
        export = request_export("grades", school_class=gradebook.school_class)
        original = services._write

        def overtaken(export, path, *, progress):
            rows = original(export, path, progress=progress)
            ReportExport.objects.filter(pk=export.pk).update(run_token="another-run")
            return rows

        monkeypatch.setattr(services, "_write", overtaken)
        result = services.report_export_build(export_id=export.pk)
        assert result.status == Status.RUNNING and not result.file
        assert files_of(export) == []

    def test_progress_is_reported_while_writing(self, gradebook, request_export, monkeypatch):
        monkeypatch.setattr("portal.reports.writers.CHUNK_ROWS", 2)
        export = request_export("grades", school_class=gradebook.school_class)
        seen = []
        original = ReportExport.objects.filter(pk=export.pk).__class__.update

        def spy(queryset, **fields):
            if set(fields) == {"progress"}:
                seen.append(fields["progress"])
            return original(queryset, **fields)

        monkeypatch.setattr(type(ReportExport.objects.all()), "update", spy)
        built(export)
        # Every two rows, of the six the class was expected to hand in (eight were written).
        assert seen == [33, 66, 99]

    def test_a_failure_is_recorded_and_leaves_no_file(self, gradebook, request_export, monkeypatch):
        def broken(export):
            raise RuntimeError("database went away")

        monkeypatch.setitem(services.TABLES, "grades", broken)
        export = request_export("grades", school_class=gradebook.school_class)
        failed = services.report_export_build(export_id=export.pk)
        assert failed.status == Status.FAILED and "could not be made" in failed.error
        assert files_of(export) == []


class TestExpiry:
    def test_expired_files_are_deleted_and_marked(self, gradebook, request_export):
        export = built(request_export("grades", school_class=gradebook.school_class))
        fresh = built(request_export("completion", school_class=gradebook.school_class))
        name = export.file.name
        later = export.expires_at + dt.timedelta(seconds=1)
        ReportExport.objects.exclude(pk=export.pk).update(expires_at=later + dt.timedelta(days=1))
        assert services.exports_expire(now=export.expires_at - dt.timedelta(seconds=1)) == 0
        assert services.exports_expire(now=later) == 1
        export.refresh_from_db()
        assert export.status == Status.EXPIRED and not export.file
        assert not private_storage.exists(name)
        fresh.refresh_from_db()
        assert fresh.status == Status.DONE and private_storage.exists(fresh.file.name)
        assert services.exports_expire(now=later) == 0  # nothing left to do

    def test_the_file_is_refused_after_its_period(self, gradebook, request_export):
        export = built(request_export("grades", school_class=gradebook.school_class))
        assert services.report_export_file(export=export) == export.file
        with pytest.raises(services.ReportExpired):
            services.report_export_file(export=export, now=export.expires_at)
        export.refresh_from_db()
        assert export.status == Status.EXPIRED and files_of(export) == []

    def test_a_report_being_made_has_no_file_yet(self, request_export):
        with pytest.raises(services.ReportNotReady):
            services.report_export_file(export=request_export("grades"))
