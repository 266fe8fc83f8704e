import csv
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from cld.events import HEADERS, Period
from cld.extract import run_extract
from cld.models import ExtractRun
from codes.models import CodeValue
from forms_engine import actions
from forms_engine.models import CldQualityFlag, Form, FormType
from tests.factories import (
    CaseFactory,
    PersonFactory,
    UserFactory,
    keep_event_values,
    make_form,
    required_answers,
)

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).parent / "golden_extract.csv"
PERIOD = ("2026-04-01", "2026-09-30")


def code(key, label):
    return CodeValue.objects.get(code_list__key=key, label=label)


def at(day):
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T10:30:00"))


def record(person, type_code, by, *, started, completed, status, **cld):
    """A form on the person's case with the given CLD block, completed on a fixed day (and closed if asked)."""
    form_type = FormType.objects.get(code=type_code)
    case = person.cases.first() or CaseFactory(person=person)
    form = actions.create_form(case=case, form_type=form_type, responsible_user=by, by=by)
    values = {
        f"cld_{key}_id" if hasattr(value, "pk") else f"cld_{key}": getattr(value, "pk", value)
        for key, value in cld.items()
    }
    # the event's own dates: the days it started and was completed, unless given
    values.setdefault("cld_event_start", datetime.date.fromisoformat(started))
    if completed:
        values.setdefault("cld_event_end", datetime.date.fromisoformat(completed))
    Form.objects.filter(pk=form.pk).update(**values)
    form.refresh_from_db()
    if status != "in_progress":
        form = actions.complete_form(form=form, answers=required_answers(form.version), revision=form.revision, by=by)
    if status == "closed" and form.status != "closed":
        form = actions.close_form(
            form=form,
            revision=form.revision,
            by=UserFactory(roles=["Manager"]),
            closed_on=form.completed_on,
            name="A Manager",
        )
    Form.objects.filter(pk=form.pk).update(start_date=started, completed_at=at(completed) if completed else None)
    return Form.objects.get(pk=form.pk)


