"""Streaming CSV and XLSX writers: rows go straight to a file, never all held in memory.

Text that a spreadsheet would run as a formula (OWASP: a leading `=`, `+`, `-`, `@`, tab or
carriage return) is prefixed with a single quote; numbers and dates stay typed.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Rows between two progress reports (and the chunk size of the queries feeding them).
CHUNK_ROWS = 2000

Cell = str | int | float | dt.datetime | dt.date | None


@dataclass
class Table:
    """A report's sheet: headers, rows produced lazily, and how many rows to expect."""

    title: str
    headers: list[str]
    rows: Iterator[tuple[Cell, ...]]
    expected_rows: int


def spreadsheet_safe(value: Cell) -> Cell:
    """The value, with text that could run as a formula quoted; other types as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_cell(value: Cell):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return spreadsheet_safe(value)


def _xlsx_cell(value: Cell):
    if isinstance(value, str):
        # XLSX cannot hold most control characters; drop them rather than fail the report.
        return spreadsheet_safe(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _write_rows(rows: Iterable, append: Callable, on_rows: Callable[[int], None]) -> int:
    count = 0
    for row in rows:
        append(row)
        count += 1
        if count % CHUNK_ROWS == 0:
            on_rows(count)
    on_rows(count)
    return count


def write_csv(table: Table, path: str, on_rows: Callable[[int], None]) -> int:
    """UTF-8 with a byte order mark, so spreadsheet programs read accents right."""
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow([_csv_cell(h) for h in table.headers])
        return _write_rows(
            table.rows, lambda row: writer.writerow([_csv_cell(v) for v in row]), on_rows
        )


def write_xlsx(table: Table, path: str, on_rows: Callable[[int], None]) -> int:
    """openpyxl's write-only mode streams each row to disk as it is appended."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.title[:31])
    sheet.append([_xlsx_cell(h) for h in table.headers])
    written = _write_rows(
        table.rows, lambda row: sheet.append([_xlsx_cell(v) for v in row]), on_rows
    )
    workbook.save(path)
    return written


WRITERS = {"csv": write_csv, "xlsx": write_xlsx}
