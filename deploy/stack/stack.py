"""The production topology as plain processes on this machine (`make stack`).

nginx (the same template as Docker Compose) in front of gunicorn and daphne, a Celery worker and
beat, against the machine's PostgreSQL and Redis, with production settings, under honcho:

    python deploy/stack/stack.py [--scale N] [--fresh]    # Ctrl-C, or `--stop`, ends it

Before starting it installs nginx if missing, makes a self-signed certificate for 127.0.0.1 and
localhost, renders the nginx config, creates a database owned by a role without superuser rights
and connects as that role, migrates, collects static files and loads the demo data into an
empty database — once, not per process. Everything it writes lives in STACK_DIR (var/stack).

Settings come from the environment (STACK_…, see deploy/README.md "The native stack").
"""

from __future__ import annotations

import argparse
import os
import pwd
import secrets
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "deploy" / "nginx"))

from render import TEMPLATE, render  # noqa: E402

BIN = Path(sys.executable).parent
DEMO_PASSWORD = "portal-demo"


@dataclass
class Stack:
    """Where the stack lives and what it runs; every value can be set from the environment."""

    dir: Path
    scale: int
    host: str
    https_port: int
    http_port: int
    web_ports: list[int]
    asgi_ports: list[int]
    database: str
    role: str
    postgres_url: str
    redis_url: str
    redis_prefix: str
    email_url: str
    gunicorn_workers: int
    gunicorn_threads: int
    celery_concurrency: int
    hsts_seconds: int
    fresh: bool = False

    @classmethod
    def from_env(cls, *, scale: int | None = None, fresh: bool = False) -> Stack:
        env = os.environ
        scale = scale or int(env.get("STACK_SCALE", "1"))
        directory = Path(env.get("STACK_DIR", ROOT / "var" / "stack")).resolve()
        web_first = int(env.get("STACK_WEB_PORT", "8101"))
        asgi_first = int(env.get("STACK_ASGI_PORT", "8201"))
        return cls(
            dir=directory,
            scale=scale,
            host=env.get("STACK_HOST", "127.0.0.1"),
            https_port=int(env.get("STACK_HTTPS_PORT", "8443")),
            http_port=int(env.get("STACK_HTTP_PORT", "8080")),
            web_ports=_ports(env.get("STACK_WEB_PORTS"), web_first, scale),
            asgi_ports=_ports(env.get("STACK_ASGI_PORTS"), asgi_first, scale),
            database=env.get("STACK_DATABASE", "school_portal_stack"),
            role=env.get("STACK_DB_ROLE", "portal_app"),
            postgres_url=env.get(
                "STACK_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
            ),
            redis_url=env.get("STACK_REDIS_URL", "redis://127.0.0.1:6379/2"),
            redis_prefix=env.get("STACK_REDIS_PREFIX", "portal-stack"),
            email_url=env.get("STACK_EMAIL_URL", f"filemail://{directory / 'mail'}"),
            gunicorn_workers=int(env.get("GUNICORN_WORKERS", "2")),
            gunicorn_threads=int(env.get("GUNICORN_THREADS", "2")),
            celery_concurrency=int(env.get("CELERY_CONCURRENCY", "2")),
            # Short by default: browsers remember HSTS for "localhost" too.
            hsts_seconds=int(env.get("STACK_HSTS_SECONDS", "3600")),
            fresh=fresh or env.get("STACK_FRESH", "") == "1",
        )

    @property
    def url(self) -> str:
        return f"https://{self.host}:{self.https_port}/"

    @property
    def certificate(self) -> Path:
        return self.dir / "tls" / "cert.pem"

    @property
    def pidfile(self) -> Path:
        return self.dir / "stack.pid"


def _ports(listed: str | None, first: int, count: int) -> list[int]:
    if listed:
        ports = [int(port) for port in listed.split(",")]
        if len(ports) < count:
            raise SystemExit(f"{count} processes need {count} ports, got {listed}")
        return ports[:count]
    return [first + offset for offset in range(count)]


def say(message: str) -> None:
    print(f"[stack] {message}", flush=True)


