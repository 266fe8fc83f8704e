"""The extract writes each event as it was: the client type of the event, the person's fields as they stood when the
event ended, the event's own start and end dates, and the national rules applied as DHSC applies them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cld.events import HEADERS, Labels, Period
from cld.extract import run_extract
from cld.quality import BLANK_MANDATORY, BLANK_OK, Standard, assess
from forms_engine import actions
from forms_engine.models import Form, FormType
from tests.cld.test_block import code as code_id
from tests.cld.test_block import new_form, post
from tests.cld.test_extract import at, code, record
from tests.factories import CaseFactory, PersonFactory, UserFactory, required_answers

pytestmark = pytest.mark.django_db
PERIOD = Period(datetime.date(2026, 4, 1), datetime.date(2026, 9, 30))


@pytest.fixture(autouse=True)
def la_code(settings):
    settings.CLD_LA_CODE = "384"


def extract_rows(period=PERIOD):
    import csv
    import io

    buffer = io.StringIO(newline="")
    run_extract(period, 2, csv_file=buffer)
    return {row["Event Reference"]: row for row in csv.DictReader(io.StringIO(buffer.getvalue()))}


def request_on(person, type_code, by, **extra):
    return record(
        person,
        type_code,
        by,
        started="2026-06-01",
        completed="2026-06-03",
        status="closed",
        event_type=code("event_type", "Request"),
        route_of_access=code("route_of_access", "Community / Other route"),
        long_term_support="No",
        **extra,
    )


def test_a_carers_form_exports_the_unpaid_carer_client_type_whatever_the_person_record_says(practitioner):
    person = PersonFactory(client_type=code("client_type", "Service user"), autism=code("autism", "Yes"))
    carer_form = request_on(person, "carers-conversation-record", practitioner, caring_hours=20)
    adult_form = request_on(person, "ot-conversation-record", practitioner)
    rows = extract_rows()
    carer, adult = rows[carer_form.reference], rows[adult_form.reference]
    assert carer["Client Type"] == "Unpaid carer" and adult["Client Type"] == "Service user"
    assert carer["Total Hrs Caring per week"] == "20" and carer["Autism Spectrum Disorder (ASD)"] == ""
    assert adult["Autism Spectrum Disorder (ASD)"] == "Yes" and adult["Total Hrs Caring per week"] == ""
    assert FormType.objects.get(code="carers-support-plan-review").cld_client_type.label == "Unpaid carer"


def _dated_history(person, when):
    """Date the person's newest history row to `when`."""
    newest = person.history.order_by("-history_date", "-history_id").first()
    person.history.filter(history_id=newest.history_id).update(history_date=when)


def test_person_fields_are_taken_as_they_stood_when_the_event_ended(practitioner):
    tenant, owner = (
        code("accommodation_status", "Tenant"),
        code("accommodation_status", "Owner occupier or shared ownership scheme"),
    )
    person = PersonFactory(accommodation_status=tenant, postcode="WF1 2EB")
    _dated_history(person, at("2026-01-10"))
    early = request_on(person, "ot-conversation-record", practitioner)  # ended 2026-06-03
    person.refresh_from_db()
    person.accommodation_status, person.postcode = owner, "WF2 9AB"
    person.save()
    _dated_history(person, at("2026-07-01"))
    late = record(
        person,
        "ot-review",
        practitioner,
        started="2026-08-01",
        completed="2026-08-02",
        status="closed",
        event_type=code("event_type", "Review"),
        method=code("method_of_assessment", "Service user only"),
        review_reason=code("review_reason", "Unplanned - Other Reason"),
        long_term_support="No",
    )
    assert Form.objects.get(pk=early.pk).cld_person_as_at.accommodation_status == tenant  # kept on completion
    rows, label = extract_rows(), Labels(2)
    assert (rows[early.reference]["Accommodation Status"], rows[early.reference]["Postcode"]) == (
        label(tenant.pk),
        "WF1 2EB",
    )
    assert rows[late.reference]["Accommodation Status"] == label(owner.pk) != label(tenant.pk)
    assert rows[late.reference]["Postcode"] == "WF2 9AB"


def test_a_person_with_no_history_before_the_event_exports_their_record(practitioner):
    person = PersonFactory(accommodation_status=code("accommodation_status", "Tenant"))
    person.history.all().delete()
    form = request_on(person, "ot-conversation-record", practitioner)
    kept = Form.objects.get(pk=form.pk).cld_person_as_at
    assert kept is not None and kept.history_change_reason == "Recorded for a CLD event"  # made from the record
    assert person.history.count() == 1
    assert extract_rows()[form.reference]["Accommodation Status"] == Labels(2)(person.accommodation_status_id)