@pytest.fixture
def council(settings, practitioner):
    """A hand-built set: every event type, a carer, a financial assessment, a form with Release 1 labels, and forms
    that must be left out (still In Progress, completed outside the period, a form type without CLD)."""
    settings.CLD_LA_CODE = "384"
    ada = PersonFactory(
        la_person_id="LA100",
        given_name="Ada",
        family_name="Lovelace",
        nhs_number="9434765919",
        date_of_birth=datetime.date(1950, 5, 17),
        gender=code("gender", "Female"),
        ethnicity=code("ethnicity", "White: Irish"),
        postcode="WF1 2EB",
        gp_practice_name="Trinity Medical Centre",
        gp_practice_code="B87001",
        client_funding_status=code("client_funding_status", "Fully social care funded"),
        dementia=code("dementia", "No"),
    )
    brian = PersonFactory(
        la_person_id="LA200",
        given_name="Brian",
        family_name="Carer",
        nhs_number="4010232137",
        date_of_birth=datetime.date(1958, 1, 2),
        gender=code("gender", "Male"),
        postcode="WF2 9AB",
        client_type=code("client_type", "Unpaid carer"),
        primary_support_reason=code("primary_support_reason", "Social support: Support to unpaid carer"),
        has_unpaid_carer=code("has_unpaid_carer", "No"),
        adults_cared_for=2,
        autism=code("autism", "No"),  # not applicable to a carer: left out of the extract
    )
    brian.cares_for.add(ada)
    cyril = PersonFactory(
        la_person_id="LA300",
        given_name="Cyril",
        family_name="Legacy",
        nhs_number="",
        date_of_birth=datetime.date(1940, 12, 25),
        gender=code("gender", "Male"),
        ethnicity=code("ethnicity", "White - Irish"),  # recorded before Release 2
        accommodation_status=code("accommodation_status", "Tenant"),
        client_funding_status=None,  # a service user's review needs it: the set's one failure
    )
    event = {label: code("event_type", label) for label in ("Assessment", "Request", "Review")}
    forms = {
        "A": record(
            ada,
            "adult-conversation-record",
            practitioner,
            started="2026-04-10",
            completed="2026-04-12",
            status="closed",
            event_type=event["Assessment"],
            event_description="Care Act eligibility assessment",
            event_outcome=code("event_outcome", "Progress to support planning or services"),
            assessment_type=code("assessment_type", "Long term assessment"),
            eligible_needs=code("eligible_needs_identified", "Yes"),
            method=code("method_of_assessment", "Service user and carer"),
            long_term_support="No",
        ),
        "B": record(
            ada,
            "adult-interim-support-plan",
            practitioner,
            started="2026-04-30",
            completed="2026-05-01",
            status="complete",
            event_type=event["Assessment"],
            event_description="Interim needs assessment",
            assessment_type=code("assessment_type", "Financial Assessment"),
            long_term_support="Yes",
        ),
        "C": record(
            brian,
            "carers-conversation-record",
            practitioner,
            started="2026-06-15",
            completed="2026-06-15",
            status="closed",
            event_type=event["Request"],
            event_description="New contact",
            event_outcome=code("event_outcome", "Progress to assessment, review or reassessment"),
            route_of_access=code("route_of_access", "Community / Other route"),
            caring_hours=35,
            long_term_support="No",
        ),
        "D": record(
            cyril,
            "adult-care-and-support-plan-review",
            practitioner,
            started="2026-07-01",
            completed="2026-07-20",
            status="closed",
            event_type=event["Review"],
            event_description="Scheduled review",
            event_outcome=code("event_outcome", "No change in package"),  # a Release 1 label
            method=code("method_of_assessment", "Service user only"),
            review_reason=code("review_reason", "Planned"),
            review_outcomes=code("review_outcomes_achieved", "Fully Met"),
            long_term_support="Yes",
        ),
    }
    # Left out: still In Progress, completed before the period, and a form type without a CLD section.
    record(
        ada,
        "ot-conversation-record",
        practitioner,
        started="2026-05-01",
        completed=None,
        status="in_progress",
        event_type=event["Assessment"],
    )
    record(
        cyril,
        "ot-review",
        practitioner,
        started="2026-03-01",
        completed="2026-03-31",
        status="closed",
        event_type=event["Review"],
        method=code("method_of_assessment", "Service user only"),
        review_reason=code("review_reason", "Unplanned - Carer related"),
        long_term_support="No",
    )
    plain = make_form(status="complete", case=ada.cases.first(), responsible_user=practitioner)
    Form.objects.filter(pk=plain.pk).update(completed_at=at("2026-06-01"))
    return forms


def extract_text(release=2):
    buffer = io.StringIO(newline="")
    run_extract(Period(*(datetime.date.fromisoformat(day) for day in PERIOD)), release, csv_file=buffer)
    return buffer.getvalue()


def golden(forms):
    text = GOLDEN.read_text(encoding="utf-8")
    for key, form in forms.items():
        text = text.replace("{" + key + "}", form.reference)
    return text


def test_golden_extract_byte_for_byte(council):
    assert extract_text() == golden(council).replace("\n", "\r\n")


def test_headers_are_the_specification_field_list_in_order(council):
    header = extract_text().split("\r\n")[0]
    assert header.split(",")[:5] == [
        "LA Code",
        "Reporting Period Start Date",
        "Reporting Period End Date",
        "NHS Number",
        "LA Person Unique Identifier",
    ]
    assert len(HEADERS) == 50 and "Request: Route of Access" in header and header.endswith("Planned units per week")


