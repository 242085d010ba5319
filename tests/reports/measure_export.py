"""Build one report in a process of its own and print what it cost, as JSON:
`python -m tests.reports.measure_export <export id>` (with the test settings and database).

`traced_peak_mib` is the peak of Python allocations during the build (tracemalloc);
`rss_growth_mib` is the process's peak resident memory during the build above what it held
before (Linux /proc), so memory outside Python (the database driver's buffers) counts too.
"""

from __future__ import annotations

import json
import sys
import tracemalloc
from pathlib import Path

STATUS = Path("/proc/self/status")


def _kib(field: str) -> int:
    for line in STATUS.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def main(export_id: int) -> None:
    import django

    django.setup()
    from portal.reports import services

    Path("/proc/self/clear_refs").write_text("5")  # restart the peak (VmHWM) from here
    before = _kib("VmRSS")
    tracemalloc.start()
    export = services.report_export_build(export_id=export_id)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "status": export.status,
                "rows": export.row_count,
                "file": export.file.name,
                "traced_peak_mib": peak / 2**20,
                "rss_growth_mib": (_kib("VmHWM") - before) / 1024,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