def test_a_person_recorded_after_the_event_exports_their_first_history_row(practitioner):
    tenant, owner = (
        code("accommodation_status", "Tenant"),
        code("accommodation_status", "Owner occupier or shared ownership scheme"),
    )
    person = PersonFactory(accommodation_status=tenant)
    _dated_history(person, at("2026-07-01"))  # recorded after the event ended (2026-06-03): migrated in later
    person.accommodation_status = owner
    person.save()
    form = request_on(person, "ot-conversation-record", practitioner)
    assert extract_rows()[form.reference]["Accommodation Status"] == Labels(2)(tenant.pk)


def test_the_adults_a_carer_cared_for_are_kept_when_the_event_ends(practitioner):
    carer = PersonFactory(client_type=code("client_type", "Unpaid carer"), adults_cared_for=None)
    ann, bob, cy = (PersonFactory(la_person_id=f"LA-{name}") for name in ("ANN", "BOB", "CY"))
    carer.cares_for.add(bob, ann)
    form = request_on(carer, "carers-conversation-record", practitioner)
    carer.cares_for.remove(ann)  # after the event: the file still says whom they cared for then
    carer.cares_for.add(cy)
    carer.adults_cared_for = 4
    carer.save()
    row = extract_rows()[form.reference]
    assert row["No. of adults being cared for"] == "2"
    assert [row[f"Adult {n} Linked Person_ID"] for n in (1, 2, 3)] == ["LA-ANN", "LA-BOB", ""]


def test_an_event_set_complete_without_an_end_date_ends_that_day(practitioner):
    from cld.models import CldField, CldFieldRule

    form_type = FormType.objects.get(code="ot-conversation-record")
    CldFieldRule.objects.filter(form_type=form_type, field=CldField.EVENT_END).update(required=False)
    person = PersonFactory()
    form = actions.create_form(
        case=CaseFactory(person=person), form_type=form_type, responsible_user=practitioner, by=practitioner
    )
    Form.objects.filter(pk=form.pk).update(
        cld_event_type=code("event_type", "Request"),
        cld_route_of_access=code("route_of_access", "Community / Other route"),
        cld_long_term_support="No",
    )
    form.refresh_from_db()
    assert form.cld_event_end is None
    form = actions.complete_form(
        form=form, answers=required_answers(form.version), revision=form.revision, by=practitioner
    )
    assert form.cld_event_end == timezone.localdate()
    today = Period(timezone.localdate(), timezone.localdate())
    assert form.reference in extract_rows(today)


def test_no_of_adults_cared_for_counts_every_linked_adult_beyond_three(practitioner):
    carer = PersonFactory(client_type=code("client_type", "Unpaid carer"), adults_cared_for=None)
    carer.cares_for.add(*PersonFactory.create_batch(5))
    form = request_on(carer, "carers-conversation-record", practitioner)
    row = extract_rows()[form.reference]
    assert row["No. of adults being cared for"] == "5"
    assert row["Adult 3 Linked Person_ID"] != "" and len({row[f"Adult {n} Linked Person_ID"] for n in (1, 2, 3)}) == 3


# --- Review Reason on carers' reviews ---------------------------------------------------------------------------------


def test_a_review_on_the_carers_conversation_record_is_written_as_planned(client, practitioner):
    form = new_form("carers-conversation-record", practitioner)
    client.force_login(practitioner)
    page = client.get(form.get_absolute_url()).content.decode()
    assert 'data-cld-field="review_reason"' not in page or 'data-cld-field="review_reason" hidden' in page
    review = {
        "event_type": code_id("event_type", "Review"),
        "method": code_id("method_of_assessment", "Service user only"),
        "review_outcomes": code_id("review_outcomes_achieved", "Fully Met"),
        "long_term_support": "No",
        "event_start": "2026-06-01",
        "event_end": timezone.localdate().isoformat(),
    }
    assert post(client, form, status="complete", **review).status_code == 302
    form = Form.objects.get(pk=form.pk)
    assert form.status in ("complete", "closed") and form.cld_review_reason.label == "Planned"


def test_every_carers_review_starts_with_planned(client, practitioner):
    carer = PersonFactory(client_type=code("client_type", "Unpaid carer"))
    form_type = FormType.objects.get(code="adult-care-and-support-plan-review")
    form = actions.create_form(
        case=CaseFactory(person=carer),
        form_type=form_type,
        responsible_user=practitioner,
        by=practitioner,
    )
    client.force_login(practitioner)
    post(client, form, event_type=code_id("event_type", "Review"))
    page = client.get(form.get_absolute_url()).content.decode()
    planned = code_id("review_reason", "Planned")
    assert f'<option value="{planned}" selected>Planned</option>' in page


