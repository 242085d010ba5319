"""Through real nginx, in front of the native stack (`make stack SCALE=2`, see conftest.py):
TLS and headers, static and private files, upload limits, rate limits, websockets, the Celery
worker's e-mail, and sessions/tokens/websockets across two web and two asgi processes.

Everything goes to https://127.0.0.1:<port>/ and is verified against the stack's self-signed
certificate. These tests never use the `db` fixture: the stack has its own database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import os
import re
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
import requests
from websockets.sync.client import connect

from tests.deploy.conftest import LOGIN_IP_RATE, LiveStack
from tests.processes import ROOT, free_port
from tests.whiteboard.live import BoardClient

MiB = 1024 * 1024
PASSWORD = "portal-demo"
LOGIN_IP_LIMIT = int(LOGIN_IP_RATE.split("/")[0])


# CLIENTS ----------------------------------------------------------------------------------
def client(stack: LiveStack) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE would win over `verify`; no proxies either
    session.verify = stack.certificate
    return session


@pytest.fixture(scope="module")
def token(live_stack):
    """An API access token per demo person, each signed in once (login attempts are limited)."""

    @cache
    def sign_in(email: str) -> str:
        reply = client(live_stack).post(
            f"{live_stack.url}/api/v1/auth/token/",
            json={"email": email, "password": PASSWORD},
            timeout=30,
        )
        assert reply.status_code == 200, reply.text
        return reply.json()["access"]

    return sign_in


@pytest.fixture(scope="module")
def signed_in(live_stack):
    """A requests session signed in through the member site's login form, per demo person."""

    @cache
    def sign_in(email: str) -> requests.Session:
        session = client(live_stack)
        login = f"{live_stack.url}/accounts/login/"
        session.get(login, timeout=30).raise_for_status()
        reply = session.post(
            login,
            data={
                "username": email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            headers={"Referer": login, "Origin": live_stack.url},
            allow_redirects=False,
            timeout=30,
        )
        assert reply.status_code == 302, reply.text[:500]
        assert "sessionid" in session.cookies
        return session

    return sign_in


def bearer(access: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access}"}


def tls_context(stack: LiveStack) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=stack.certificate)


def open_homework(stack: LiveStack, access: str) -> int:
    """A live homework of 7M1 whose due time is ahead: students may still hand in."""
    reply = client(stack).get(
        f"{stack.url}/api/v1/homework/",
        params={"live": "true", "page_size": 100},
        headers=bearer(access),
        timeout=30,
    )
    reply.raise_for_status()
    now = dt.datetime.now(dt.UTC)
    for row in reply.json()["results"]:
        if row["class_code"] == "7M1" and dt.datetime.fromisoformat(row["due_at"]) > now:
            return row["id"]
    raise AssertionError("the demo data has no open 7M1 homework")


def post_streamed(
    stack: LiveStack, path: str, *, access: str, fields: dict[str, str], file_size: int
) -> tuple[int, dict[str, str], bytes]:
    """POST a multipart form with one file of `file_size` zero bytes, streamed in 1 MiB pieces
    (never held whole in memory), with its Content-Length announced up front."""
    boundary = uuid.uuid4().hex
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    block = bytes(MiB)

    def body() -> Iterator[bytes]:
        yield head
        whole, rest = divmod(file_size, MiB)
        for _ in range(whole):
            yield block
        yield block[:rest]
        yield tail

    connection = http.client.HTTPSConnection(
        "127.0.0.1", stack.https_port, context=tls_context(stack), timeout=120
    )
    try:
        # nginx may answer (413) and stop reading before the body is through.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.request(
                "POST",
                path,
                body=body(),
                headers={
                    **bearer(access),
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Content-Length": str(len(head) + file_size + len(tail)),
                },
            )
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def access_log_lines(stack: LiveStack, needle: str) -> list[str]:
    return [line for line in stack.access_log.read_text().splitlines() if needle in line]


def upstreams(stack: LiveStack, needle: str) -> set[str]:
    """The gunicorn/daphne addresses nginx passed matching requests to."""
    lines = access_log_lines(stack, needle)
    return {m.group(1) for line in lines if (m := re.search(r"upstream=(127\S+)", line))}


# TLS, REDIRECTS, HEADERS, FILTERING -------------------------------------------------------
def test_http_redirects_to_https(live_stack):
    reply = requests.get(
        f"http://127.0.0.1:{live_stack.http_port}/my/?tab=due", allow_redirects=False, timeout=10
    )
    assert reply.status_code == 301
    assert reply.headers["Location"] == f"{live_stack.url}/my/?tab=due"


