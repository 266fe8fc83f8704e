"""CLD extract runs: a run is a record with its exact files; one run of a period and release at a time; a run that
does not finish offers no file; a run can be compared with the previous one; the command records its runs too."""

import datetime
import hashlib
import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse

import cld.extract
from accounts import roles
from cases import access
from cases.models import RecordAccess
from cld import runs
from cld.events import Period
from cld.models import ExtractRun
from forms_engine.models import Form
from tests.cld.test_extract import code, record
from tests.factories import PersonFactory, UserFactory, make_form

pytestmark = pytest.mark.django_db
PERIOD = Period(datetime.date(2026, 4, 1), datetime.date(2026, 9, 30))


@pytest.fixture(autouse=True)
def at_once(settings):
    """Runs done in the request (as on SQLite), whatever the database: the queue has its own tests."""
    settings.CLD_LA_CODE = "384"
    settings.JOBS_QUEUED = False


@pytest.fixture
def data_team():
    return UserFactory(username="dt", roles=[roles.DATA_TEAM])


@pytest.fixture
def events(practitioner):
    ada = PersonFactory(nhs_number="")  # a warning: NHS Number blank
    for completed, type_code in (
        ("2026-05-01", "ot-conversation-record"),
        ("2026-06-01", "carers-conversation-record"),
    ):
        record(
            ada,
            type_code,
            practitioner,
            started="2026-04-20",
            completed=completed,
            status="closed",
            event_type=code("event_type", "Request"),
            route_of_access=code("route_of_access", "Community / Other route"),
            long_term_support="No",
        )


def sha256(field):
    with field.open("rb") as opened:
        return hashlib.sha256(opened.read()).hexdigest()