# --- The national rules -----------------------------------------------------------------------------------------------


def _row(**values):
    row = dict.fromkeys(HEADERS, "")
    row.update(
        {
            "LA Code": "384",
            "Reporting Period Start Date": "2026-04-01",
            "Reporting Period End Date": "2026-09-30",
            "NHS Number": "9434765919",
            "LA Person Unique Identifier": "LA1",
            "Gender": "Female",
            "Ethnicity": "White: Irish",
            "Client Type": "Service user",
            "Primary Support Reason": "Learning Disability Support",
            "Postcode": "WF1 2EB",
            "Accommodation Status": "Tenant",
            "Has Unpaid Carer": "No",
            "Event Type": "Request",
            "Event Reference": "FRM-0000001",
            "Event Start Date": "2026-04-10",
            "Event End Date": "2026-04-12",
            "Event Outcome": "NFA: Information and advice only",
            "Request: Route of Access": "Community / Other route",
        }
    )
    row.update(values)
    return row


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        ("1961-06-01", BLANK_OK),  # 64 when the event ended (April), 65 at the period end (30 September)
        ("2008-07-01", BLANK_MANDATORY),  # 17 when the event ended, 18 at the period end
        ("1990-01-01", BLANK_MANDATORY),
    ],
)
def test_employment_status_is_mandatory_by_age_at_the_period_end(born, expected):
    standard = Standard(Labels(2))
    assert assess(_row(**{"Date of Birth": born}), standard)["Employment Status"] == expected


def test_the_event_end_date_is_required_to_complete(practitioner):
    """The action refuses to complete a CLD form without its event's end date, whoever calls it."""
    form = new_form("carers-support-plan-review", practitioner)
    Form.objects.filter(pk=form.pk).update(
        cld_event_type_id=code("event_type", "Review").pk,
        cld_method_id=code("method_of_assessment", "Service user only").pk,
        cld_review_reason_id=code("review_reason", "Planned").pk,
        cld_review_outcomes_id=code("review_outcomes_achieved", "Fully Met").pk,
        cld_long_term_support="No",
        cld_event_start=form.start_date,
    )
    form = Form.objects.get(pk=form.pk)
    with pytest.raises(actions.FormIncomplete) as refused:
        actions.complete_form(
            form=form, answers=required_answers(form.version), revision=form.revision, by=practitioner
        )
    assert refused.value.blocks == {"cld": ["event_end"]}
    Form.objects.filter(pk=form.pk).update(cld_event_end=timezone.localdate())
    form = Form.objects.get(pk=form.pk)
    done = actions.complete_form(
        form=form, answers=required_answers(form.version), revision=form.revision, by=practitioner
    )
    assert done.status in ("complete", "closed")


# --- Event start and end dates ----------------------------------------------------------------------------------------


def test_event_dates_start_from_the_forms_start_and_today(client, practitioner):
    form = new_form("adult-conversation-record", practitioner)
    client.force_login(practitioner)
    page = client.get(form.get_absolute_url()).content.decode()
    assert f'id="id_cld-event_start" value="{form.start_date.isoformat()}"' in page
    assert f'id="id_cld-event_end" value="{timezone.localdate().isoformat()}"' in page
    assert 'for="id_cld-event_start">Event start date' in page and 'for="id_cld-event_end">Event end date' in page


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("2026-06-10", "2026-06-01", "event_end", "The event cannot end before it started"),
        ("2999-01-01", "2999-01-01", "event_start", "The event start date cannot be in the future"),
        ("2026-06-01", "2999-01-02", "event_end", "The event end date cannot be in the future"),
    ],
)
def test_impossible_event_dates_are_refused_beside_the_field(client, practitioner, start, end, field, message):
    form = new_form("adult-conversation-record", practitioner)
    client.force_login(practitioner)
    response = post(client, form, event_type=code_id("event_type", "Request"), event_start=start, event_end=end)
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert page.count(message) == 2  # in the error summary, and beside its field:
    assert page.rsplit(message, 1)[0].rsplit("data-cld-field=", 1)[1].startswith(f'"{field}"')
    assert f'value="{start}"' in page and f'value="{end}"' in page  # the typing is kept
    assert Form.objects.get(pk=form.pk).cld_event_start is None


def test_the_action_refuses_impossible_event_dates_on_its_own(practitioner):
    form = new_form("adult-conversation-record", practitioner)
    with pytest.raises(actions.ActionRefused, match="cannot end before it started"):
        actions.save_answers(
            form=form,
            answers={},
            columns={"cld_event_start": datetime.date(2026, 6, 10), "cld_event_end": datetime.date(2026, 6, 1)},
            revision=form.revision,
            by=practitioner,
        )


