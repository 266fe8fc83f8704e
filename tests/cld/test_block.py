"""The CLD block on real form pages: rendering, server-side skip logic, crafted POSTs, completion and display."""

import random

import pytest
from django.urls import reverse
from django.utils import timezone

from codes.models import CodeValue
from forms_engine import actions
from forms_engine.demo import answer
from forms_engine.forms import field_name
from forms_engine.models import Form, FormType
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def code(key, label):
    return str(CodeValue.objects.get(code_list__key=key, label=label).pk)


def new_form(type_code, user):
    form_type = FormType.objects.get(code=type_code)
    return actions.create_form(case=CaseFactory(), form_type=form_type, responsible_user=user, by=user)


def question_data(form):
    """Valid answers to every question, as the page would post them."""
    rng = random.Random(1)  # noqa: S311
    today = timezone.localdate()
    data = {}
    for question in form.version.questions():
        value = answer(question, rng, today)
        data[field_name(question)] = value
    return data


def post(client, form, status="in_progress", **cld):
    data = {"revision": form.revision, "status": status, **question_data(form)}
    # the event's dates as the page fills them in: the form's start, and today
    cld = {"event_start": form.start_date.isoformat(), "event_end": timezone.localdate().isoformat(), **cld}
    data |= {f"cld-{key}": value for key, value in cld.items()}
    return client.post(form.get_absolute_url(), data)


ASSESSMENT = {
    "event_type": ("event_type", "Assessment"),
    "assessment_type": ("assessment_type", "Long term assessment"),
    "method": ("method_of_assessment", "Service user and carer"),
}


def assessment(**extra):
    values = {key: code(*ref) for key, ref in ASSESSMENT.items()}
    return {"long_term_support": "No", **values, **extra}


def test_block_is_in_the_office_use_only_section_with_the_council_name(client, practitioner, settings):
    settings.COUNCIL_NAME = "Wakefield MDC"
    form = new_form("adult-conversation-record", practitioner)
    client.force_login(practitioner)
    html = client.get(form.get_absolute_url()).content.decode()
    office = html.index(">Office Use Only<")
    assert html.index("Client Level Data") > office
    assert (
        "Is the client currently in receipt of Long Term Support Services commissioned or provided by Wakefield MDC? "
        "(equipment is not deemed as long term support)"
    ) in html
    assert 'id="cld-rules"' in html and "js/cld.js" in html
    assert 'data-cld-field="route_of_access" hidden' in html  # no Event Type yet: only the always-shown fields
    assert 'data-cld-field="event_outcome">' in html
    assert "When several apply, choose the first that applies" in html


def test_saved_event_type_renders_its_fields(client, practitioner):
    form = new_form("adult-conversation-record", practitioner)
    client.force_login(practitioner)
    post(client, form, **assessment())
    html = client.get(form.get_absolute_url()).content.decode()
    assert 'data-cld-field="assessment_type">' in html
    assert 'data-cld-field="route_of_access" hidden' in html
    # the guide's explanation of each assessment type sits beside its choice
    assert "Determines the client&#39;s ability to pay for care services" in html


def test_hidden_field_in_a_crafted_post_is_cleared_not_stored(client, practitioner):
    form = new_form("adult-conversation-record", practitioner)
    client.force_login(practitioner)
    response = post(client, form, **assessment(route_of_access=code("route_of_access", "Prison")))
    form.refresh_from_db()
    assert response.status_code == 302
    assert form.cld_assessment_type.label == "Long term assessment"
    assert form.cld_route_of_access is None
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "Cleared answers that no longer apply: Route of Access." in messages


def test_changing_event_type_clears_answers_that_no_longer_apply(client, practitioner):
    form = new_form("adult-conversation-record", practitioner)
    client.force_login(practitioner)
    post(client, form, **assessment())
    form.refresh_from_db()
    # the posted page still carries the assessment answers, but the Event Type is now Request
    post(
        client,
        form,
        **assessment(event_type=code("event_type", "Request"), route_of_access=code("route_of_access", "Prison")),
    )
    form.refresh_from_db()
    assert form.cld_event_type.label == "Request" and form.cld_route_of_access.label == "Prison"
    assert form.cld_assessment_type is None and form.cld_method is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("event_type", "999999"),
        ("event_outcome", "not-a-number"),
        ("assessment_type", "__OTHER__"),  # replaced below by a value of another list
        ("event_description_assessment", "Something typed in"),
    ],
)
def test_value_off_the_code_list_is_rejected(client, practitioner, field, value):
    form = new_form("adult-conversation-record", practitioner)
    if value == "__OTHER__":
        value = code("route_of_access", "Prison")
    client.force_login(practitioner)
    response = post(client, form, **assessment(**{field: value}))
    form.refresh_from_db()
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert form.revision == 1 and form.cld_event_type is None


