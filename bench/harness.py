"""Shared pieces of the benchmarks: result rows, the table, results.json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOGS = Path(os.environ.get("BENCH_LOG_DIR", "/tmp"))


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


def start_server(program: str, args: list[str], port: int) -> subprocess.Popen:
    """Start `program` (gunicorn, daphne) on the benchmark's database with bench.settings,
    logging to $BENCH_LOG_DIR, and return once it answers /healthz."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=f"postgres://{db['USER']}@{host}/{db['NAME']}",
    )
    log = (LOGS / f"bench-{program}-{port}.log").open("wb")  # open as long as the server runs
    server = subprocess.Popen(
        [str(BIN / program), *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"{program} did not start on port {port}")