def assert_security_headers(headers, frame_options: tuple[str, ...] = ("DENY", "SAMEORIGIN")):
    """Each once (requests joins repeated headers with ", ")."""
    assert re.fullmatch(
        r"max-age=[1-9]\d*; includeSubDomains(; preload)?", headers["Strict-Transport-Security"]
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] in frame_options
    ancestors = "'self'" if headers["X-Frame-Options"] == "SAMEORIGIN" else "'none'"
    assert ", " not in headers["Content-Security-Policy"]
    assert f"frame-ancestors {ancestors}" in headers["Content-Security-Policy"].split("; ")
    assert headers["Referrer-Policy"] == "same-origin"
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])


def test_hsts_and_security_headers_once_each(live_stack):
    reply = client(live_stack).get(f"{live_stack.url}/accounts/login/", timeout=30)
    assert reply.status_code == 200
    assert_security_headers(reply.headers)
    # Django's whole policy on its pages (nginx adds only frame-ancestors to its own answers).
    policy = reply.headers["Content-Security-Policy"].split("; ")
    assert {"default-src 'self'", "object-src 'none'", "base-uri 'self'"} <= set(policy)
    assert reply.headers["Server"] == "nginx"  # no version


def test_tls_is_modern_only(live_stack):
    with connect_tls(live_stack, tls_context(live_stack)) as sock:
        assert sock.version() in ("TLSv1.2", "TLSv1.3")
    weak = tls_context(live_stack)
    weak.maximum_version = ssl.TLSVersion.TLSv1_2
    weak.set_ciphers("AES128-SHA:AES256-SHA:AES128-GCM-SHA256")  # no forward secrecy
    with pytest.raises(ssl.SSLError):
        connect_tls(live_stack, weak).close()


def connect_tls(stack: LiveStack, context: ssl.SSLContext):
    import socket

    raw = socket.create_connection(("127.0.0.1", stack.https_port), timeout=10)
    try:
        return context.wrap_socket(raw, server_hostname="127.0.0.1")
    except Exception:
        raw.close()
        raise


def test_static_files_come_from_nginx_with_long_cache_headers(live_stack):
    # Written after the processes started: WhiteNoise cannot know it, only nginx serves it.
    probe = f"probe-{uuid.uuid4().hex}.txt"
    (live_stack.dir / "static" / probe).write_bytes(b"served by nginx\n")
    session = client(live_stack)
    reply = session.get(f"{live_stack.url}/static/{probe}", timeout=10)
    assert reply.status_code == 200
    assert reply.content == b"served by nginx\n"
    assert reply.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert_security_headers(reply.headers, frame_options=("DENY",))  # nginx's own answers too

    css = session.get(
        f"{live_stack.url}/static/css/portal.css", headers={"Accept-Encoding": "gzip"}, timeout=10
    )
    assert css.status_code == 200
    assert css.headers["Content-Encoding"] == "gzip"
    assert "immutable" in css.headers["Cache-Control"]
    assert access_log_lines(live_stack, f"/static/{probe}") == [], "static is not logged"


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("GET", "/metrics", 404),
        ("GET", "/metrics/", 404),
        ("GET", "/.env", 404),
        ("GET", "/static/.git/config", 404),
        ("GET", "/_protected/private/anything.pdf", 404),
        ("GET", "/media/documents/report.pdf", 404),
        ("TRACE", "/", 405),
        ("PROPFIND", "/", 405),
    ],
)
def test_request_filtering(live_stack, method, path, status):
    reply = client(live_stack).request(method, f"{live_stack.url}{path}", timeout=10)
    assert reply.status_code == status
    assert "text/html" in reply.headers["Content-Type"], "nginx answered, not Django"


def test_oversized_headers_are_refused(live_stack):
    reply = client(live_stack).get(
        f"{live_stack.url}/healthz", headers={"X-Padding": "x" * 20_000}, timeout=10
    )
    assert reply.status_code in (400, 431, 494)


# API, UPLOADS, PRIVATE FILES --------------------------------------------------------------
def test_api_sign_in_and_an_authenticated_call(live_stack, token):
    reply = client(live_stack).get(
        f"{live_stack.url}/api/v1/me/", headers=bearer(token("student1@riverside.example"))
    )
    assert reply.status_code == 200
    assert reply.json()["email"] == "student1@riverside.example"


