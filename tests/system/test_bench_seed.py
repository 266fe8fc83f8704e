"""`make bench` seeds its own database from nothing (bench/seed.py) and picks its pages from it (bench/probe.py): both
run here on a small scratch database, at today's schema, so that a new column the seed's COPY leaves out is found by
the suite and not by the next benchmark."""

import json
import os
import subprocess
import sys

import psycopg
import pytest
from django.db import connection

from tests.conftest import database_url
from tests.system.server import ROOT

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def scratch_database(django_db_blocker):
    """A fresh, empty PostgreSQL database beside the test database (dropped afterwards), made and dropped on a
    connection of its own to the server's maintenance database, which is closed each time (the test database's own
    connection, left holding a session, kept it from being dropped at the end of the suite)."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("bench/seed.py needs PostgreSQL: set DATABASE_URL to run this")
        settings = dict(connection.settings_dict)
    name = f"{settings['NAME']}_seed_{os.getpid()}"

    def server(statement):
        with psycopg.connect(database_url({**settings, "NAME": "postgres"}), autocommit=True) as maintenance:
            maintenance.execute(statement)

    server(f'DROP DATABASE IF EXISTS "{name}"')
    server(f'CREATE DATABASE "{name}"')
    yield database_url({**settings, "NAME": name})
    server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(script, url, *args):
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)},
        "DJANGO_SETTINGS_MODULE": "caredirector.settings",
        "DEBUG": "1",
        "DATABASE_URL": url,
    }
    done = subprocess.run(  # noqa: S603 - our own scripts
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_the_benchmark_seeds_an_empty_database_and_finds_its_pages(scratch_database):
    seeded = run("seed.py", scratch_database, "--forms", "4000", "--people", "1000")
    assert "forms: 4,000" in seeded
    assert "already seeded" in run("seed.py", scratch_database, "--forms", "4000", "--people", "1000")

    info = json.loads(run("probe.py", scratch_database).strip().splitlines()[-1])
    assert info["forms"] == 4000
    assert info["people"] == 1000
    assert (info["practitioners"], info["managers"]) == (300, 20)
    assert info["hot_forms"] >= 1200  # the worst case pages' client
    assert info["fifty_form"] and len(info["save_forms"]) == 40