# NGINX ------------------------------------------------------------------------------------
def nginx_binary() -> str:
    """nginx from Debian's package, installed the first time it is missing."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    say("installing nginx from the Debian packages")
    apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=apt)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "nginx"], check=True, env=apt)
    return shutil.which("nginx", path="/usr/sbin:/usr/bin") or "/usr/sbin/nginx"


def make_certificate(stack: Stack) -> None:
    """A self-signed certificate for the loopback names, made once and kept."""
    key = stack.certificate.with_name("key.pem")
    if stack.certificate.exists() and key.exists():
        return
    stack.certificate.parent.mkdir(parents=True, exist_ok=True)
    say(f"making a self-signed certificate in {stack.certificate.parent}")
    subprocess.run(
        [
            "openssl", "req", "-x509", "-nodes", "-days", "825",
            "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", str(key), "-out", str(stack.certificate),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    key.chmod(0o600)


def nginx_values(stack: Stack) -> dict[str, str]:
    """The template's placeholders for local ports and folders."""
    port_suffix = "" if stack.https_port == 443 else f":{stack.https_port}"
    return {
        "PORTAL_HTTP_LISTEN": f"{stack.host}:{stack.http_port}",
        "PORTAL_HTTPS_LISTEN": f"{stack.host}:{stack.https_port}",
        "PORTAL_PUBLIC_PORT_SUFFIX": port_suffix,
        "PORTAL_SERVER_NAME": "127.0.0.1 localhost",
        "PORTAL_TLS_CERTIFICATE": str(stack.certificate),
        "PORTAL_TLS_CERTIFICATE_KEY": str(stack.certificate.with_name("key.pem")),
        "PORTAL_HSTS": f"max-age={stack.hsts_seconds}; includeSubDomains",
        "PORTAL_WEB_SERVERS": " ".join(f"server 127.0.0.1:{p};" for p in stack.web_ports),
        "PORTAL_ASGI_SERVERS": " ".join(f"server 127.0.0.1:{p};" for p in stack.asgi_ports),
        # Unused here (the servers are addresses), but the directive wants one.
        "PORTAL_NGINX_RESOLVER": "127.0.0.1",
        "PORTAL_STATIC_ROOT": str(stack.dir / "static"),
        "PORTAL_MEDIA_ROOT": str(stack.dir / "media"),
        "PORTAL_PRIVATE_ROOT": str(stack.dir / "private"),
        "PORTAL_ACME_ROOT": str(stack.dir / "acme"),
        "PORTAL_ACCESS_LOG": str(stack.dir / "logs" / "nginx-access.log"),
        "PORTAL_LOGIN_RATE": os.environ.get("STACK_LOGIN_RATE", "10r/m"),
        "PORTAL_LOGIN_BURST": os.environ.get("STACK_LOGIN_BURST", "10"),
        "PORTAL_API_RATE": os.environ.get("STACK_API_RATE", "20r/s"),
        "PORTAL_API_BURST": os.environ.get("STACK_API_BURST", "40"),
    }


def write_nginx_config(stack: Stack, nginx: str) -> list[str]:
    """The stack's own nginx.conf (pid, logs, temp files under STACK_DIR, not /etc/nginx) around
    the rendered site; checked with `nginx -t`. Returns the command that runs it."""
    conf_dir = stack.dir / "nginx"
    temp = conf_dir / "tmp"
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (temp / name).mkdir(parents=True, exist_ok=True)
    user = ""
    if os.geteuid() == 0:
        # Workers drop root; they must read the files and write request bodies to disk.
        worker_user = _existing_user("www-data", "nobody")
        user = f"user {worker_user};"
        uid = pwd.getpwnam(worker_user).pw_uid
        for path in [temp, *temp.iterdir()]:
            os.chown(path, uid, -1)
    mime_types = Path("/etc/nginx/mime.types")
    (conf_dir / "portal.conf").write_text(render(TEMPLATE.read_text(), nginx_values(stack)))
    (conf_dir / "nginx.conf").write_text(
        f"""# Written by deploy/stack/stack.py; the site itself is portal.conf.
{user}
worker_processes 2;
pid {conf_dir / "nginx.pid"};
error_log {stack.dir / "logs" / "nginx-error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    include {mime_types};
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    client_body_temp_path {temp / "body"};
    proxy_temp_path {temp / "proxy"};
    fastcgi_temp_path {temp / "fastcgi"};
    uwsgi_temp_path {temp / "uwsgi"};
    scgi_temp_path {temp / "scgi"};
    include {conf_dir / "portal.conf"};
}}
"""
    )
    command = [nginx, "-p", f"{conf_dir}/", "-c", str(conf_dir / "nginx.conf"), "-e", "stderr"]
    subprocess.run([*command, "-t", "-q"], check=True)
    return [*command, "-g", "daemon off;"]


