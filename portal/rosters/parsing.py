"""Reading spreadsheets people actually have: CSV in any common encoding and delimiter, or XLSX.

Rows are streamed, never loaded whole, so memory stays flat however long the file is. Row numbers
are the ones a spreadsheet shows (the header is row 1), also when quoted cells hold line breaks.

Zips (XLSX files, OneRoster bundles) are judged by their directory before anything in them is
unpacked: a 1 MB zip can hold a gigabyte of zeros. A file in a zip is then unpacked only as far as
the size the directory declared, in case it lied.
"""

from __future__ import annotations

import codecs
import csv
import io
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

from django.conf import settings
from django.template.defaultfilters import filesizeformat

MAX_ROWS = 100_000
#: One row of a CSV file, all its lines together (quoted cells may hold line breaks); real rows
#: are a few hundred characters. A file without line breaks must not become one huge string.
MAX_ROW_CHARS = 100_000
DELIMITERS = (",", ";", "\t")
SNIFF_BYTES = 64 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"
MB = 1024 * 1024
#: Files in one zip; a OneRoster bundle has about a dozen, an XLSX file a few dozen.
ZIP_MAX_MEMBERS = 1000
#: How many times its packed size a file in a zip may unpack to; CSV and XLSX stay far below.
ZIP_MAX_RATIO = 100
#: Files this small are not held to the ratio (a short file of blanks packs very well).
ZIP_RATIO_FREE_BYTES = MB
#: A zip's end record: signature, disk numbers, entries (this disk, all), directory size and
#: offset, comment length. It sits in the last 64 KiB (+22 bytes) of the file.
ZIP_END_RECORD = struct.Struct("<4s4H2LH")
ZIP_END_SIGNATURE = b"PK\x05\x06"
#: An unpacked file stays in memory up to this size and moves to a temporary file beyond it.
UNPACKED_IN_MEMORY_BYTES = MB


class RosterFileError(ValueError):
    """The file cannot be read (from `row` on, when it names one); the message is for the person
    who uploaded it. `sheet` names the file inside a zip."""

    def __init__(
        self, message: str, *, row: int = 0, column: str = "", value: str = "", sheet: str = ""
    ) -> None:
        super().__init__(message)
        self.row, self.column, self.value, self.sheet = row, column, value, sheet


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
            with open_zip(stream) as archive:
                names = archive.namelist()
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


class _RowLines:
    """A CSV file's lines for csv.reader, none read past MAX_ROW_CHARS for the row they belong
    to; `row` is the spreadsheet row being read."""

    def __init__(self, text: io.TextIOWrapper) -> None:
        self.text = text
        self.row = 1
        self.row_chars = 0

    def __iter__(self) -> _RowLines:
        return self

    def __next__(self) -> str:
        # One character more than the row has left: getting all of them means it is too long.
        line = self.text.readline(MAX_ROW_CHARS - self.row_chars + 1)
        if not line:
            raise StopIteration
        self.row_chars += len(line)
        if self.row_chars > MAX_ROW_CHARS:
            raise _row_too_long(self.row)
        return line

    def next_row(self) -> None:
        self.row += 1
        self.row_chars = 0


def _row_too_long(row: int) -> RosterFileError:
    return RosterFileError(
        f"This row is longer than {MAX_ROW_CHARS:,} characters, far more than a roster row; "
        "check that this is the roster file and that it has its line breaks.",
        row=row,
    )


def _csv_records(stream: IO[bytes]) -> Iterator[list[str]]:
    encoding = detect_encoding(stream)
    # cp1252 leaves five bytes undefined; show them as � rather than refuse the whole file.
    errors = "replace" if encoding == "cp1252" else "strict"
    text = io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline="")
    try:
        first_line = text.readline(MAX_ROW_CHARS)
        text.seek(0)
        lines = _RowLines(text)
        try:
            for cells in csv.reader(lines, delimiter=sniff_delimiter(first_line), strict=False):
                yield cells
                lines.next_row()
        except csv.Error:  # csv's own (process-wide) limit on a cell, should it be lower
            raise _row_too_long(lines.row) from None
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
    return _table(_non_blank(_xlsx_rows(workbook.worksheets[0])))


def _xlsx_rows(sheet) -> Iterator[list[str]]:
    try:
        for row in sheet.iter_rows(values_only=True):
            yield [_xlsx_text(value) for value in row]
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise _not_as_declared() from None


def _table(rows: Iterator[tuple[int, list[str]]]) -> Table:
    first = next(rows, None)
    if first is None:
        raise RosterFileError("The file is empty.")
    number, headers = first
    _refuse_nul(number, headers)
    return Table(headers=headers, rows=_checked(headers, rows))


def _checked(
    headers: list[str], rows: Iterator[tuple[int, list[str]]]
) -> Iterator[tuple[int, list[str]]]:
    for count, (number, cells) in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise RosterFileError(
                f"The file has more than {MAX_ROWS:,} rows; split it into smaller files."
            )
        _refuse_nul(number, cells, headers)
        yield number, cells


