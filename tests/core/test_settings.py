"""Production settings refuse to start without a real secret key."""

from __future__ import annotations

import json
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


PRODUCTION_ENV = {
    "SECRET_KEY": "k" * 30 + "-Zr8!q2Lw9xV4mB7nC1pD6sF3gH5jK0",
    "ALLOWED_HOSTS": "portal.example.org,testserver",
    "CSRF_TRUSTED_ORIGINS": "https://portal.example.org",
    "CORS_ALLOWED_ORIGINS": "https://app.example.org",
}


def production_env(**extra: str) -> dict[str, str]:
    """The test database and Redis, with production settings and a production-like env."""
    from tests.processes import process_env

    env = process_env(DJANGO_SETTINGS_MODULE="portal.settings.production", **PRODUCTION_ENV)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests; never in production
    env.update(extra)
    return env


def test_check_deploy_has_no_warnings_with_production_settings(django_db_setup, tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(LOG_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


REQUEST = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
reply = Client(HTTP_X_REQUEST_ID="req-42").get("/healthz")
print(json.dumps({
    "status": reply.status_code,
    "echo": reply["X-Request-ID"],
    "csrf": settings.CSRF_TRUSTED_ORIGINS,
    "cors": settings.CORS_ALLOWED_ORIGINS,
    "secure_cookies": settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE,
}))
"""


def test_production_logs_json_lines_to_stdout_and_log_dir(django_db_setup, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", REQUEST],
        cwd=ROOT,
        env=production_env(LOG_DIR=str(tmp_path / "logs")),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.splitlines()[-1])
    assert summary == {
        "status": 200,
        "echo": "req-42",
        "csrf": ["https://portal.example.org"],
        "cors": ["https://app.example.org"],
        "secure_cookies": True,
    }
    written = [
        json.loads(line) for line in (tmp_path / "logs" / "django.log").read_text().splitlines()
    ]
    printed = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    for lines in (written, printed):
        (request,) = [line for line in lines if line.get("logger") == "portal.requests"]
        assert request["request_id"] == "req-42"
        assert (request["method"], request["path"], request["status"]) == ("GET", "/healthz", 200)
        assert request["duration_ms"] >= 0 and "user_id" in request


TRUSTED = (
    "from django.conf import settings as s; "
    "print(s.TRUSTED_PROXY_COUNT, s.REST_FRAMEWORK['NUM_PROXIES'], s.ALLAUTH_TRUSTED_PROXY_COUNT)"
)


def trusted_proxies(settings_module: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "TRUSTED_PROXY_COUNT"}
    environment.update(DJANGO_SETTINGS_MODULE=settings_module, **PRODUCTION_ENV, **env)
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {TRUSTED}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_trusts_the_one_nginx_in_front_and_embedded_mode_no_proxy():
    # One setting, handed to DRF and django-allauth alike.
    assert trusted_proxies("portal.settings.production") == "1 1 1"
    assert trusted_proxies("portal.settings.production", TRUSTED_PROXY_COUNT="0") == "0 0 0"
    assert trusted_proxies("portal.settings.dev") == "0 0 0"
    assert trusted_proxies("portal.settings.test") == "0 0 0"