def _existing_user(*names: str) -> str:
    for name in names:
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise SystemExit(f"none of the users {names} exists for nginx's workers")


# DATABASE ---------------------------------------------------------------------------------
def prepare_database(stack: Stack, password: str) -> str:
    """A login role without superuser rights owning the stack's database; its DATABASE_URL."""
    import psycopg
    from psycopg import sql

    try:
        admin = psycopg.connect(stack.postgres_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        raise SystemExit(
            f"cannot reach PostgreSQL as {stack.postgres_url} (set STACK_POSTGRES_URL to a "
            f"superuser's URL): {error}"
        ) from error
    role, database = sql.Identifier(stack.role), sql.Identifier(stack.database)
    with admin:
        if admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [stack.role]).fetchone():
            statement = "ALTER ROLE {} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {}"
        else:
            statement = "CREATE ROLE {} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {}"
        admin.execute(sql.SQL(statement).format(role, sql.Literal(password)))
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [stack.database]
        ).fetchone()
        if exists and stack.fresh:
            say(f"dropping database {stack.database}")
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(database))
            exists = None
        if not exists:
            say(f"creating database {stack.database} owned by {stack.role}")
            admin.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(database, role))
        admin.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(database))
        admin.execute(sql.SQL("GRANT ALL ON DATABASE {} TO {}").format(database, role))
    address = urlsplit(stack.postgres_url)
    netloc = f"{stack.role}:{password}@{address.hostname or '127.0.0.1'}:{address.port or 5432}"
    return urlunsplit(("postgres", netloc, f"/{stack.database}", "", ""))


def database_is_empty(database_url: str) -> bool:
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as connection:
        return connection.execute("SELECT NOT EXISTS (SELECT 1 FROM accounts_user)").fetchone()[0]


# PROCESSES --------------------------------------------------------------------------------
def kept_secret(stack: Stack, name: str) -> str:
    """A random value made on the first run and kept in STACK_DIR/secrets/."""
    path = stack.dir / "secrets" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


def django_env(stack: Stack, database_url: str) -> dict[str, str]:
    origins = [f"https://{name}:{stack.https_port}" for name in ("127.0.0.1", "localhost")]
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=os.environ.get("SECRET_KEY") or kept_secret(stack, "secret_key"),
        DATABASE_URL=database_url,
        REDIS_URL=stack.redis_url,
        REDIS_PREFIX=stack.redis_prefix,
        CELERY_TASK_DEFAULT_QUEUE=stack.redis_prefix,
        EMAIL_URL=stack.email_url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CSRF_TRUSTED_ORIGINS=",".join(origins),
        PORTAL_BASE_URL=stack.url.rstrip("/"),
        PRIVATE_FILES_SERVER="nginx",
        # nginx in front: the client's address is the one nginx puts in X-Forwarded-For.
        TRUSTED_PROXY_COUNT="1",
        SECURE_HSTS_SECONDS=str(stack.hsts_seconds),
        STATIC_ROOT=str(stack.dir / "static"),
        MEDIA_ROOT=str(stack.dir / "media"),
        PRIVATE_MEDIA_ROOT=str(stack.dir / "private"),
        BEAT_LOCK_FILE=str(stack.dir / "beat.lock"),
        LOG_DIR=str(stack.dir / "logs"),
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True)


def procfile(stack: Stack, nginx_command: list[str]) -> str:
    q = shlex.join
    lines = [f"nginx: exec {q(nginx_command)}"]
    for number, port in enumerate(stack.web_ports, 1):
        gunicorn = [
            str(BIN / "gunicorn"), "portal.wsgi:application",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(stack.gunicorn_workers), "--threads", str(stack.gunicorn_threads),
            "--timeout", "120", "--graceful-timeout", "20",
            "--forwarded-allow-ips", "127.0.0.1", "--access-logfile", "-",
            "--control-socket", str(stack.dir / f"web{number}.ctl"),
        ]  # fmt: skip
        lines.append(f"web{number}: exec {q(gunicorn)}")
    for number, port in enumerate(stack.asgi_ports, 1):
        daphne = [
            str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port),
            "--proxy-headers", "--access-log", "-", "portal.asgi:application",
        ]  # fmt: skip
        lines.append(f"asgi{number}: exec {q(daphne)}")
    worker = [
        str(BIN / "celery"), "-A", "portal", "worker", "--loglevel=info",
        "--concurrency", str(stack.celery_concurrency), "-n", f"{stack.redis_prefix}@%h",
    ]  # fmt: skip
    beat = [str(BIN / "celery"), "-A", "portal", "beat", "--loglevel=info", "--pidfile="]
    announce = [str(BIN / "python"), str(Path(__file__).resolve()), "--announce"]
    announce += ["--scale", str(stack.scale)]
    lines += [
        f"worker: exec {q(worker)}",
        # Prints the address once nginx answers, then stays quiet until the stack stops.
        f"beat: {q(announce)} & exec {q(beat)}",
    ]
    return "\n".join(lines) + "\n"