def _refuse_nul(number: int, cells: list[str], headers: list[str] | None = None) -> None:
    """No spreadsheet types a NUL character and PostgreSQL cannot store one: a cell holding one
    means a damaged or binary file, wherever in the file it is (file_type() sees the start)."""
    for position, cell in enumerate(cells):
        if "\x00" in cell:
            at = cell.index("\x00")
            raise RosterFileError(
                "Contains a NUL character (a zero byte), which no roster holds: the file may be "
                "damaged. Export it again.",
                row=number,
                column=headers[position] if headers and position < len(headers) else "",
                value=cell[max(at - 20, 0) : at + 20].replace("\x00", "\N{SYMBOL FOR NULL}"),
            )


def read_table(stream: IO[bytes]) -> Table:
    """The first sheet of an XLSX file or a CSV file, whichever `stream` holds."""
    kind = file_type(stream)
    if kind == "zip":
        raise RosterFileError("This is a zip file; choose “OneRoster 1.1 CSV bundle” to import it.")
    return read_xlsx(stream) if kind == "xlsx" else read_csv(stream)


def count_rows(stream: IO[bytes]) -> int:
    """Data rows in a CSV/XLSX file (a OneRoster bundle is counted by the worker that reads it)."""
    try:
        return sum(1 for _ in read_table(stream).rows)
    finally:
        stream.seek(0)


# -- zips --------------------------------------------------------------------------------------


def zip_max_bytes() -> int:
    """What all files in a zip may unpack to together (setting ROSTER_ZIP_MAX_BYTES)."""
    return settings.ROSTER_ZIP_MAX_BYTES


def zip_max_member_bytes() -> int:
    """What one file in a zip may unpack to (setting ROSTER_ZIP_MAX_MEMBER_BYTES)."""
    return settings.ROSTER_ZIP_MAX_MEMBER_BYTES


def open_zip(stream: IO[bytes]) -> zipfile.ZipFile:
    """The zip in `stream` if its directory keeps within the limits; nothing in it is unpacked."""
    if _declared_members(stream) > ZIP_MAX_MEMBERS:
        raise RosterFileError(
            f"The zip holds more than {ZIP_MAX_MEMBERS:,} files; a roster zip holds a few."
        )
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile:
        raise RosterFileError("The file looks like a damaged zip or XLSX file.") from None
    try:
        _check_directory(archive.infolist())
    except RosterFileError:
        archive.close()
        raise
    return archive


def _declared_members(stream: IO[bytes]) -> int:
    """The number of files the zip's end record declares, read before its directory, which
    zipfile would turn into one object per entry however many there are."""
    size = stream.seek(0, io.SEEK_END)
    stream.seek(max(size - ZIP_END_RECORD.size - 0xFFFF, 0))
    tail = stream.read()
    stream.seek(0)
    at = tail.rfind(ZIP_END_SIGNATURE)
    if at < 0 or at + ZIP_END_RECORD.size > len(tail):
        return 0  # not a zip after all: zipfile says so
    return ZIP_END_RECORD.unpack_from(tail, at)[4]


def _check_directory(members: list[zipfile.ZipInfo]) -> None:
    total = 0
    for info in members:
        name = member_name(info)
        if info.flag_bits & 0x1:
            raise RosterFileError(
                "This file in the zip has a password; export the zip without one.", sheet=name
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise RosterFileError(
                "This file in the zip is packed in a way the import does not read; zip it again "
                "with ordinary (deflate) compression.",
                sheet=name,
            )
        if info.file_size > zip_max_member_bytes():
            raise RosterFileError(
                f"This file in the zip unpacks to {filesizeformat(info.file_size)}; a file in a "
                f"roster zip may unpack to at most {filesizeformat(zip_max_member_bytes())}.",
                sheet=name,
            )
        if (
            info.file_size > ZIP_RATIO_FREE_BYTES
            and info.file_size > ZIP_MAX_RATIO * info.compress_size
        ):
            raise RosterFileError(
                f"This file in the zip unpacks to {filesizeformat(info.file_size)}, over "
                f"{ZIP_MAX_RATIO} times its packed size; no roster packs that tightly, so the zip "
                "is refused.",
                sheet=name,
            )
        total += info.file_size
    if total > zip_max_bytes():
        raise RosterFileError(
            f"The zip unpacks to {filesizeformat(total)}; a roster zip may unpack to at most "
            f"{filesizeformat(zip_max_bytes())}."
        )


def member_name(info: zipfile.ZipInfo) -> str:
    """A file's name in a zip, without the folders it may sit in."""
    return info.filename.rsplit("/", 1)[-1]


@contextmanager
def unpacked(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[IO[bytes]]:
    """One file of a zip opened by open_zip(), unpacked a chunk at a time into a seekable copy
    (in memory while small). Unpacking stops past the size the directory declared, which the
    limits were checked against: zipfile stops there too, and counting here keeps that bound
    ours whatever unpacks the file."""
    name = member_name(info)
    with tempfile.SpooledTemporaryFile(max_size=UNPACKED_IN_MEMORY_BYTES) as copy:
        unpacked_bytes = 0
        try:
            with archive.open(info) as member:
                while chunk := member.read(SNIFF_BYTES):
                    unpacked_bytes += len(chunk)
                    if unpacked_bytes > info.file_size:
                        raise _not_as_declared(name)
                    copy.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError):
            raise _not_as_declared(name) from None
        copy.seek(0)
        yield copy


def _not_as_declared(sheet: str = "") -> RosterFileError:
    return RosterFileError(
        "The zip does not unpack to what its directory says: it is damaged (or made to overload "
        "the server). Export it again.",
        sheet=sheet,
    )
