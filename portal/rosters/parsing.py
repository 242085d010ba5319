"""Reading spreadsheets people actually have: CSV in any common encoding and delimiter, or XLSX.

Rows are streamed, never loaded whole, so memory stays flat however long the file is. Row numbers
are the ones a spreadsheet shows (the header is row 1), also when quoted cells hold line breaks.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

MAX_ROWS = 100_000
DELIMITERS = (",", ";", "\t")
SNIFF_BYTES = 64 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"
csv.field_size_limit(1024 * 1024)


class RosterFileError(ValueError):
    """The file as a whole cannot be read; the message is for the person who uploaded it."""


@dataclass(frozen=True)
class Table:
    """A header and a stream of (row number, cells) for the non-blank rows under it."""

    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]


def file_type(stream: IO[bytes]) -> str:
    """ "csv", "xlsx" or "zip" (a OneRoster bundle), from the content rather than the name."""
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if not head.strip():
        raise RosterFileError("The file is empty.")
    if head.startswith(OLD_EXCEL_MAGIC):
        raise RosterFileError("This is an old Excel (.xls) file; save it as .xlsx or CSV.")
    if head.startswith(ZIP_MAGIC):
        try:
            names = zipfile.ZipFile(stream).namelist()
        except zipfile.BadZipFile:
            raise RosterFileError("The file looks like a damaged zip or XLSX file.") from None
        finally:
            stream.seek(0)
        return "xlsx" if "[Content_Types].xml" in names else "zip"
    if looks_binary(head):
        raise RosterFileError(
            "This is not a spreadsheet or CSV file (it contains binary data). "
            "Export the roster as CSV or XLSX and upload that."
        )
    return "csv"


def looks_binary(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\r\n\f")
    return controls > len(head) // 100


def detect_encoding(stream: IO[bytes]) -> str:
    """UTF-8 (with or without BOM) or UTF-16 when they decode; else Windows-1252."""
    stream.seek(0)
    head = stream.read(4)
    stream.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    else:
        encoding = "utf-8"
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := stream.read(SNIFF_BYTES):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        stream.seek(0)
    return encoding


def sniff_delimiter(first_line: str) -> str:
    """The delimiter that splits the header best; quoted text does not count."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=counts.__getitem__)
    return best if counts[best] else ","


def _non_blank(records: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    for number, cells in enumerate(records, start=1):
        cells = [cell.strip() for cell in cells]
        if any(cells):
            yield number, cells


def _csv_records(stream: IO[bytes]) -> Iterator[list[str]]:
    encoding = detect_encoding(stream)
    # cp1252 leaves five bytes undefined; show them as � rather than refuse the whole file.
    errors = "replace" if encoding == "cp1252" else "strict"
    text = io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline="")
    try:
        first_line = text.readline()
        text.seek(0)
        yield from csv.reader(text, delimiter=sniff_delimiter(first_line), strict=False)
    finally:
        # The caller owns the stream (a dropped wrapper would close it); an import that stopped
        # early may have closed it already before this generator is collected.
        if not stream.closed:
            text.detach()


def read_csv(stream: IO[bytes]) -> Table:
    return _table(_non_blank(_csv_records(stream)))


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # Excel keeps ids typed as numbers as floats; whole ones read back as typed.
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def read_xlsx(stream: IO[bytes]) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a broken workbook
        raise RosterFileError(f"The spreadsheet cannot be opened ({error}).") from None
    sheet = workbook.worksheets[0]
    rows = ([_xlsx_text(value) for value in row] for row in sheet.iter_rows(values_only=True))
    return _table(_non_blank(rows))


def _table(rows: Iterator[tuple[int, list[str]]]) -> Table:
    first = next(rows, None)
    if first is None:
        raise RosterFileError("The file is empty.")
    return Table(headers=first[1], rows=_limited(rows))


def _limited(rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    for count, row in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise RosterFileError(
                f"The file has more than {MAX_ROWS:,} rows; split it into smaller files."
            )
        yield row


def read_table(stream: IO[bytes]) -> Table:
    """The first sheet of an XLSX file or a CSV file, whichever `stream` holds."""
    kind = file_type(stream)
    if kind == "zip":
        raise RosterFileError("This is a zip file; choose “OneRoster 1.1 CSV bundle” to import it.")
    return read_xlsx(stream) if kind == "xlsx" else read_csv(stream)


def count_rows(stream: IO[bytes]) -> int:
    """Data rows in a CSV/XLSX file or, for a OneRoster bundle, in its users and enrollments."""
    if file_type(stream) != "zip":
        try:
            return sum(1 for _ in read_table(stream).rows)
        finally:
            stream.seek(0)
    with zipfile.ZipFile(stream) as bundle:
        total = 0
        for name in bundle.namelist():
            if name.rsplit("/", 1)[-1] in ("users.csv", "enrollments.csv"):
                with bundle.open(name) as member:
                    total += max(sum(1 for _ in member) - 1, 0)
    stream.seek(0)
    return total
