"""Fill in an nginx template the way the official nginx image does (envsubst of `${NAME}`).

    python deploy/nginx/render.py deploy/nginx/portal.conf.template out.conf   # values from env

Unlike envsubst, a placeholder without a value is an error, not an empty string.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
TEMPLATE = Path(__file__).resolve().parent / "portal.conf.template"


def placeholders(template: str) -> set[str]:
    """The names a template needs values for."""
    return set(PLACEHOLDER.findall(template))


def render(template: str, values: Mapping[str, str]) -> str:
    missing = placeholders(template) - set(values)
    if missing:
        raise KeyError(f"no value for {', '.join(sorted(missing))}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def main(argv: list[str]) -> None:
    source, target = argv
    Path(target).write_text(render(Path(source).read_text(), os.environ))


if __name__ == "__main__":
    main(sys.argv[1:])
