"""Whiteboards under class load: rooms of one teacher drawing and many students watching, split
across two daphne processes sharing Redis, beside a bare relay consumer in the same run.

Each teacher sends strokes at a steady rate; every student measures the delay from send to
arrival (one process, one clock) and counts what arrived. Our ops are also stored in
PostgreSQL and sequenced; the relay only forwards. BENCH_BOARD_* variables scale it down.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import time
from dataclasses import dataclass, field

from bench.harness import Row, start_server, with_database

DATABASE = "bench_board_school_portal"
ROOMS = int(os.environ.get("BENCH_BOARD_ROOMS", "10"))
STUDENTS = int(os.environ.get("BENCH_BOARD_STUDENTS", "30"))
RATE = int(os.environ.get("BENCH_BOARD_RATE", "60"))  # teacher ops per second
# The same rooms at a pace a small machine carries (the full pace saturates a 2-core box,
# load generator included, for the bare relay too): latency and loss without a backlog.
STEADY_RATE = int(os.environ.get("BENCH_BOARD_STEADY_RATE", "10"))
SECONDS = int(os.environ.get("BENCH_BOARD_SECONDS", "30"))
DRAIN = 5  # seconds to wait for stragglers after the teachers stop
PORTS = (18231, 18232)


def build_rooms() -> list[dict]:
    """Per room: a board, its teacher's token and its students' tokens."""
    from django.contrib.auth.hashers import make_password
    from rest_framework_simplejwt.tokens import AccessToken

    from portal.accounts.models import User
    from portal.centres.models import Centre, Membership, Role
    from portal.classes.models import Enrollment, SchoolClass
    from portal.whiteboard.services import whiteboard_for_class

    centre = Centre.objects.get(slug="riverside")
    password = make_password("portal-demo")
    rooms = []
    for r in range(ROOMS):
        school_class = SchoolClass.objects.create(
            centre=centre, code=f"WB{r:02d}", name=f"Room {r}"
        )
        teacher = User.objects.create(email=f"t{r}@board.bench", password=password)
        students = User.objects.bulk_create(
            User(email=f"s{r}-{n}@board.bench", password=password) for n in range(STUDENTS)
        )
        Membership.objects.bulk_create(
            [Membership(user=teacher, centre=centre, role=Role.TEACHER)]
            + [Membership(user=s, centre=centre, role=Role.STUDENT) for s in students]
        )
        school_class.teachers.add(teacher)
        Enrollment.objects.bulk_create(
            Enrollment(school_class=school_class, student=s) for s in students
        )
        rooms.append(
            {
                "board": whiteboard_for_class(school_class=school_class).pk,
                "teacher": str(AccessToken.for_user(teacher)),
                "students": [str(AccessToken.for_user(s)) for s in students],
            }
        )
    return rooms


def serve(port: int) -> subprocess.Popen:
    return start_server(
        "daphne", ["-b", "127.0.0.1", "-p", str(port), "bench.relay:application"], port
    )


@dataclass
class Tally:
    sent: dict[str, float] = field(default_factory=dict)  # op id -> send time
    latencies_ms: list[float] = field(default_factory=list)
    received: int = 0


def stroke(op_id: str) -> str:
    points = [[10 + k, 20 + k, 0.5] for k in range(5)]
    return json.dumps(
        {
            "type": "stroke",
            "id": op_id,
            "tool": "pen",
            "color": "#1d4ed8",
            "width": 3,
            "points": points,
        }
    )


async def listen(ws, tally: Tally, *, relay: bool) -> None:
    """Count each awaited op's arrival until the socket closes (a timeout per frame would cost
    the load generator more than the frame itself)."""
    from websockets.exceptions import ConnectionClosed

    with contextlib.suppress(ConnectionClosed):
        async for text in ws:
            arrived = time.perf_counter()
            frame = json.loads(text)
            ops = [frame] if relay else frame.get("ops", []) if frame.get("type") == "ops" else []
            for op in ops:
                sent = tally.sent.get(op.get("id"))
                if sent is not None:
                    tally.received += 1
                    tally.latencies_ms.append((arrived - sent) * 1000)


async def teach(ws, room: int, tally: Tally, rate: int) -> None:
    interval = 1 / rate
    started = time.perf_counter()
    for n in range(rate * SECONDS):
        op_id = f"r{room}-{n}"
        tally.sent[op_id] = time.perf_counter()
        await ws.send(stroke(op_id))  # the relay forwards the very same frames
        delay = started + (n + 1) * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)


async def run_load(rooms: list[dict], *, relay: bool, rate: int) -> dict:
    from websockets.asyncio.client import connect

    tally = Tally()
    sockets, listeners = [], []

    async def open_socket(port: int, room: int, token: str):
        path = f"/ws/relay/{room}/" if relay else f"/ws/whiteboards/{rooms[room]['board']}/"
        query = "" if relay else f"?token={token}"
        ws = await connect(
            f"ws://127.0.0.1:{port}{path}{query}",
            origin=f"http://127.0.0.1:{port}",
            max_queue=None,
            open_timeout=30,
        )
        if not relay:
            await ws.send(json.dumps({"type": "join", "last_seq": 0}))
        sockets.append(ws)
        return ws

    teachers = []
    for r, room in enumerate(rooms):
        # Connections spread over both processes, as nginx spreads them: teachers too.
        teachers.append(await open_socket(PORTS[r % 2], r, room["teacher"]))
        for n, token in enumerate(room["students"]):
            ws = await open_socket(PORTS[n % 2], r, token)
            listeners.append(asyncio.create_task(listen(ws, tally, relay=relay)))
    # Teachers' own echoes tell which ops the server took (relay: all of them).
    echo = [asyncio.create_task(listen(ws, Tally(), relay=relay)) for ws in teachers]
    await asyncio.sleep(1)  # let joins and group membership settle
    started = time.perf_counter()
    await asyncio.gather(*(teach(ws, r, tally, rate) for r, ws in enumerate(teachers)))
    elapsed = time.perf_counter() - started
    await asyncio.sleep(DRAIN)
    # What arrived in time; frames still coming while the sockets close do not count.
    received, latencies = tally.received, sorted(tally.latencies_ms) or [float("nan")]
    for ws in sockets:
        await ws.close()
    await asyncio.gather(*listeners, *echo)
    expected = len(tally.sent) * STUDENTS
    return {
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "delivered_pct": 100 * received / expected if expected else 0.0,
        "per_second": received / elapsed,
    }


def measure_all() -> list[Row]:
    rooms = build_rooms()
    servers = [serve(port) for port in PORTS]
    rows = []
    try:
        for rate in dict.fromkeys((RATE, STEADY_RATE)):
            ours = asyncio.run(run_load(rooms, relay=False, rate=rate))
            bare = asyncio.run(run_load(rooms, relay=True, rate=rate))
            name = f"whiteboard_{ROOMS}x{STUDENTS}_at_{rate}ops"
            rows += [
                Row(name, "delivery p50 ms", ours["p50"], bare["p50"], higher_is_better=False),
                Row(name, "delivery p99 ms", ours["p99"], bare["p99"], higher_is_better=False),
                Row(name, "ops delivered %", ours["delivered_pct"], bare["delivered_pct"]),
                Row(name, "deliveries/s", ours["per_second"], bare["per_second"]),
            ]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    return rows


def run() -> list[Row]:
    return with_database(DATABASE, measure_all)
