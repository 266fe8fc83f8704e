"""The data team's journey: queue a CLD extract run, watch its progress bar move, download both files."""

import hashlib

import pytest
from django.db import connection
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from cld.models import ExtractRun
from forms_engine.models import FormType
from tests.cld.worker import worker_fixture
from tests.factories import CaseFactory, bulk_forms

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("reference_data")]
start_worker = worker_fixture()


def test_a_data_team_user_queues_a_run_watches_it_and_downloads_both_files(
    live_server, page, sign_in, operate, data_team, practitioner, settings, start_worker, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("the job queue is PostgreSQL's: set DATABASE_URL to run this journey")
    settings.CLD_LA_CODE = "384"
    form_type = FormType.objects.get(code="ot-conversation-record")
    bulk_forms(40000, status="closed", form_type=form_type, responsible_user=practitioner, case=CaseFactory())
    sign_in(data_team)
    page.goto(f"{live_server.url}/cld/extract/")
    operate.fill(page.get_by_label("Reporting period start"), "2000-01-01")
    operate.fill(page.get_by_label("Reporting period end"), "2099-12-31")
    operate.click(page.get_by_role("button", name="Run the extract"))
    page.wait_for_url(f"{live_server.url}/cld/extract/runs/*/")
    bar = page.locator("#run-bar")
    expect(bar).to_be_visible()
    expect(page.get_by_text("Waiting for a worker to take the run")).to_be_visible()
    start_worker()
    seen, said = set(), set()
    for _ in range(600):  # the script moves the bar as the worker reports (every 5,000 rows)
        try:
            if not bar.count():
                break  # the run has ended: the page has loaded again with what it found
            value = bar.evaluate("bar => bar.value")
            said.add(page.locator("#run-announce").text_content())
        except PlaywrightError:  # the page is loading again
            continue
        if value > 0:
            seen.add(value)
        page.wait_for_timeout(100)
    assert seen and min(seen) < 40000, f"the bar never moved before the run ended: {seen}"
    # the status region speaks when a worker takes the run and at each quarter passed, not at each of the bar's moves
    allowed = {"A worker has taken the run."} | {f"{quarter}% of the rows checked." for quarter in (25, 50, 75)}
    assert said - {""} <= allowed, said
    if 10000 <= max(seen) < 40000:  # the script moved the bar past a quarter: it said so
        assert said & (allowed - {"A worker has taken the run."}), said
    expect(page.get_by_role("heading", name="Files")).to_be_visible(timeout=120_000)
    run = ExtractRun.objects.get()
    assert run.state == "done" and run.rows == 40000
    for link, digest in (
        ("Download the extract (CSV)", run.extract_sha256),
        ("Download the data-quality report (CSV)", run.report_sha256),
    ):
        with page.expect_download() as downloading:
            operate.click(page.get_by_role("link", name=link))
        saved = tmp_path / downloading.value.suggested_filename
        downloading.value.save_as(saved)
        assert hashlib.sha256(saved.read_bytes()).hexdigest() == digest
