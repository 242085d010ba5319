"""What an import found and did: counts, the changed fields per row, and every problem."""

from __future__ import annotations

from collections import Counter, defaultdict

from portal.rosters.records import RowError, Source

#: Rows whose changes are listed one by one in the preview; counts always cover every row.
MAX_LISTED_CHANGES = 1000


class Report:
    def __init__(self) -> None:
        self.rows = 0
        self.counts: defaultdict[str, Counter] = defaultdict(Counter)
        self.changes: list[dict] = []
        self.errors: list[RowError] = []

    def error(self, error: RowError) -> None:
        self.errors.append(error)

    def count(self, entity: str, action: str, number: int = 1) -> None:
        if number:
            self.counts[entity][action] += number

    def change(
        self, *, source: Source | None, entity: str, action: str, label: str, fields=()
    ) -> None:
        """Count a row's outcome; list it (with its changed fields) unless nothing changed."""
        self.count(entity, action)
        if action == "unchanged" or len(self.changes) >= MAX_LISTED_CHANGES:
            return
        self.changes.append(
            {
                "sheet": source.sheet if source else "",
                "row": source.row if source else None,
                "entity": entity,
                "action": action,
                "label": label,
                "fields": [[name, str(old), str(new)] for name, old, new in fields],
            }
        )

    def sorted_errors(self) -> list[dict]:
        return [e.as_dict() for e in sorted(self.errors, key=lambda e: (e.sheet, e.row, e.column))]

    def sorted_changes(self) -> list[dict]:
        """In file order; people deactivated for not being in the file come last."""
        return sorted(self.changes, key=lambda c: (c["row"] is None, c["sheet"], c["row"] or 0))

    def as_counts(self) -> dict[str, dict[str, int]]:
        return {entity: dict(actions) for entity, actions in self.counts.items()}