def test_release_1_maps_labels_back(council):
    rows = list(csv.DictReader(io.StringIO(extract_text(release=1))))
    by_ref = {row["Event Reference"]: row for row in rows}
    cyril = by_ref[council["D"].reference]
    assert cyril["Ethnicity"] == "White - Irish" and cyril["Accommodation Status"] == "Tenant"
    assert cyril["Event Outcome"] == "No change in package"
    assert cyril["Client Type"] == "Service User"
    assert by_ref[council["A"].reference]["Assessment Type"] == "Long Term Assessment"
    assert by_ref[council["C"].reference]["Client Type"] == "Carer"


def test_left_out_forms(council):
    references = {row["Event Reference"] for row in csv.DictReader(io.StringIO(extract_text()))}
    assert references == {form.reference for form in council.values()}


def test_command_writes_csv_and_report_and_records_flags(council, tmp_path, capsys):
    output = tmp_path / "q2.csv"
    call_command("cld_extract", "--start", PERIOD[0], "--end", PERIOD[1], "--output", str(output))
    assert output.read_bytes().decode() == golden(council).replace("\n", "\r\n")
    report = list(csv.DictReader((tmp_path / "q2.dq.csv").open(encoding="utf-8")))
    assert [row["Form"] for row in report] == [form.reference for form in council.values()]
    assert {row["Event Reference"] for row in report} == {"Passed: Valid"}
    cyril = report[3]
    assert cyril["Client Funding Status"] == "Failed: Blank (Mandatory)"
    assert cyril["Link"] == council["D"].get_absolute_url()
    assert cyril["NHS Number"] == "Passed: Blank (Not Mandatory)"  # a warning, not a failure
    assert cyril["Event Outcome"] == "Passed: Valid"  # mapped from Release 1
    assert report[1]["Event Outcome"] == "Passed: Blank (Not Mandatory)"  # financial assessment
    assert {row["Failures"] for row in report[:3]} == {"0"}
    assert "Wrote 4 event rows" in capsys.readouterr().out
    flag = CldQualityFlag.objects.get()
    assert flag.form_id == council["D"].pk and flag.fields == ["Client Funding Status"]
    assert not list(tmp_path.glob(".*part"))


def test_failure_half_way_leaves_no_partial_file(council, tmp_path, monkeypatch):
    import cld.extract

    real = cld.extract.csv_line
    calls = []

    def fail_on_third(*args):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(*args)

    monkeypatch.setattr(cld.extract, "csv_line", fail_on_third)
    with pytest.raises(CommandError):
        call_command("cld_extract", "--start", PERIOD[0], "--end", PERIOD[1], "--output", str(tmp_path / "x.csv"))
    assert list(tmp_path.iterdir()) == []


