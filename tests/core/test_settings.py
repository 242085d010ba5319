"""Production settings refuse to start without a real secret key."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.processes import ROOT

BOOT = "import django; django.setup(); print('booted')"


def boot_production(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    environment.update(DJANGO_SETTINGS_MODULE="portal.settings.production", **env)
    return subprocess.run(
        [sys.executable, "-c", BOOT],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = boot_production()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_placeholder_secret_key():
    result = boot_production(SECRET_KEY="change-me")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = boot_production(SECRET_KEY="k" * 30 + "-Zr8!q2Lw9xV4mB7nC1pD6sF3gH5jK0")
    assert result.returncode == 0, result.stderr
    assert "booted" in result.stdout