def test_a_99_mb_upload_is_accepted_and_101_mb_refused_by_nginx(live_stack, token):
    access = token("student1@riverside.example")
    homework = open_homework(live_stack, access)
    fields = {"homework": str(homework)}

    status, _, body = post_streamed(
        live_stack, "/api/v1/submissions/", access=access, fields=fields, file_size=99 * MiB
    )
    assert status == 201, body[:500]
    assert [f["size"] for f in json.loads(body)["files"]] == [99 * MiB]

    status, _, body = post_streamed(
        live_stack, "/api/v1/submissions/", access=access, fields=fields, file_size=101 * MiB
    )
    assert status == 413
    assert b"413 Request Entity Too Large" in body  # nginx's page: Django never saw it


def test_a_private_file_is_served_by_nginx_only_to_those_with_access(live_stack, token, signed_in):
    owner = "student3@riverside.example"
    access = token(owner)
    content = f"my essay {uuid.uuid4().hex}\n".encode()
    handed_in = client(live_stack).post(
        f"{live_stack.url}/api/v1/submissions/",
        headers=bearer(access),
        data={"homework": open_homework(live_stack, access)},
        files={"upload": ("essay.txt", content, "text/plain")},
        timeout=30,
    )
    assert handed_in.status_code == 201, handed_in.text
    download = live_stack.url + handed_in.json()["files"][0]["download"]

    mine = signed_in(owner).get(download, timeout=30)
    assert mine.status_code == 200
    assert mine.content == content  # Django answered with an empty X-Accel-Redirect
    assert "X-Accel-Redirect" not in mine.headers
    assert mine.headers["Content-Disposition"].startswith("attachment;")
    assert mine.headers["Content-Type"].startswith("text/plain")
    assert_security_headers(mine.headers)

    classmate = signed_in("student4@riverside.example").get(download, timeout=30)
    assert classmate.status_code == 404
    by_token = client(live_stack).get(download, headers=bearer(access), timeout=30)
    assert by_token.status_code == 200 and by_token.content == content  # an app, no session
    anonymous = client(live_stack).get(download, allow_redirects=False, timeout=30)
    assert anonymous.status_code == 401
    stored = list((live_stack.dir / "private").rglob("*.txt"))
    assert stored, "the upload is stored under PRIVATE_MEDIA_ROOT"
    for path in stored:
        relative = path.relative_to(live_stack.dir / "private")
        direct = client(live_stack).get(f"{live_stack.url}/_protected/private/{relative}")
        assert direct.status_code == 404


