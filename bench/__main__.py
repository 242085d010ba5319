"""Run every benchmark module (`bench/bench_*.py`, each with `run() -> list[Row]`).

`make bench` runs all of them; `python -m bench roster api` runs the named ones.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from bench.harness import print_table, write_results


def main(names: list[str]) -> int:
    modules = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    if names:
        modules = [m for m in modules if any(m == f"bench_{n}" for n in names)]
    rows = []
    for name in modules:
        print(f"running {name} …", flush=True)
        rows.extend(importlib.import_module(f"bench.{name}").run())
    if not rows:
        print("no benchmarks found")
        return 1
    print_table(rows)
    write_results(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
