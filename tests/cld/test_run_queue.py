"""CLD extract runs on the real queue: procrastinate on PostgreSQL, with real worker processes (`manage.py
procrastinate worker`), as production runs them."""

import asyncio
import hashlib
import threading
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection, connections
from django.urls import reverse

from accounts import roles
from cld.models import ExtractRun
from forms_engine.models import FormType
from tests.cld.worker import wait_for, worker_fixture
from tests.factories import CaseFactory, UserFactory, bulk_forms

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ASK = {"start": "01/01/2000", "end": "31/12/2099", "release": 2}


start_worker = worker_fixture()


@pytest.fixture(autouse=True)
def needs_postgres(settings, reference_data, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the job queue is PostgreSQL's: set DATABASE_URL to run these tests")
    settings.CLD_LA_CODE = "384"
    settings.MEDIA_ROOT = tmp_path / "media"  # this test's own: its workers are given it


def stalled_retried(retry_stalled):
    """Run the periodic task's work once, as the worker would, on an event loop of its own (the browser tests leave
    one running in this thread). The queue's Django connector opens a connection in that loop's thread for sync
    code, which is closed there afterwards (left open, it kept the test database from being dropped)."""
    found = []

    async def retried():
        try:
            return await retry_stalled(seconds_since_heartbeat=0)
        finally:
            await sync_to_async(connections.close_all)()

    thread = threading.Thread(target=lambda: found.append(asyncio.run(retried())))
    thread.start()
    thread.join(timeout=60)
    return found[0] if found else None


def sha256(field):
    with field.open("rb") as opened:
        return hashlib.sha256(opened.read()).hexdigest()


@pytest.fixture
def data_team(client):
    user = UserFactory(username="dt", roles=[roles.DATA_TEAM])
    client.force_login(user)
    return user


def events(count):
    form_type = FormType.objects.get(code="ot-conversation-record")
    worker = UserFactory(roles=[roles.PRACTITIONER])
    bulk_forms(count, status="closed", form_type=form_type, responsible_user=worker, case=CaseFactory())


def jobs():
    """{status: jobs} of this test's runs (the queue's tables are procrastinate's, and outlive a test's flush)."""
    runs = list(ExtractRun.objects.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, count(*) FROM procrastinate_jobs WHERE task_name = 'cld.extract_run' "
            "AND (args->>'run_id')::bigint = ANY(%s) GROUP BY 1",
            [runs],
        )
        return dict(cursor.fetchall())


def test_a_worker_takes_the_queued_run_and_keeps_its_files(client, data_team, start_worker):
    events(300)
    start_worker()
    response = client.post(reverse("cld:extract"), ASK)
    run = ExtractRun.objects.get()
    assert response.status_code == 302 and run.state in ("queued", "running")  # the page returned at once
    run = wait_for(run, until=lambda run: run.state == "done")
    assert run.rows == 300 and run.attempts == 1
    assert sha256(run.extract_file) == run.extract_sha256 and sha256(run.report_file) == run.report_sha256
    assert client.get(reverse("cld:run-progress", args=[run.pk])).json()["state"] == "done"
    assert jobs() == {"succeeded": 1}


def test_a_second_run_of_the_same_period_waits_its_turn_refused_with_a_message(client, data_team, start_worker):
    events(20)
    client.post(reverse("cld:extract"), ASK)
    page = client.post(reverse("cld:extract"), ASK)  # no worker yet: the first is still queued
    assert page.status_code == 200 and "already queued" in page.content.decode()
    assert ExtractRun.objects.count() == 1 and jobs() == {"todo": 1}
    other = client.post(reverse("cld:extract"), {**ASK, "release": 1})  # another release is another run
    assert other.status_code == 302 and jobs() == {"todo": 2}
    start_worker()
    for run in ExtractRun.objects.all():
        wait_for(run, until=lambda run: run.state == "done")
    assert client.post(reverse("cld:extract"), ASK).status_code == 302  # once it has ended, it may run again


def test_a_killed_worker_leaves_no_file_and_the_run_is_taken_again(client, data_team, start_worker):
    from cld.tasks import retry_stalled

    events(30000)
    first = start_worker()
    client.post(reverse("cld:extract"), ASK)
    run = wait_for(ExtractRun.objects.get(), until=lambda run: run.state == "running" and run.rows_done > 0)
    first.kill()
    run.refresh_from_db()
    assert run.state == "running" and run.rows_done < 30000 and not run.extract_file
    assert (
        client.get(reverse("cld:run-file", args=[run.pk, "extract"])).status_code == 404
    )  # half a file is never offered
    assert not list(Path(settings.MEDIA_ROOT).rglob(f"*-run{run.pk}.csv"))
    assert stalled_retried(retry_stalled) == 1
    start_worker()
    run = wait_for(run, until=lambda run: run.state == "done", seconds=180)
    assert run.attempts == 2 and run.rows == 30000
    assert sha256(run.extract_file) == run.extract_sha256