def test_the_extract_writes_the_events_own_dates(practitioner):
    person = PersonFactory()
    form = request_on(person, "ot-conversation-record", practitioner)
    Form.objects.filter(pk=form.pk).update(
        cld_event_start=datetime.date(2026, 5, 20), cld_event_end=datetime.date(2026, 5, 28)
    )
    row = extract_rows()[form.reference]
    assert (row["Event Start Date"], row["Event End Date"]) == ("2026-05-20", "2026-05-28")


def test_an_event_that_ended_in_the_period_is_in_it_whenever_it_was_recorded(practitioner):
    person = PersonFactory()
    inside = request_on(person, "ot-conversation-record", practitioner)  # completed 2026-06-03
    Form.objects.filter(pk=inside.pk).update(completed_at=at("2026-10-02"), cld_event_end=datetime.date(2026, 9, 29))
    outside = request_on(person, "ot-review", practitioner)
    Form.objects.filter(pk=outside.pk).update(
        cld_event_start=datetime.date(2026, 3, 1), cld_event_end=datetime.date(2026, 3, 30)
    )
    rows = extract_rows()
    assert inside.reference in rows and outside.reference not in rows


# --- Clones -----------------------------------------------------------------------------------------------------------


def test_a_clone_starts_without_the_events_own_answers_and_says_so(client, practitioner):
    form = new_form("adult-care-and-support-plan-review", practitioner)
    client.force_login(practitioner)
    review = {
        "event_type": code_id("event_type", "Review"),
        "event_description_review": "Scheduled review",
        "method": code_id("method_of_assessment", "Service user only"),
        "review_reason": code_id("review_reason", "Planned"),
        "review_outcomes": code_id("review_outcomes_achieved", "Fully Met"),
        "event_outcome": code_id("event_outcome", "Progress to support planning or services"),
        "long_term_support": "Yes",
    }
    response = post(client, form, status="complete", **review)
    assert response.status_code == 302
    form = Form.objects.get(pk=form.pk)
    if form.status != "closed":
        form = actions.close_form(
            form=form,
            revision=form.revision,
            by=UserFactory(roles=["Manager"]),
            closed_on=form.completed_on,
            name="A Manager",
        )
    response = client.post(reverse("forms:form-clone", args=[form.pk]), follow=True)
    clone = Form.objects.get(cloned_from=form)
    kept = ("cld_event_type_id", "cld_event_description", "cld_method_id", "cld_long_term_support")
    assert all(getattr(clone, name) == getattr(form, name) for name in kept)
    cleared = (
        "cld_event_outcome_id",
        "cld_review_reason_id",
        "cld_review_outcomes_id",
        "cld_event_start",
        "cld_event_end",
    )
    assert all(getattr(clone, name) is None for name in cleared)
    page = response.content.decode()
    assert (
        "Cleared for the new event: Event start date, Event end date, Event Outcome, Review Reason, "
        "Review Outcomes Achieved."
    ) in page
    assert "cleared for the new event: Event start date" in clone.history.first().history_change_reason


def test_a_blank_nhs_number_is_a_warning_not_a_failure(practitioner, capsys, tmp_path):
    from django.core.management import call_command

    form = request_on(PersonFactory(nhs_number=""), "ot-conversation-record", practitioner)
    summary = run_extract(PERIOD, 2)
    assert "NHS Number" not in dict(summary.field_failure_rows())
    assert summary.warning_rows() == [
        ("NHS Number blank (the person is matched by the LA Person Unique Identifier alone)", 1)
    ]
    call_command("cld_extract", "--start", "2026-04-01", "--end", "2026-09-30", "--output", str(tmp_path / "q.csv"))
    assert "Warning: NHS Number blank" in capsys.readouterr().out and form.reference


def test_duplicate_event_references_in_one_file_fail(practitioner, monkeypatch):
    from django.db.models import Value

    from cld import events, extract

    person = PersonFactory()
    request_on(person, "ot-conversation-record", practitioner)
    request_on(person, "ot-review", practitioner)
    monkeypatch.setattr(events, "reference_expression", lambda _field: Value("EVT-1"))  # a source that repeats one
    categories = [c["Event Reference"] for _id, _row, c in extract.assessed_events(PERIOD, Labels(2))]
    assert categories == ["Failed: Invalid", "Failed: Invalid"]
    monkeypatch.undo()
    categories = [c["Event Reference"] for _id, _row, c in extract.assessed_events(PERIOD, Labels(2))]
    assert categories == ["Passed: Valid", "Passed: Valid"]
