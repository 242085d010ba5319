"""Shared fixtures. Tests run against the machine's real PostgreSQL and Redis.

The demo data (two centres, see portal.core.demo) is loaded once into the test database;
every test runs inside a transaction that is rolled back, so each starts from the same two
centres.
"""

from __future__ import annotations

import socket
from urllib.parse import urlparse

import pytest

from portal.centres.models import Centre

SERVICE_HELP = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": (
        'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" '
        "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log"
    ),
}


def _unreachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return False
    except OSError:
        return True


def pytest_configure(config):
    """Fail in the first second, with the fix, when a service the tests need is down."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    redis = urlparse(settings.REDIS_URL)
    services = {
        "PostgreSQL": (database.get("HOST") or "127.0.0.1", int(database.get("PORT") or 5432)),
        "Redis": (redis.hostname or "127.0.0.1", redis.port or 6379),
    }
    down = [name for name, address in services.items() if _unreachable(*address)]
    if down:
        lines = [
            f"{name} is not reachable; start it with:\n    {SERVICE_HELP[name]}" for name in down
        ]
        pytest.exit("\n".join(lines), returncode=3)


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker):
    """The test database with the demo data, created whenever a test needs the database at
    all: also for tests that only let other processes (workers, daphne) use it."""
    from django.test.utils import setup_databases, teardown_databases

    from portal.core.demo import seed_demo

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        config = setup_databases(verbosity=verbosity, interactive=False, aliases={"default"})
        seed_demo()
    yield
    with django_db_blocker.unblock():
        _disconnect_other_processes()
        teardown_databases(config, verbosity=verbosity)


def _disconnect_other_processes() -> None:
    """Workers and servers the tests started may linger for a moment after being stopped;
    the test database can only be dropped once they are gone."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def riverside(db) -> Centre:
    return Centre.objects.get(slug="riverside")


@pytest.fixture
def hillcrest(db) -> Centre:
    return Centre.objects.get(slug="hillcrest")


@pytest.fixture
def person(db):
    """Look up a demo person by e-mail: person("teacher1@riverside.example")."""
    from portal.accounts.models import User

    def lookup(email: str) -> User:
        return User.objects.get(email=email)

    return lookup


@pytest.fixture
def client_for(client, person):
    """A test client signed in as the given demo person."""

    def sign_in(email: str):
        client.force_login(person(email))
        return client

    return sign_in


@pytest.fixture(scope="session")
def process_logs(tmp_path_factory):
    return tmp_path_factory.mktemp("process-logs")


@pytest.fixture(scope="session")
def live_asgi(django_db_setup, process_logs):
    """A real daphne process serving portal.asgi on a free port: yields "host:port"."""
    from tests.processes import daphne

    with daphne(process_logs) as address:
        yield address


@pytest.fixture(scope="session")
def mail_sink():
    """A real SMTP server; workers started by the tests send their e-mail here."""
    from tests.mail import start_sink
    from tests.processes import free_port

    port = free_port()
    sink, controller = start_sink(port)
    sink.url = f"smtp://127.0.0.1:{port}"
    yield sink
    controller.stop()


@pytest.fixture(scope="session")
def live_worker_queue(django_db_setup, process_logs, mail_sink):
    """A real Celery worker on the test Redis broker, consuming this run's default queue and
    sending e-mail to `mail_sink`. Yields the queue name."""
    from django.conf import settings

    from tests.processes import celery_worker

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    with celery_worker(process_logs, queue, EMAIL_URL=mail_sink.url):
        yield queue
    _forget_queue(queue)


def _forget_queue(queue: str) -> None:
    from django_redis import get_redis_connection

    get_redis_connection("default").delete(queue)


@pytest.fixture
def join_centre(db):
    """join_centre(user, centre, role, **places): a centre invites an account it does not keep,
    and the account's owner accepts (the only way an existing account joins a centre)."""
    from portal.people.services import invitation_accept, invitation_offer

    def join(user, centre, role, **places):
        invitation = invitation_offer(
            centre=centre, user=user, email=user.email, role=role, **places
        )
        return invitation_accept(invitation=invitation, by=user)

    return join


@pytest.fixture
def eager_celery():
    """Tasks queued with .delay() run at once, in the test's process (after commit)."""
    from portal.celery import app as celery_app

    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def committed():
    """Run a callable on its own autocommit connection, outside the test's transaction.

    For cleaning up rows that other processes (workers, daphne) committed during a test.
    """
    from django.db import connections

    def run(action):
        connection = connections.create_connection("default")
        original = connections["default"]
        connections["default"] = connection
        try:
            return action()
        finally:
            connections["default"] = original
            connection.close()

    return run
