"""deploy/backup.sh and deploy/restore.sh for real: dump, drop the database, restore, compare.

The scratch database is a copy of the test database (demo data); the scripts run as cron
would run them, against it.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.processes import ROOT

BACKUP = ROOT / "deploy" / "backup.sh"
RESTORE = ROOT / "deploy" / "restore.sh"
#: Tables whose every row must come back byte for byte.
KEY_TABLES = [
    "centres_centre",
    "accounts_user",
    "classes_schoolclass",
    "homework_homework",
    "submissions_submission",
]


def database_url(name: str) -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{settings['USER']}{password}@{host}:{settings['PORT'] or 5432}/{name}"


def admin_sql(statement: str) -> None:
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(statement)


def drop_database(name: str) -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fingerprint(url: str) -> dict[str, object]:
    """Row count of every table, and an md5 of the ordered rows of the key tables."""
    with psycopg.connect(url) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        found: dict[str, object] = {
            table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables
        }
        for table in KEY_TABLES:
            found[f"md5:{table}"] = db.execute(
                f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM {table} t"
            ).fetchone()[0]
    return found


def run(script: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    inherited = ("PG", "BACKUP_", "DATABASE_URL", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
    environment.update(env)
    return subprocess.run(
        ["bash", str(script), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def scratch(django_db_setup, tmp_path):
    """A copy of the test database, its backup folder and its uploaded files."""
    name = f"{connection.settings_dict['NAME']}_backup"
    drop_database(name)
    admin_sql(f'CREATE DATABASE "{name}"')
    copy = subprocess.run(
        f'pg_dump --no-owner "{database_url(connection.settings_dict["NAME"])}" '
        f'| psql --quiet --set ON_ERROR_STOP=1 "{database_url(name)}"',
        shell=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert copy.returncode == 0, copy.stderr
    media, private = tmp_path / "media", tmp_path / "private"
    (media / "images").mkdir(parents=True)
    (media / "images" / "logo.png").write_bytes(b"\x89PNG picture")
    (private / "submissions").mkdir(parents=True)
    (private / "submissions" / "essay.pdf").write_bytes(b"%PDF homework")
    env = {
        "DATABASE_URL": database_url(name),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "MEDIA_ROOT": str(media),
        "PRIVATE_MEDIA_ROOT": str(private),
    }
    yield name, env
    drop_database(name)


def today(offset: int = 0) -> str:
    return (dt.date.today() - dt.timedelta(days=offset)).strftime("%Y%m%d")


def test_backup_drop_restore_gives_back_the_same_rows_and_files(scratch):
    name, env = scratch
    before = fingerprint(env["DATABASE_URL"])
    assert before["centres_centre"] == 2 and before["accounts_user"] > 0
    assert before["homework_homework"] > 0

    first = run(BACKUP, **env)
    assert first.returncode == 0, first.stderr
    again = run(BACKUP, **env)  # a second run the same day replaces the day's files
    assert again.returncode == 0, again.stderr
    backups = Path(env["BACKUP_DIR"])
    dump, media = backups / f"backup_{today()}.sql.gz", backups / f"media_{today()}.tar.gz"
    assert sorted(p.name for p in backups.iterdir() if not p.name.startswith(".")) == [
        dump.name,
        media.name,
    ]
    assert not list(backups.glob(".in-progress*")), "temporary files left behind"
    assert b"CREATE TABLE public.centres_centre" in gzip.decompress(dump.read_bytes())

    drop_database(name)
    for folder in ("MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"):
        for file in Path(env[folder]).rglob("*.*"):
            file.unlink()
    restored = run(RESTORE, str(dump), **env)
    assert restored.returncode == 0, restored.stderr

    assert fingerprint(env["DATABASE_URL"]) == before
    assert (Path(env["MEDIA_ROOT"]) / "images" / "logo.png").read_bytes() == b"\x89PNG picture"
    essay = Path(env["PRIVATE_MEDIA_ROOT"]) / "submissions" / "essay.pdf"
    assert essay.read_bytes() == b"%PDF homework"


def test_restore_refuses_a_database_with_tables_unless_forced(scratch):
    _, env = scratch
    assert run(BACKUP, **env).returncode == 0
    dump = str(Path(env["BACKUP_DIR"]) / f"backup_{today()}.sql.gz")
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as db:
        db.execute("UPDATE centres_centre SET name = 'Changed ' || slug")

    refused = run(RESTORE, dump, **env)
    assert refused.returncode != 0
    assert "is not empty" in refused.stderr and "--force" in refused.stderr

    forced = run(RESTORE, "--force", "--no-media", dump, **env)
    assert forced.returncode == 0, forced.stderr
    with psycopg.connect(env["DATABASE_URL"]) as db:
        names = [row[0] for row in db.execute("SELECT name FROM centres_centre")]
    assert len(names) == 2 and not any(name.startswith("Changed") for name in names)


def test_keeps_the_last_seven_days_and_deletes_older_backups(scratch):
    _, env = scratch
    backups = Path(env["BACKUP_DIR"])
    backups.mkdir()
    kept = [f"backup_{today(6)}.sql.gz", f"media_{today(6)}.tar.gz", "notes.txt"]
    deleted = [
        f"backup_{today(7)}.sql.gz",
        f"media_{today(7)}.tar.gz",
        f"backup_{today(40)}.sql.gz",
    ]
    for file in kept + deleted:
        (backups / file).write_bytes(b"old")

    result = run(BACKUP, **env)
    assert result.returncode == 0, result.stderr
    names = {p.name for p in backups.iterdir() if not p.name.startswith(".")}
    assert names == {*kept, f"backup_{today()}.sql.gz", f"media_{today()}.tar.gz"}

    shorter = run(BACKUP, BACKUP_KEEP_DAYS="2", **env)
    assert shorter.returncode == 0, shorter.stderr
    assert not (backups / f"backup_{today(6)}.sql.gz").exists()


def test_a_bad_database_url_fails_clearly_and_writes_nothing(tmp_path):
    env = {
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/sp_ops_no_such_database",
        "BACKUP_DIR": str(tmp_path / "backups"),
    }
    result = run(BACKUP, **env)
    assert result.returncode != 0
    assert "backup FAILED: cannot connect to the database" in result.stderr
    assert 'database "sp_ops_no_such_database" does not exist' in result.stderr
    assert not list((tmp_path / "backups").glob("backup_*"))

    unset = run(BACKUP, BACKUP_DIR=str(tmp_path / "backups"))
    assert unset.returncode != 0 and "DATABASE_URL is not set" in unset.stderr