def announce(stack: Stack, timeout: float = 180) -> None:
    context = ssl.create_default_context(cafile=stack.certificate)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{stack.url}readyz", timeout=2, context=context):
                break
        except OSError:
            time.sleep(0.5)
    else:
        say(f"the portal did not answer at {stack.url} within {timeout:.0f}s")
        return
    print(
        f"""
  School Portal (production settings, {stack.scale} web + {stack.scale} asgi) at  {stack.url}
  Wagtail admin: {stack.url}admin/      HTTP {stack.http_port} redirects to HTTPS
  The certificate is self-signed: {stack.certificate}
  Demo logins (password {DEMO_PASSWORD} for all):
    platform admin  admin@example.com
    centre admins   admin@riverside.example, admin@hillcrest.example
    teachers        teacher1@riverside.example … teacher2@hillcrest.example
    students        student1@riverside.example … student20@hillcrest.example
    parents         parent1@riverside.example … parent15@hillcrest.example
  E-mail: {stack.email_url}
  Logs: {stack.dir / "logs"}      Stop with Ctrl-C or `make stack-stop`.
""",
        flush=True,
    )


def stop(stack: Stack) -> None:
    try:
        pid = int(stack.pidfile.read_text())
    except (FileNotFoundError, ValueError):
        say("no stack is running")
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        say("no stack is running")
    else:
        say(f"stopping the stack (pid {pid})")


def start(stack: Stack) -> None:
    nginx = nginx_binary()
    for folder in ("logs", "static", "media", "private", "acme", "mail"):
        (stack.dir / folder).mkdir(parents=True, exist_ok=True)
    stack.dir.chmod(0o755)  # nginx's workers read static, media and private files below it
    make_certificate(stack)
    nginx_command = write_nginx_config(stack, nginx)
    database_url = prepare_database(stack, kept_secret(stack, f"db-{stack.role}"))
    env = django_env(stack, database_url)
    say("migrating and collecting static files (once, before the processes start)")
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    if os.environ.get("STACK_SEED", "1") == "1" and database_is_empty(database_url):
        say("loading the demo data")
        manage(env, "seed_demo")
    (stack.dir / "Procfile").write_text(procfile(stack, nginx_command))
    sys.exit(run_honcho(stack, env))


def run_honcho(stack: Stack, env: dict[str, str]) -> int:
    """Honcho runs the processes and stops them all when one ends or on Ctrl-C / SIGTERM
    (passed on to it); a stop asked for ends with status 0."""
    procfile_path = str(stack.dir / "Procfile")
    honcho = subprocess.Popen(
        [str(BIN / "honcho"), "start", "-f", procfile_path, "-d", str(ROOT), "-e", "/dev/null"],
        cwd=ROOT,
        env=env,
    )
    stopping = False

    def stop_honcho(signum, frame):
        nonlocal stopping
        stopping = True
        honcho.send_signal(signum)

    signal.signal(signal.SIGTERM, stop_honcho)
    signal.signal(signal.SIGINT, stop_honcho)
    stack.pidfile.write_text(str(os.getpid()))
    try:
        status = honcho.wait()
    finally:
        stack.pidfile.unlink(missing_ok=True)
    return 0 if stopping else status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, help="gunicorn and daphne processes (STACK_SCALE)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    parser.add_argument("--stop", action="store_true", help="stop a running stack")
    parser.add_argument("--announce", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    stack = Stack.from_env(scale=args.scale, fresh=args.fresh)
    if args.stop:
        stop(stack)
    elif args.announce:
        announce(stack)
    else:
        start(stack)


if __name__ == "__main__":
    main()
