"""The streaming writers: formula-looking text is quoted, numbers and dates stay typed."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from portal.reports.writers import Table, spreadsheet_safe, write_csv, write_xlsx
from tests.reports.conftest import read_rows

ROW = ("=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1:A9)", "\t=1", "\r=1", -2, 3.5, "plain", None)
ESCAPED = ["'=cmd|' /C calc'!A0", "'+1", "'-2", "'@SUM(A1:A9)", "'\t=1", "'\r=1"]


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=cmd", "'=cmd"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        (-2, -2),
        (1.5, 1.5),
        (None, None),
    ],
)
def test_spreadsheet_safe(value, safe):
    assert spreadsheet_safe(value) == safe


def table(*rows) -> Table:
    return Table("Sheet", ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"], iter(rows), len(rows))


def test_csv_quotes_formulas_and_leaves_negative_numbers(tmp_path):
    path = tmp_path / "out.csv"
    assert write_csv(table(ROW), str(path), lambda rows: None) == 1
    _header, row = read_rows(path.read_bytes(), "csv")
    assert row == [*ESCAPED, "-2", "3.5", "plain", ""]


def test_xlsx_quotes_formulas_and_keeps_numbers(tmp_path):
    path = tmp_path / "out.xlsx"
    when = dt.datetime(2025, 3, 30, 1, 30)
    write_xlsx(table(ROW, ("=1+1", "a\x01b", when, 0, "", "", "", "", "", "")), str(path), abs)
    sheet = load_workbook(path).worksheets[0]
    first, second = list(sheet.iter_rows(min_row=2))
    # XML reads a carriage return back as a line feed; the quote in front is what matters.
    assert [cell.value.replace("\n", "\r") for cell in first[:6]] == ESCAPED
    assert all(cell.data_type == "s" for cell in first[:6])  # text, never a formula
    assert first[6].value == -2 and first[6].data_type == "n"
    assert first[7].value == 3.5
    assert second[0].value == "'=1+1" and second[0].data_type == "s"
    assert second[1].value == "ab"  # a control character XLSX cannot hold is dropped
    assert second[2].value == when and second[3].value == 0


def test_progress_is_reported_every_chunk_and_at_the_end(tmp_path, monkeypatch):
    monkeypatch.setattr("portal.reports.writers.CHUNK_ROWS", 3)
    seen = []
    rows = [(str(n),) * 10 for n in range(7)]
    write_csv(table(*rows), str(tmp_path / "out.csv"), seen.append)
    assert seen == [3, 6, 7]
