"""A worker of the job queue for tests: `manage.py procrastinate worker` on the test database, in its own process."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import database_url

ROOT = Path(__file__).resolve().parents[2]


class Worker:
    """`manage.py procrastinate worker` on the test database, in a process of its own."""

    def __init__(self, log):
        db = connection.settings_dict
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)},
            "DJANGO_SETTINGS_MODULE": "caredirector.settings_test",
            "DATABASE_URL": database_url(db),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "CLD_LA_CODE": "384",
        }
        self.log = log
        self.process = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "procrastinate", "worker", "--queues", "extracts"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def worker_fixture():
    """A fixture that starts workers (as many as asked for) and stops them after the test."""

    @pytest.fixture
    def start_worker(tmp_path):
        started = []

        def start():
            started.append(Worker(tmp_path / f"worker-{len(started)}.log"))
            return started[-1]

        yield start
        for worker in started:
            worker.stop()

    return start_worker


def wait_for(run, *, until, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if until(run):
            return run
        time.sleep(0.1)
    raise AssertionError(f"run {run.pk} is {run.state} ({run.rows_done} of {run.rows_expected} rows) after {seconds} s")
