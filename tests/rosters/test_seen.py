"""The import's file index on both databases it runs on: PostgreSQL (arrays) and SQLite (the
embedded mode, plain placeholders)."""

from __future__ import annotations

import contextlib

import pytest
from django.db import DatabaseError, transaction
from django.db.utils import ConnectionHandler

from portal.rosters.seen import SQLITE_PAGE, FileIndex, Sighting


@pytest.fixture(params=["postgresql", "sqlite"])
def index(request):
    if request.param == "postgresql":
        request.getfixturevalue("db")
        yield FileIndex()
        return
    sqlite = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    )
    try:
        yield FileIndex(sqlite["default"])
    finally:
        sqlite.close_all()


def test_earlier_finds_exactly_the_keys_asked_for(index):
    index.add(
        [
            ("students:student_id", "S1", 2, "", {}),
            ("students:email", "a@example.com", 2, "", {}),
            ("guardian", "carer@example.com", 3, "", {"first_name": "Sam", "phone": ""}),
        ]
    )
    found = index.earlier(
        [
            ("students:student_id", "S1"),
            ("students:email", "S1"),  # same value, other scope: never seen
            ("students:student_id", "S2"),
            ("guardian", "carer@example.com"),
        ]
    )
    assert found == {
        ("students:student_id", "S1"): Sighting(2, {}),
        ("guardian", "carer@example.com"): Sighting(3, {"first_name": "Sam", "phone": ""}),
    }
    assert index.earlier([]) == {}


def test_many_entries_at_once(index):
    entries = [
        ("students:email", f"p{n}@example.com", n, "", {}) for n in range(SQLITE_PAGE * 2 + 5)
    ]
    index.add(entries)
    asked = [(scope, value) for scope, value, *_rest in entries[::7]]
    assert len(index.earlier(asked)) == len(asked)


def test_ids_short_of_the_files_padding(index):
    assert index.short_of_padding("students:numeric") == (0, [])
    index.add(
        [
            ("students:numeric", "000123", 2, "", {}),
            ("students:numeric", "124", 3, "", {}),
            ("students:numeric", "0125", 4, "", {}),
            ("students:numeric", "1234567", 5, "", {}),
        ]
    )
    assert index.short_of_padding("students:numeric") == (6, [("124", 3, "")])


def test_ids_under_a_scope_as_a_subquery(index):
    index.add([("students:user", "41", 0, "", {}), ("students:user", "42", 0, "", {})])
    ids = index.ids_under("students:user")
    with index.connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({ids.sql}) AS ids ORDER BY 1", ids.params)
        assert [found for (found,) in cursor.fetchall()] == [41, 42]


def test_the_table_goes_when_dropped(index):
    index.drop()
    # A savepoint keeps PostgreSQL's test transaction usable after the expected error.
    savepoint = transaction.atomic() if index.arrays else contextlib.nullcontext()
    with pytest.raises(DatabaseError), savepoint, index.connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {index.table}")
