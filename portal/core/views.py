"""Liveness and readiness probes for nginx, Docker and monitoring."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    """The process is up and serving requests."""
    return JsonResponse({"status": "ok"})


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return "migrations pending"
    return "ok"


def _check_cache() -> str:
    cache.set("readyz", "ok", 10)
    return "ok" if cache.get("readyz") == "ok" else "cache did not return what was stored"


@transaction.non_atomic_requests  # a down database must give 503, not fail the wrapper
@never_cache
@require_GET
def readyz(request):
    """The database (migrated) and the cache answer; 503 with the failing check otherwise."""
    checks = {}
    for name, check in (("database", _check_database), ("cache", _check_cache)):
        try:
            checks[name] = check()
        except Exception as error:  # a probe reports failures, it does not raise them
            checks[name] = f"error: {error.__class__.__name__}"
    ready = all(result == "ok" for result in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
