"""Across processes: a real daphne serves websockets over the Redis channel layer, and a real
Celery worker takes tasks from the Redis broker and writes to PostgreSQL."""

from __future__ import annotations

import json
import uuid

import pytest
from websockets.sync.client import connect

from portal.core.models import WorkerHeartbeat
from portal.core.tasks import worker_heartbeat

# The live processes need the test database to exist; the workers write outside the test's
# transaction, so what they write is cleaned up explicitly.
pytestmark = pytest.mark.django_db


def test_websocket_round_trip_through_the_redis_channel_layer(live_asgi):
    with connect(
        f"ws://{live_asgi}/ws/health/", origin=f"http://{live_asgi}", open_timeout=10
    ) as ws:
        message = json.loads(ws.recv(timeout=10))
    assert message == {"type": "health", "status": "ok"}


def test_websocket_from_a_foreign_origin_is_refused(live_asgi):
    from websockets.exceptions import InvalidStatus

    with pytest.raises(InvalidStatus) as refused:
        connect(f"ws://{live_asgi}/ws/health/", origin="http://evil.example", open_timeout=10)
    assert refused.value.response.status_code == 403


def test_worker_runs_a_task_from_the_broker(live_worker_queue, committed):
    hostname = f"probe-{uuid.uuid4().hex[:8]}"
    result = worker_heartbeat.apply_async(kwargs={"hostname": hostname}, queue=live_worker_queue)
    assert result.get(timeout=30) == hostname
    assert WorkerHeartbeat.objects.filter(hostname=hostname).exists()
    committed(WorkerHeartbeat.objects.filter(hostname=hostname).delete)