def test_the_page_runs_the_extract_and_offers_the_same_file(client, data_team, council, settings):
    settings.JOBS_QUEUED = False  # done in the request, as on SQLite (tests/cld/test_run_queue.py: the queue)
    client.force_login(data_team)
    response = client.post(reverse("cld:extract"), {"start": PERIOD[0], "end": PERIOD[1], "release": 2})
    run = ExtractRun.objects.get()
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    download = client.get(reverse("cld:run-file", args=[run.pk, "extract"]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content).decode() == golden(council).replace("\n", "\r\n")
    report = client.get(reverse("cld:run-file", args=[run.pk, "report"]))
    rows = list(csv.DictReader(io.StringIO(b"".join(report.streaming_content).decode())))
    assert len(rows) == 4 and rows[3]["Client Funding Status"] == "Failed: Blank (Mandatory)"


def test_web_summary_and_my_forms_flag(client, data_team, practitioner, council, settings):
    settings.JOBS_QUEUED = False
    client.force_login(data_team)
    response = client.post(reverse("cld:extract"), {"start": PERIOD[0], "end": PERIOD[1], "release": 2})
    html = client.get(response.url).content.decode()
    assert "4 event rows; 1 failure in 1 form." in html
    assert '<th scope="row">Assessment</th><td class="text-end">2</td>' in html
    assert '<th scope="row">Client Funding Status</th><td class="text-end">1</td>' in html
    assert "NHS Number blank (the person is matched by the LA Person Unique Identifier alone): 1 row" in html
    assert f'<a href="{council["D"].get_absolute_url()}">{council["D"].reference}</a>' in html
    client.force_login(practitioner)
    my_forms = client.get(reverse("dashboards:my-forms")).content.decode()
    assert my_forms.count("CLD data quality") == 1 and "Client Funding Status" in my_forms
    assert "CLD data quality" in client.get(council["D"].get_absolute_url()).content.decode()


def test_extract_only_writes_the_golden_file_and_no_report(council, tmp_path, capsys):
    output = tmp_path / "q2.csv"
    call_command("cld_extract", "--start", PERIOD[0], "--end", PERIOD[1], "--output", str(output), "--extract-only")
    assert output.read_bytes().decode() == golden(council).replace("\n", "\r\n")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["q2.csv"]
    assert "Wrote 4 event rows" in capsys.readouterr().out
    assert not CldQualityFlag.objects.exists()


def test_postgresql_copy_writes_what_python_writes(council, practitioner, monkeypatch):
    """PostgreSQL's COPY and csv.writer write the same rows (the one definition, event_rows) alike, on awkward data:
    quotes, commas and line breaks in text, non-ASCII names, a carer of four people (three are written, sorted by
    code point), a count taken from the links, local dates at midnight across the clocks changing, ids past seven
    digits and both releases."""
    import cld.extract

    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    dora = PersonFactory(
        la_person_id="LA400",
        given_name='Dóra "Dot"',
        family_name="O'Brien, Jr\nSecond line",
        client_type=code("client_type", "Unpaid carer"),
        adults_cared_for=None,
    )
    others = [PersonFactory(la_person_id=ident) for ident in ("b7", "B7", "a10", "Ä1")]
    dora.cares_for.add(*others)
    event = code("event_type", "Review")
    for completed, type_code in (("2026-09-30", "carers-conversation-record"), ("2026-04-01", "ot-review")):
        form = record(
            dora,
            type_code,
            practitioner,
            started="2026-03-29",
            completed=None,
            status="in_progress",
            event_type=event,
            event_description='Said "fine",\r\nthen left',
            method=code("method_of_assessment", "Service user only"),
            caring_hours=0,
        )
        # set Complete at local midnight (across the clocks changing), what the action keeps kept
        form.cld_event_end = datetime.date.fromisoformat(completed)
        keep_event_values(form)
        midnight = timezone.make_aware(datetime.datetime.fromisoformat(f"{completed}T00:00:00"))
        Form.objects.filter(pk=form.pk).update(status="complete", completed_at=midnight)
    late = Form.objects.aggregate(Max("pk"))["pk__max"] + 10_000_000
    Form.objects.filter(pk=form.pk).update(id=late)
    period = Period(*(datetime.date.fromisoformat(day) for day in PERIOD))
    for release in (1, 2):
        copied = io.StringIO(newline="")
        assert cld.extract.write_csv(period, release, copied) == 6
        monkeypatch.setattr(cld.extract, "uses_copy", lambda: False)
        python = io.StringIO(newline="")
        assert cld.extract.write_csv(period, release, python) == 6
        monkeypatch.undo()
        assert copied.getvalue() == python.getvalue()
        assert f"FRM-{late}" in copied.getvalue() and "LA400" in copied.getvalue()
        dora_row = next(
            row
            for row in csv.DictReader(io.StringIO(copied.getvalue()))
            if row["LA Person Unique Identifier"] == "LA400"
        )
        assert [dora_row[f"Adult {n} Linked Person_ID"] for n in (1, 2, 3)] == ["B7", "a10", "b7"]
        # four linked adults: all counted, the first three named
        assert dora_row["No. of adults being cared for"] == "4" and dora_row["Total Hrs Caring per week"] == "0"