def test_a_run_keeps_its_files_with_their_sha256_and_what_it_found(client, data_team, events):
    client.force_login(data_team)
    response = client.post(reverse("cld:extract"), {"start": "01/04/2026", "end": "30/09/2026", "release": 2})
    run = ExtractRun.objects.get()
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    assert (run.state, run.requested_by, run.la_code, run.attempts) == ("done", data_team, "384", 1)
    assert run.rows == 2 == run.rows_done == run.rows_expected and run.rows_by_event_type == {"Request": 2}
    assert sha256(run.extract_file) == run.extract_sha256 and run.extract_file.size == run.extract_size
    assert sha256(run.report_file) == run.report_sha256 and run.report_file.size == run.report_size
    expected = io.StringIO(newline="")
    cld.extract.write_csv(PERIOD, 2, expected)
    with run.extract_file.open("rb") as kept:
        assert kept.read() == expected.getvalue().encode()
    assert run.warnings == {"NHS Number blank (a warning: the row is kept)": 2} or sum(run.warnings.values()) == 2
    page = client.get(run.get_absolute_url()).content.decode()
    assert run.extract_sha256 in page and "Download the extract (CSV)" in page and "Request" in page
    download = client.get(reverse("cld:run-file", args=[run.pk, "extract"]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == expected.getvalue().encode()
    assert 'filename="cld-extract-384-2026-04-01-2026-09-30-r2-run' in download["Content-Disposition"]
    run.report_file.delete(save=False)  # a file removed from storage (by hand, or a retention policy)
    assert client.get(reverse("cld:run-file", args=[run.pk, "report"])).status_code == 404


def test_one_run_of_a_period_and_release_at_a_time(client, data_team, events):
    queued = ExtractRun.objects.create(period_start=PERIOD.start, period_end=PERIOD.end, release=2, la_code="384")
    with pytest.raises(runs.RunRefused, match="already queued") as refused:
        runs.queue_run(period=PERIOD, release=2, by=data_team)
    assert refused.value.run == queued
    client.force_login(data_team)
    page = client.post(reverse("cld:extract"), {"start": "01/04/2026", "end": "30/09/2026", "release": 2})
    assert page.status_code == 200 and "A run of this period and release is already queued" in page.content.decode()
    assert runs.queue_run(period=PERIOD, release=1, by=data_team).state == "done"  # another release may run
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses, whatever asks
        ExtractRun.objects.create(period_start=PERIOD.start, period_end=PERIOD.end, release=2, la_code="384")
    ExtractRun.objects.filter(pk=queued.pk).update(state="failed")
    assert runs.queue_run(period=PERIOD, release=2, by=data_team).state == "done"


def test_a_run_that_fails_part_way_offers_no_file(client, data_team, events, monkeypatch):
    original = cld.extract.csv_line

    def breaks_on_the_second_row(row, calls=[]):  # noqa: B006 - counts the calls
        calls.append(row)
        if len(calls) == 2:
            raise OSError("disk full")
        return original(row)

    monkeypatch.setattr(cld.extract, "csv_line", breaks_on_the_second_row)
    run = runs.queue_run(period=PERIOD, release=2, by=data_team)
    assert run.state == "failed" and "disk full" in run.failure and run.finished_at is not None
    assert not run.extract_file and not run.report_file and run.extract_sha256 == ""
    client.force_login(data_team)
    assert client.get(reverse("cld:run-file", args=[run.pk, "extract"])).status_code == 404
    page = client.get(run.get_absolute_url()).content.decode()
    assert "The run failed." in page and "Download" not in page


def test_an_unfinished_run_is_not_downloadable_and_a_run_stopped_too_often_fails(client, data_team, events):
    running = ExtractRun.objects.create(
        period_start=PERIOD.start, period_end=PERIOD.end, release=2, la_code="384", state="running", attempts=1
    )
    client.force_login(data_team)
    for kind in ("extract", "report", "other"):
        assert client.get(reverse("cld:run-file", args=[running.pk, kind])).status_code == 404
    progress = client.get(reverse("cld:run-progress", args=[running.pk])).json()
    assert progress == {"state": "running", "rows_done": 0, "rows_expected": None}
    page = client.get(running.get_absolute_url()).content.decode()
    assert '<progress id="run-bar"' in page and "js/run-progress.js" in page and ">Refresh</a>" in page
    runs.perform(running.pk)  # taken again after its worker stopped: it starts from the beginning and finishes
    running.refresh_from_db()
    assert (running.state, running.attempts) == ("done", 2)
    stopped = ExtractRun.objects.create(
        period_start=PERIOD.start, period_end=PERIOD.end, release=1, la_code="384", state="running", attempts=3
    )
    runs.perform(stopped.pk)
    stopped.refresh_from_db()
    assert stopped.state == "failed" and "stopped 3 times" in stopped.failure and not stopped.extract_file


def test_a_run_is_compared_with_the_previous_run_of_its_period(client, data_team, events, practitioner):
    first = runs.queue_run(period=PERIOD, release=2, by=data_team)
    record(
        PersonFactory(),
        "ot-review",
        practitioner,
        started="2026-07-01",
        completed="2026-07-02",
        status="closed",
        event_type=code("event_type", "Review"),
        method=code("method_of_assessment", "Service user only"),
        review_reason=code("review_reason", "Unplanned - Other Reason"),
        long_term_support="No",
    )
    second = runs.queue_run(period=PERIOD, release=2, by=data_team)
    previous, event_changes, field_changes = runs.compare(second)
    assert previous == first
    assert ("Review", 0, 1, 1) in event_changes and ("Request", 2, 2, 0) in event_changes
    assert all(change == now - before for _name, before, now, change in field_changes)
    assert {name for name, *_ in field_changes} == set(first.failures_by_field) | set(second.failures_by_field)
    client.force_login(data_team)
    page = client.get(second.get_absolute_url()).content.decode()
    assert f'Compared with <a href="{first.get_absolute_url()}">run {first.pk}</a>' in page and "+1" in page
    assert runs.compare(first) == (None, [], [])


def test_runs_are_listed_newest_first_a_page_at_a_time(client, data_team, django_assert_num_queries):
    for day in range(30):
        ExtractRun.objects.create(
            period_start=datetime.date(2026, 1, 1) + datetime.timedelta(days=day),
            period_end=datetime.date(2026, 3, 31),
            release=2,
            la_code="384",
            state="failed",
            requested_by=data_team,
        )
    client.force_login(data_team)
    newest = ExtractRun.objects.first()
    with django_assert_num_queries(4):  # session, user, count, page
        page = client.get(reverse("cld:runs")).content.decode()
    assert page.count('scope="row"><a href="/cld/extract/runs/') == 25 and f"Run {newest.pk}<" in page
    assert "Page 1 of 2" in page
    with django_assert_num_queries(4):
        client.get(reverse("cld:runs") + "?page=2")
    with django_assert_num_queries(4):  # session, user, unconfirmed code lists, the latest runs
        page = client.get(reverse("cld:extract")).content.decode()
    assert page.count('scope="row"><a href="/cld/extract/runs/') == 5
    with django_assert_num_queries(3):  # session, user, run
        client.get(newest.get_absolute_url())
    with django_assert_num_queries(3):
        client.get(reverse("cld:run-progress", args=[newest.pk]))


def test_the_command_records_its_run_with_the_files_sha256(tmp_path, events):
    output = tmp_path / "extract.csv"
    call_command("cld_extract", "--start", "2026-04-01", "--end", "2026-09-30", "--output", str(output))
    run = ExtractRun.objects.get()
    assert (run.source, run.state, run.output, run.rows) == ("command", "done", str(output.resolve()), 2)
    assert run.extract_sha256 == hashlib.sha256(output.read_bytes()).hexdigest() and run.extract_size == len(
        output.read_bytes()
    )
    report = tmp_path / "extract.dq.csv"
    assert run.report_sha256 == hashlib.sha256(report.read_bytes()).hexdigest()
    call_command(
        "cld_extract", "--start", "2026-04-01", "--end", "2026-09-30", "--output", str(output), "--extract-only"
    )
    quick = ExtractRun.objects.first()
    assert quick.report_sha256 == "" and quick.rows == 2
    assert quick.extract_sha256 == hashlib.sha256(output.read_bytes()).hexdigest()


def test_a_worker_that_lost_its_run_cannot_end_it(events):
    """A worker thought lost (its job handed to another worker) that carries on: its attempt no longer holds the run,
    so neither its result nor its failure ends it; the attempt that holds it does."""
    held = ExtractRun.objects.create(
        period_start=PERIOD.start, period_end=PERIOD.end, release=2, la_code="384", state="running", attempts=2
    )
    result = ExtractRun.objects.get(pk=held.pk)
    result.state, result.extract_sha256, result.rows_done = "done", "0" * 64, 7
    assert not runs.finish(result, attempt=1)
    runs.fail(held.pk, "the first worker's error", attempt=1)
    held.refresh_from_db()
    assert (held.state, held.failure, held.rows_done) == ("running", "", 0)
    assert runs.finish(result, attempt=2)
    held.refresh_from_db()
    assert (held.state, held.rows_done) == ("done", 7)


def test_a_run_logs_a_row_of_each_person_its_file_holds(events, data_team, practitioner):
    make_form(responsible_user=practitioner)  # a person with no event in the period: not in the file, not logged
    run = runs.queue_run(period=PERIOD, release=2, by=data_team)
    assert run.state == "done" and run.rows_done == 2  # two events of one person
    logged = list(RecordAccess.objects.values_list("kind", "object_id", "user_id", "person_id"))
    [(kind, object_id, user_id, person_id)] = logged
    assert (kind, object_id, user_id) == (RecordAccess.Kind.CLD_EXTRACT, run.pk, data_team.pk)
    assert person_id == Form.objects.filter(cld_event_end__isnull=False).first().case.person_id
    call_command("cld_extract", "--start", "2026-04-01", "--end", "2026-09-30", "--output", "/dev/null")
    command_run = ExtractRun.objects.first()
    assert RecordAccess.objects.filter(object_id=command_run.pk, user=None, person_id=person_id).count() == 1


def test_a_run_whose_log_cannot_be_written_fails_and_offers_no_file(events, data_team, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("the log's disk is full")

    monkeypatch.setattr(access, "extracted", broken)
    run = runs.queue_run(period=PERIOD, release=2, by=data_team)
    assert run.state == "failed" and "DatabaseError" in run.failure and not run.extract_file
