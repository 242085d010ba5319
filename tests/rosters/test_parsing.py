"""Input people really upload: encodings, delimiters, quoting, headers, spreadsheets, junk."""

from __future__ import annotations

import codecs
import io

import pytest
from openpyxl import Workbook

from portal.rosters.parsing import RosterFileError, count_rows, read_table
from portal.rosters.records import read_people

HEADER = "Student ID,First Name,last_name,E-Mail,classes\r\n"


def rows_of(data: bytes):
    table = read_table(io.BytesIO(data))
    return table.headers, list(table.rows)


def people(data: bytes):
    return list(read_people(read_table(io.BytesIO(data)), "students"))


@pytest.mark.parametrize(
    "data",
    [
        (HEADER + "S1,Zoë,Brontë,zoe@example.com,7M1\r\n").encode("utf-8"),
        codecs.BOM_UTF8 + (HEADER + "S1,Zoë,Brontë,zoe@example.com,7M1\r\n").encode("utf-8"),
        (HEADER + "S1,Zoë,Brontë,zoe@example.com,7M1\r\n").encode("cp1252"),
        (HEADER + "S1,Zoë,Brontë,zoe@example.com,7M1\r\n").encode("utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "windows-1252", "utf-16"],
)
def test_encodings(data):
    (checked,) = people(data)
    assert checked.errors == []
    assert (checked.record.first_name, checked.record.last_name) == ("Zoë", "Brontë")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_delimiters(delimiter):
    header = ["Student ID", "First Name", "last_name", "E-Mail", "classes"]
    row = ["S1", '"Ann, Marie"', "Lee", "ann@example.com", '"7M1,7E1"']
    text = delimiter.join(header) + "\r\n" + delimiter.join(row) + "\r\n"
    (checked,) = people(text.encode())
    assert checked.record.first_name == "Ann, Marie"
    assert checked.record.class_codes == ["7M1", "7E1"]


def test_quoted_commas_and_line_breaks_keep_spreadsheet_row_numbers():
    data = (
        HEADER + 'S1,"Ann,\nMarie",Lee,ann@example.com,7M1\r\nS2,Bo,Ng,not-an-email,7M1\r\n'
    ).encode()
    first, second = people(data)
    assert first.record.first_name == "Ann,\nMarie"
    assert second.errors[0].row == 3  # the header is row 1, the two-line cell is all of row 2
    assert second.errors[0].column == "email"


def test_header_case_and_spacing_and_blank_trailing_rows():
    data = b" STUDENT_ID ; first-name ;LAST NAME;email\r\nS1;A;B;a@example.com\r\n;;;\r\n\r\n\r\n"
    _headers, rows = rows_of(data)
    assert [row for _n, row in rows] == [["S1", "A", "B", "a@example.com"]]
    (checked,) = people(data)
    assert checked.record.external_id == "S1"
    assert checked.record.class_codes is None  # no classes column: enrollments left alone


def test_xlsx_numbers_read_as_typed():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["student_id", "first_name", "last_name", "email", "classes"])
    sheet.append([1234, "Ann", "Lee", "ann@example.com", "7M1"])
    sheet.append([1.2e17, "Bo", "Ng", "bo@example.com", "7M1"])
    sheet.append([None, None, None, None, None])
    stream = io.BytesIO()
    workbook.save(stream)
    first, second = people(stream.getvalue())
    assert first.record.external_id == "1234"
    assert second.errors[0].column == "student_id"
    assert "scientific notation" in second.errors[0].reason


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\r\n\r\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"PK\x03\x04broken", "damaged"),
    ],
    ids=["empty", "blank-lines", "png-renamed", "old-xls", "broken-zip"],
)
def test_unreadable_files_are_explained(data, message):
    with pytest.raises(RosterFileError, match=message):
        rows_of(data)


def test_missing_required_column_names_it():
    with pytest.raises(RosterFileError, match="email"):
        people(b"student_id,first_name,last_name\r\nS1,A,B\r\n")


def test_formula_cells_and_mangled_ids_are_row_errors_but_code_7e1_is_not():
    data = (HEADER + "1.2E+5,=HYPERLINK(1),B,a@example.com,7E1\r\n").encode()
    (checked,) = people(data)
    assert {(e.row, e.column) for e in checked.errors} == {(2, "student_id"), (2, "first_name")}


def test_count_rows_does_not_close_or_consume_the_file():
    stream = io.BytesIO((HEADER + "S1,A,B,a@example.com,7M1\r\n" * 3).encode())
    assert count_rows(stream) == 3
    assert count_rows(stream) == 3