def test_retired_release_1_value_cannot_be_chosen(client, practitioner):
    form = new_form("adult-conversation-record", practitioner)
    client.force_login(practitioner)
    retired = code("event_outcome", "Provision of service")
    response = post(client, form, **assessment(event_outcome=retired))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(
    ("hours", "ok"),
    [("0", True), ("168", True), ("37", True), ("169", False), ("-1", False), ("7.5", False), ("lots", False)],
)
def test_caring_hours_is_a_whole_number_from_0_to_168(client, practitioner, hours, ok):
    form = new_form("carers-conversation-record", practitioner)
    client.force_login(practitioner)
    response = post(client, form, **assessment(caring_hours=hours))
    form.refresh_from_db()
    assert (response.status_code == 302) is ok
    assert form.cld_caring_hours == (int(hours) if ok else None)


def test_caring_hours_only_on_the_two_carer_forms(client, practitioner):
    form = new_form("adult-conversation-record", practitioner)
    client.force_login(practitioner)
    post(client, form, **assessment(caring_hours="40"))
    form.refresh_from_db()
    assert form.cld_caring_hours is None


def test_complete_requires_a_valid_block_and_lists_the_gaps(client, practitioner):
    form = new_form("adult-conversation-record", practitioner)
    client.force_login(practitioner)
    response = post(client, form, status="complete", event_type=code("event_type", "Request"))
    html = response.content.decode()
    form.refresh_from_db()
    assert response.status_code == 200 and form.status == "in_progress"
    assert "Answer Route of Access to set the form Complete." in html
    assert "Answer Is the client currently in receipt of Long Term Support Services" in html
    assert form.cld_event_type.label == "Request"  # what was given is saved
    # the completeness indicator shows the gaps of the saved block
    page = client.get(form.get_absolute_url()).content.decode()
    # (Event Type, Event end date, Route of Access, long term support: the dates are saved with the rest)
    assert "2 of 4</strong> required answers given" in page and "Still needed to complete: Route of Access" in page

    response = post(
        client,
        form,
        status="complete",
        event_type=code("event_type", "Request"),
        route_of_access=code("route_of_access", "Community / Other route"),
        long_term_support="No",
    )
    form.refresh_from_db()
    assert response.status_code == 302 and form.status == "closed"  # conversation records close themselves


def test_event_outcome_is_advised_not_required(client, practitioner):
    form = new_form("adult-conversation-record", practitioner)
    client.force_login(practitioner)
    post(client, form, status="complete", **assessment())
    form.refresh_from_db()
    assert form.status == "closed" and form.cld_event_outcome is None


def test_planned_review_needs_review_outcomes_to_complete(client, practitioner):
    form = new_form("adult-care-and-support-plan-review", practitioner)
    client.force_login(practitioner)
    review = {
        "event_type": code("event_type", "Review"),
        "method": code("method_of_assessment", "Service user only"),
        "review_reason": code("review_reason", "Planned"),
        "long_term_support": "Yes",
    }
    refused = post(client, form, status="complete", **review)
    assert "Answer Review Outcomes Achieved to set the form Complete." in refused.content.decode()
    form.refresh_from_db()
    post(client, form, status="complete", **review, review_outcomes=code("review_outcomes_achieved", "Fully Met"))
    form.refresh_from_db()
    assert form.status == "complete"  # reviews wait for a manager


def test_financial_assessment_clears_event_outcome_and_method(client, practitioner):
    form = new_form("adult-interim-support-plan", practitioner)
    client.force_login(practitioner)
    post(
        client,
        form,
        status="complete",
        **assessment(
            assessment_type=code("assessment_type", "Financial assessment"),
            event_outcome=code("event_outcome", "NFA: Other"),
        ),
    )
    form.refresh_from_db()
    assert form.status == "complete"
    assert form.cld_event_outcome is None and form.cld_method is None


