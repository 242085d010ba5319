"""What earlier rows of the file said, kept in the database rather than in memory.

An import must notice a student id, e-mail or class code used twice anywhere in the file, and a
guardian described differently on two rows. Holding every row's keys in Python would make memory
grow with the file (a 100,000-row roster is allowed), so they live in a temporary table inside
the import's own transaction: a chunk of rows asks about its keys in one query and adds its own
in one more. The table goes with the transaction if anything fails; `drop()` removes it after a
successful run.

PostgreSQL gets each column as one array parameter (`unnest`, `= ANY`): a statement with
thousands of placeholders costs more to build and plan than to run. SQLite (the embedded mode)
gets plain placeholders, in pages under its parameter limit.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection as default_connection
from django.db.models.expressions import RawSQL

#: Rows per INSERT on SQLite: well under its limit of 32,766 parameters.
SQLITE_PAGE = 1000
COLUMNS = "scope, value, row, sheet, details"
#: (scope, value, row, sheet, details): a key, where the file first used it, and what it said.
Entry = tuple[str, str, int, str, dict[str, str]]


@dataclass(frozen=True)
class Sighting:
    """Where a file first used a key, and (for guardians) what that row said about them."""

    row: int
    details: dict[str, str]


class FileIndex:
    def __init__(self, connection=default_connection) -> None:
        self.connection = connection
        self.arrays = connection.vendor == "postgresql"
        self.table = connection.ops.quote_name(f"roster_seen_{uuid.uuid4().hex}")
        self._execute(
            f"CREATE TEMPORARY TABLE {self.table} ("
            "scope varchar(40) NOT NULL, value text NOT NULL, row integer NOT NULL, "
            "sheet varchar(64) NOT NULL, details text NOT NULL, PRIMARY KEY (scope, value))"
        )

    def earlier(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Sighting]:
        """(scope, value) → where an earlier chunk used it, for those of `keys` it did."""
        keys = set(keys)
        if not keys:
            return {}
        scopes, scope_params = self._one_of(sorted({scope for scope, _value in keys}))
        values, value_params = self._one_of(sorted({value for _scope, value in keys}))
        found = self._execute(
            f"SELECT scope, value, row, details FROM {self.table} "
            f"WHERE scope {scopes} AND value {values}",
            scope_params + value_params,
        )
        return {
            (scope, value): Sighting(row, json.loads(details))
            for scope, value, row, details in found
            if (scope, value) in keys
        }

    def add(self, entries: list[Entry]) -> None:
        """Record first sightings."""
        rows = [(*entry[:4], json.dumps(entry[4])) for entry in entries]
        if not rows:
            return
        if self.arrays:
            self._execute(
                f"INSERT INTO {self.table} ({COLUMNS}) SELECT * FROM unnest("
                "%s::varchar[], %s::text[], %s::integer[], %s::varchar[], %s::text[])",
                [list(column) for column in zip(*rows, strict=True)],
            )
            return
        for start in range(0, len(rows), SQLITE_PAGE):
            page = rows[start : start + SQLITE_PAGE]
            self._execute(
                f"INSERT INTO {self.table} ({COLUMNS}) VALUES "
                + ", ".join(["(%s, %s, %s, %s, %s)"] * len(page)),
                [item for row in page for item in row],
            )

    def ids_under(self, scope: str) -> RawSQL:
        """The values recorded under `scope` as integers (database ids), as a subquery."""
        return RawSQL(f"SELECT CAST(value AS integer) FROM {self.table} WHERE scope = %s", [scope])

    def short_of_padding(self, scope: str) -> tuple[int, list[tuple[str, int, str]]]:
        """The width of the longest value under `scope` with leading zeros, and the values shorter
        than it that have none, as (value, row, sheet) in file order; (0, []) if none is padded."""
        ((width,),) = self._execute(
            f"SELECT max(length(value)) FROM {self.table} WHERE scope = %s AND value LIKE %s",
            [scope, "0%"],
        )
        if not width:
            return 0, []
        short = self._execute(
            f"SELECT value, row, sheet FROM {self.table} WHERE scope = %s "
            "AND length(value) < %s AND value NOT LIKE %s ORDER BY sheet, row",
            [scope, width, "0%"],
        )
        return width, [tuple(found) for found in short]

    def drop(self) -> None:
        self._execute(f"DROP TABLE {self.table}")

    def _one_of(self, values: list[str]) -> tuple[str, list]:
        if self.arrays:
            return "= ANY(%s)", [values]
        return f"IN ({', '.join(['%s'] * len(values))})", values

    def _execute(self, sql: str, params: list | None = None) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
