"""The CLD extract's edges: refused input (command and page), the page's permission and default period, memory that
does not grow with the rows, and COPY's line ends."""

import csv
import datetime
import io
import tracemalloc

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cld.events import Period
from cld.extract import run_extract
from tests.factories import CaseFactory, FormTypeFactory, UserFactory, bulk_forms

pytestmark = pytest.mark.django_db
PERIOD = ("2026-04-01", "2026-09-30")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2026-09-30", "--end", "2026-04-01"], "the period is reversed"),
        (["--start", "", "--end", "2026-04-01"], "--start must be a date"),
        (["--start", "2026-04-01", "--end", "30/09/2026"], "--end must be a date"),
        (["--start", "2026-04-01", "--end", "2026-09-30", "--release", "3"], "unknown release"),
        (["--start", "2026-04-01", "--end", "2026-09-30", "--release", "two"], "unknown release"),
        (["--start", "2026-04-01", "--end", "9999-12-31"], "must end before 9999-12-31"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_file(tmp_path, args, message):
    output = tmp_path / "out.csv"
    with pytest.raises(CommandError) as raised:
        call_command("cld_extract", *args, "--output", str(output))
    assert raised.value.returncode == 2 and message in str(raised.value) and "\n" not in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output_is_exit_2(tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command(
            "cld_extract", "--start", PERIOD[0], "--end", PERIOD[1], "--output", str(tmp_path / "no" / "x.csv")
        )
    assert raised.value.returncode == 2 and "cannot write" in str(raised.value)


def test_web_extract_needs_the_permission(client, practitioner, manager, data_team):
    url = reverse("cld:extract")
    for user in (practitioner, manager):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert (
            client.post(url, {"start": PERIOD[0], "end": PERIOD[1], "release": 2, "action": "csv"}).status_code == 403
        )
    client.force_login(data_team)
    page = client.get(url).content.decode()
    assert "CLD Extract" in page and 'name="start"' in page


def test_web_reversed_period_is_refused_beside_the_field(client, data_team):
    client.force_login(data_team)
    response = client.post(
        reverse("cld:extract"), {"start": PERIOD[1], "end": PERIOD[0], "release": 2, "action": "csv"}
    )
    assert (
        response.status_code == 200 and "The end of the period cannot be before its start." in response.content.decode()
    )


def test_default_period_is_the_rolling_year_to_the_last_quarter_end():
    from cld.views import default_period

    assert default_period(datetime.date(2026, 11, 27)) == (datetime.date(2025, 10, 1), datetime.date(2026, 9, 30))
    assert default_period(datetime.date(2026, 1, 5)) == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def _peak():
    tracemalloc.start()
    try:
        summary = run_extract(
            Period(datetime.date(2000, 1, 1), datetime.date(2100, 1, 1)),
            2,
            csv_file=_Discard(),
            dq_file=_Discard(),
            record_flags=False,
        )
        return tracemalloc.get_traced_memory()[1], summary.rows
    finally:
        tracemalloc.stop()


class _Discard:
    def write(self, text):
        return len(text)


@pytest.mark.slow
def test_memory_does_not_grow_with_the_number_of_rows(settings):
    settings.CLD_LA_CODE = "384"
    form_type = FormTypeFactory(has_cld_section=True, multiple_open_allowed=True)
    worker = UserFactory()
    case = CaseFactory()
    bulk_forms(2000, status="closed", form_type=form_type, responsible_user=worker, case=case, completed_days_ago=1)
    small, rows = _peak()
    assert rows == 2000
    bulk_forms(18000, status="closed", form_type=form_type, responsible_user=worker, case=case, completed_days_ago=1)
    large, rows = _peak()
    assert rows == 20000
    print(f"extract peak memory: {small / 1e6:.1f} MB for 2,000 rows, {large / 1e6:.1f} MB for 20,000 rows")
    # Keeping the rows (a list of 20,000 row dicts of 50 fields) would cost well over 100 MB: ten times the rows must
    # not even double the peak, which is a couple of chunks of forms in flight (measured: ~14 MB vs ~19 MB here).
    assert large < 2 * small


@given(rows=st.lists(st.lists(st.text(alphabet='ab,"\n\r é', max_size=6), min_size=2, max_size=4), max_size=8))
@hypothesis_settings(max_examples=300, deadline=None)
def test_copy_line_ends_become_csv_writer_line_ends(rows):
    """COPY ends rows with LF; the file must match csv.writer's CRLF, whatever line breaks the values hold."""
    from cld.extract import crlf

    def copy_field(value):  # PostgreSQL's CSV: NULL as nothing, quoted when holding , " CR or LF
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\r\n') else value

    lf = "".join(",".join(copy_field(value) for value in row) + "\n" for row in rows).encode()
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    assert crlf(lf, len(rows)) == buffer.getvalue().encode()


def test_web_end_date_out_of_range_is_refused_beside_the_field(client, data_team):
    client.force_login(data_team)
    for action in ("csv", "dq", "check"):
        response = client.post(
            reverse("cld:extract"), {"start": PERIOD[0], "end": "9999-12-31", "release": 2, "action": action}
        )
        assert response.status_code == 200 and "must end before 9999-12-31" in response.content.decode()


@pytest.mark.parametrize(
    ("configured", "message"), [("", "CLD_LA_CODE is not set"), ("38", "not '38'"), ("E08000036", "three-digit")]
)
def test_the_command_refuses_without_a_three_digit_la_code(settings, tmp_path, configured, message):
    settings.CLD_LA_CODE = configured
    for extra in ([], ["--extract-only"]):
        with pytest.raises(CommandError) as raised:
            call_command(
                "cld_extract", "--start", PERIOD[0], "--end", PERIOD[1], "--output", str(tmp_path / "x.csv"), *extra
            )
        assert raised.value.returncode == 2 and message in str(raised.value) and "\n" not in str(raised.value)
        assert list(tmp_path.iterdir()) == []


def test_the_page_refuses_without_an_la_code_and_says_so(client, data_team, settings):
    settings.CLD_LA_CODE = ""
    client.force_login(data_team)
    assert "CLD_LA_CODE is not set" in client.get(reverse("cld:extract")).content.decode()
    for action in ("csv", "dq", "check"):
        response = client.post(
            reverse("cld:extract"), {"start": PERIOD[0], "end": PERIOD[1], "release": 2, "action": action}
        )
        page = response.content.decode()
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert "The extract cannot run: CLD_LA_CODE is not set" in page
    settings.CLD_LA_CODE = "384"
    page = client.get(reverse("cld:extract")).content.decode()
    assert "LA Code on every row: <strong>384</strong>" in page and "cannot run" not in page


def test_the_extract_functions_refuse_on_their_own(settings):
    from cld.events import ExtractError
    from cld.extract import write_csv

    settings.CLD_LA_CODE = " "
    period = Period(datetime.date(2026, 4, 1), datetime.date(2026, 9, 30))
    for call in (
        lambda: write_csv(period, 2, io.StringIO()),
        lambda: run_extract(period, 2, csv_file=io.StringIO()),
    ):
        with pytest.raises(ExtractError, match="CLD_LA_CODE"):
            call()