def test_release_2_wording_of_financial_assessment_and_impairment_severity(client, practitioner):
    """Release 2 offers "Financial assessment" (the Release 1 "Financial Assessment" maps to it, and the rules that
    hide Event Outcome and Method hold for both) and one form of "severity unknown" in both impairment lists."""
    from cld.events import Labels
    from cld.models import CldConditionalRule
    from codes.models import CodeValue

    old, new = (
        CodeValue.objects.get(code_list__key="assessment_type", label=label)
        for label in ("Financial Assessment", "Financial assessment")
    )
    assert (old.replaced_by, old.selectable, new.selectable, new.in_release_1) == (new, False, True, False)
    assert Labels(2)(old.pk) == "Financial assessment" and Labels(1)(new.pk) == "Financial Assessment"
    hides = lambda value: set(CldConditionalRule.objects.filter(when_value=value).values_list("field", "effect"))  # noqa: E731
    assert hides(new) == hides(old) == {("event_outcome", "hide"), ("method", "hide")}
    form = new_form("adult-interim-support-plan", practitioner)
    client.force_login(practitioner)
    page = client.get(form.get_absolute_url()).content.decode()
    assert f'value="{new.pk}"' in page and f'value="{old.pk}"' not in page
    unknown = CodeValue.objects.filter(label__icontains="severity unknown", selectable=True)
    assert sorted(unknown.values_list("label", flat=True)) == [
        "Hearing impairment: severity unknown",
        "Visual impairment: severity unknown",
    ]


def test_review_reason_preselected_planned_on_carer_review(client, practitioner):
    form = new_form("carers-support-plan-review", practitioner)
    client.force_login(practitioner)
    post(client, form, event_type=code("event_type", "Review"), long_term_support="No")
    html = client.get(form.get_absolute_url()).content.decode()
    planned = code("review_reason", "Planned")
    assert f'<option value="{planned}" selected>Planned</option>' in html


def test_action_refuses_completion_without_block_even_without_the_page(practitioner):
    form = new_form("adult-conversation-record", practitioner)
    with pytest.raises(actions.FormIncomplete) as refused:
        actions.complete_form(form=form, answers={}, revision=form.revision, by=practitioner)
    assert "event_type" in refused.value.blocks["cld"]
    assert Form.objects.get(pk=form.pk).status == "in_progress"


def test_closed_form_shows_block_read_only_with_labels(client, practitioner):
    form = new_form("adult-conversation-record", practitioner)
    client.force_login(practitioner)
    post(client, form, status="complete", **assessment(event_outcome=code("event_outcome", "NFA: Other")))
    html = client.get(form.get_absolute_url()).content.decode()
    assert "View only" in html and '<dt class="col-md-5">Event Outcome</dt><dd class="col-md-7">NFA: Other</dd>' in html
    assert "Route of Access" not in html


def test_clone_copies_the_block(client, practitioner):
    form = new_form("adult-conversation-record", practitioner)
    client.force_login(practitioner)
    post(client, form, status="complete", **assessment())
    client.post(reverse("forms:form-clone", args=[form.pk]))
    form.refresh_from_db()
    clone = Form.objects.get(cloned_from=form)
    assert form.cld_event_type_id is not None
    assert clone.cld_event_type_id == form.cld_event_type_id and clone.cld_method_id == form.cld_method_id


def test_history_names_cld_values(client, practitioner):
    form = new_form("adult-conversation-record", practitioner)
    client.force_login(practitioner)
    post(client, form, **assessment())
    html = client.get(reverse("forms:form-history", args=[form.pk])).content.decode()
    assert '<th scope="row">Event Type</th><td>–</td><td>Assessment</td>' in html
    assert '<th scope="row">Assessment Type</th><td>–</td><td>Long term assessment</td>' in html


@pytest.mark.parametrize("filled", [False, True])
def test_form_page_with_block_has_a_fixed_query_count(client, practitioner, django_assert_num_queries, filled):
    form = new_form("carers-support-plan-review", practitioner)
    client.force_login(practitioner)
    if filled:
        post(client, form, **assessment(event_outcome=code("event_outcome", "NFA: Other"), caring_hours="20"))
    # the session, the user, form with its codes, the type's CLD rules, the national rules, the code values (no
    # clones: only a Closed form has any), and the access log's row
    with django_assert_num_queries(7):
        assert client.get(form.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("questions", [5, 60])
def test_form_save_query_budget_does_not_grow(client, practitioner, django_assert_num_queries, questions):
    from forms_engine.models import Question

    form_type = FormType.objects.get(code="adult-conversation-record")
    section = form_type.sections.first()
    for number in range(questions):
        Question.objects.create(section=section, label=f"Extra {number}", kind="long_text", order=100 + number)
    form = new_form("adult-conversation-record", practitioner)
    data = {"revision": form.revision, "status": "in_progress", **question_data(form)}
    data |= {f"cld-{key}": value for key, value in assessment().items()}
    client.force_login(practitioner)
    # the session, the user, the form, CLD rules, national rules, code values; then under a savepoint: the locked
    # form, its update and its history row
    with django_assert_num_queries(11):
        response = client.post(form.get_absolute_url(), data)
    assert response.status_code == 302
