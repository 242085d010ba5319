"""Shared pieces of the benchmarks: result rows, the table, results.json."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"


@dataclass(frozen=True)
class Row:
    """One measured figure. `benchmark` starts with its area: api, whiteboard, roster, digest,
    export. `higher_is_better` decides which way the ratio points (ratio > 1: ours is better)."""

    benchmark: str
    metric: str
    ours: float
    baseline: float
    higher_is_better: bool = True

    @property
    def ratio(self) -> float:
        if self.higher_is_better:
            return self.ours / self.baseline if self.baseline else float("inf")
        return self.baseline / self.ours if self.ours else float("inf")

    def as_result(self) -> dict:
        result = asdict(self)
        del result["higher_is_better"]
        result["ratio"] = round(self.ratio, 3)
        return result


def print_table(rows: list[Row]) -> None:
    headers = ("benchmark", "metric", "ours", "baseline", "ratio")
    lines = [
        (r.benchmark, r.metric, f"{r.ours:,.3f}", f"{r.baseline:,.3f}", f"{r.ratio:.2f}")
        for r in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for line in lines:
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)))


def write_results(rows: list[Row]) -> None:
    RESULTS.write_text(json.dumps([row.as_result() for row in rows], indent=2) + "\n")


def with_database(name: str, work: Callable[[], list[Row]]) -> list[Row]:
    """Run `work` in a fresh PostgreSQL database `name` holding the demo data; drop it after."""
    import django
    from django.conf import settings

    django.setup()
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = name
    settings.DATABASES["default"]["ATOMIC_REQUESTS"] = False
    from django.test.utils import setup_databases, teardown_databases

    from portal.core.demo import seed_demo

    old_names = setup_databases(verbosity=0, interactive=False)
    try:
        seed_demo()
        return work()
    finally:
        teardown_databases(old_names, verbosity=0)