def sign_in_attempt(
    stack: LiveStack, attempt: int, source: str, headers: dict[str, str] | None = None
) -> http.client.HTTPResponse:
    """A wrong password for a new account each time, from a loopback address of its own so the
    other tests keep their budget; the response, read."""
    connection = http.client.HTTPSConnection(
        "127.0.0.1",
        stack.https_port,
        context=tls_context(stack),
        timeout=10,
        source_address=(source, 0),
    )
    credentials = {"email": f"nobody{attempt}@example.com", "password": "wrong"}
    try:
        connection.request(
            "POST",
            "/api/v1/auth/token/",
            body=json.dumps(credentials),
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


def test_the_login_rate_limit_answers_429_after_its_burst(live_stack):
    """nginx's own limit; Django's lower per-address limit (LOGIN_IP_RATE) answers first."""
    answers = []
    deadline = time.monotonic() + 30
    for attempt in range(40):
        if time.monotonic() > deadline:
            break
        response = sign_in_attempt(live_stack, attempt, "127.0.0.2")
        answers.append((response.status, response.getheader("Content-Type", "")))
        if response.status == 429 and "text/html" in answers[-1][1]:
            break
    refusals = [n for n, (status, kind) in enumerate(answers) if "text/html" in kind]
    assert refusals, answers
    first_refusal = refusals[0]
    assert answers[first_refusal][0] == 429, "nginx refused, not DRF's throttle"
    assert 10 <= first_refusal <= 13, answers  # the burst (10) and the rate, then refused
    assert {status for status, _ in answers[:first_refusal]} <= {400, 401, 429}
    assert all("json" in kind for _, kind in answers[:first_refusal]), "Django answered until then"


def test_a_forged_forwarded_for_does_not_reset_djangos_per_address_limit(live_stack):
    """Each attempt claims another client in X-Forwarded-For; nginx replaces the header with
    the address it saw, so Django's per-address sign-in limit still counts one client, and
    its request log names that client."""
    replies = [
        sign_in_attempt(
            live_stack, attempt, "127.0.0.3", {"X-Forwarded-For": f"203.0.113.{attempt + 1}"}
        )
        for attempt in range(LOGIN_IP_LIMIT + 1)
    ]
    statuses = [reply.status for reply in replies]
    assert statuses == [401] * LOGIN_IP_LIMIT + [429], statuses
    refused = replies[-1]
    assert "json" in refused.getheader("Content-Type"), "Django's throttle, not nginx's limit"
    assert int(refused.getheader("Retry-After")) > 0

    request_ids = {reply.getheader("X-Request-ID") for reply in replies}
    logged = [
        entry
        for entry in map(
            json.loads, (live_stack.dir / "logs" / "django.log").read_text().splitlines()
        )
        if entry.get("logger") == "portal.requests" and entry["request_id"] in request_ids
    ]
    assert len(logged) == len(replies)
    assert {entry["client"] for entry in logged} == {"127.0.0.3"}


# WEBSOCKETS -------------------------------------------------------------------------------
def board_of_7m1(stack: LiveStack, access: str) -> int:
    reply = client(stack).get(
        f"{stack.url}/api/v1/whiteboards/", headers=bearer(access), timeout=30
    )
    reply.raise_for_status()
    return next(b["id"] for b in reply.json()["results"] if b["class_code"] == "7M1")


def through_nginx(stack: LiveStack, board: int, access: str):
    """A websocket to the board through nginx (a context manager)."""
    return connect(
        f"wss://127.0.0.1:{stack.https_port}/ws/whiteboards/{board}/?token={access}",
        origin=stack.url,
        ssl=tls_context(stack),
        open_timeout=10,
    )


def straight_to(port: int, board: int, access: str):
    """A websocket to the board on one daphne process, bypassing nginx."""
    return connect(
        f"ws://127.0.0.1:{port}/ws/whiteboards/{board}/?token={access}",
        origin=f"http://127.0.0.1:{port}",
        open_timeout=10,
    )


def stroke(stroke_id: str) -> dict:
    return {
        "type": "stroke",
        "id": stroke_id,
        "tool": "pen",
        "color": "#1d4ed8",
        "width": 3,
        "points": [[10, 10, 0.5], [40, 22, 0.6]],
    }


def wait_for_stroke(board_client: BoardClient, stroke_id: str) -> dict:
    for _ in range(200):
        for op in board_client.ops:
            if op.get("id") == stroke_id:
                return op
        board_client.receive(timeout=10)
    raise AssertionError(f"stroke {stroke_id} never arrived")


def test_a_websocket_through_nginx_joins_a_whiteboard_and_receives_ops(live_stack, token):
    access = token("teacher1@riverside.example")
    board = board_of_7m1(live_stack, access)
    with through_nginx(live_stack, board, access) as ws:
        teacher = BoardClient(ws)
        welcome = teacher.join()
        assert welcome["board"]["id"] == board
        stroke_id = f"nginx-{uuid.uuid4().hex[:8]}"
        teacher.send(**stroke(stroke_id))
        op = wait_for_stroke(teacher, stroke_id)
        assert op["seq"] > welcome["seq"]


def test_clients_on_different_daphne_processes_see_each_others_ops(live_stack, token):
    teacher_access = token("teacher1@riverside.example")
    student_access = token("student1@riverside.example")
    board = board_of_7m1(live_stack, teacher_access)
    first, second = live_stack.asgi_ports
    with contextlib.ExitStack() as sockets:
        clients = [  # each opened (and entered) before the next
            BoardClient(sockets.enter_context(straight_to(first, board, teacher_access))),
            BoardClient(sockets.enter_context(straight_to(second, board, student_access))),
            BoardClient(sockets.enter_context(through_nginx(live_stack, board, student_access))),
        ]
        for board_client in clients:
            board_client.join()
        for author in clients[:2]:
            stroke_id = f"x-{uuid.uuid4().hex[:8]}"
            author.send(**stroke(stroke_id))
            for board_client in clients:
                wait_for_stroke(board_client, stroke_id)


# CELERY -----------------------------------------------------------------------------------
def test_publishing_homework_through_the_api_makes_the_worker_send_email(
    live_stack, token, mail_sink
):
    access = token("admin@riverside.example")
    session = client(live_stack)
    classes = session.get(
        f"{live_stack.url}/api/v1/classes/", params={"search": "7M1"}, headers=bearer(access)
    ).json()["results"]
    maths = next(c for c in classes if c["code"] == "7M1")
    title = f"Stack homework {uuid.uuid4().hex[:6]}"
    due = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat()
    draft = session.post(
        f"{live_stack.url}/api/v1/homework/",
        headers=bearer(access),
        json={
            "school_class": maths["id"],
            "title": title,
            "instructions": "<p>Page 12.</p>",
            "due_at": due,
        },
        timeout=30,
    )
    assert draft.status_code == 201, draft.text
    published = session.post(
        f"{live_stack.url}/api/v1/homework/{draft.json()['id']}/publish/",
        headers=bearer(access),
        timeout=30,
    )
    assert published.status_code == 200, published.text

    assert mail_sink.wait_for(1, subject_contains=title, timeout=60), "the worker sent nothing"
    received = mail_sink.wait_for(35, subject_contains=title, timeout=60)
    recipients = {address for message in received for address in message.recipients}
    assert "student1@riverside.example" in recipients


# SCALED: TWO WEB AND TWO ASGI PROCESSES ---------------------------------------------------
def test_a_session_and_a_token_work_on_both_web_processes(live_stack, token, signed_in):
    browser = signed_in("student3@riverside.example")
    access = token("student3@riverside.example")
    me = f"/api/v1/me/?probe={uuid.uuid4().hex}"
    # Round robin over both upstreams, one kind of request at a time (alternating two kinds
    # would send each kind to one process only).
    for _ in range(6):
        page = browser.get(f"{live_stack.url}/my/", allow_redirects=False, timeout=30)
        assert page.status_code == 200
    for _ in range(6):
        reply = client(live_stack).get(f"{live_stack.url}{me}", headers=bearer(access))
        assert reply.status_code == 200
    web = {f"127.0.0.1:{port}" for port in live_stack.web_ports}
    assert upstreams(live_stack, '"GET /my/ ') == web
    assert upstreams(live_stack, '"GET /api/v1/me/ ') >= web

    # And each gunicorn on its own, as nginx would call it.
    forwarded = {"Host": f"127.0.0.1:{live_stack.https_port}", "X-Forwarded-Proto": "https"}
    for port in live_stack.web_ports:
        direct = f"http://127.0.0.1:{port}"
        page = requests.get(
            f"{direct}/my/",
            headers=forwarded,
            cookies={"sessionid": browser.cookies["sessionid"]},
            allow_redirects=False,
            timeout=30,
        )
        assert page.status_code == 200, port
        me = requests.get(
            f"{direct}/api/v1/me/", headers={**forwarded, **bearer(access)}, timeout=30
        )
        assert me.json()["email"] == "student3@riverside.example"


# CONTAINER SCRIPTS, TRIED ON THE STACK'S PROCESSES AND DATABASE ---------------------------
def stack_process_env(stack: LiveStack, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    env.update(
        PATH=f"{Path(sys.executable).parent}:{env['PATH']}",
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=(stack.dir / "secrets" / "secret_key").read_text().strip(),
        DATABASE_URL=stack.database_url,
        REDIS_URL=stack.env["STACK_REDIS_URL"],
        LOG_DIR=str(stack.dir / "logs"),
        **extra,
    )
    return env


def test_the_container_health_check_asks_gunicorn_and_daphne(live_stack):
    env = stack_process_env(live_stack, ALLOWED_HOSTS="127.0.0.1")
    for port in (*live_stack.web_ports, *live_stack.asgi_ports):
        check = [sys.executable, "deploy/healthcheck.py", str(port)]
        assert subprocess.run(check, cwd=ROOT, env=env, timeout=30).returncode == 0, port
    closed = [sys.executable, "deploy/healthcheck.py", str(free_port())]
    assert subprocess.run(closed, cwd=ROOT, env=env, capture_output=True, timeout=30).returncode


def test_the_entrypoint_waits_for_the_database_then_migrates_or_runs_the_command(live_stack):
    env = stack_process_env(live_stack, STATIC_ROOT=str(live_stack.dir / "static"))
    release = subprocess.run(
        ["deploy/entrypoint.sh", "release"], cwd=ROOT, env=env, capture_output=True, timeout=120
    )
    assert release.returncode == 0, release.stderr[-2000:]
    assert b"No migrations to apply" in release.stdout
    command = subprocess.run(
        ["deploy/entrypoint.sh", "echo", "started"], cwd=ROOT, env=env, capture_output=True
    )
    assert command.stdout == b"started\n"
    unreachable = {
        **env,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "DB_WAIT_TRIES": "1",
    }
    gave_up = subprocess.run(
        ["deploy/entrypoint.sh", "echo", "started"], cwd=ROOT, env=unreachable, capture_output=True
    )
    assert gave_up.returncode == 1
    assert b"did not answer" in gave_up.stderr
