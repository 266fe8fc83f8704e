import re

import pytest
from playwright.sync_api import expect

from forms_engine import actions
from forms_engine.models import Form, FormType
from tests.factories import CaseFactory

# The seeded form types, CLD rules and code lists come from data migrations: restored for the live server.
pytestmark = pytest.mark.usefixtures("reference_data")

ALWAYS = ["Event Type", "Event Outcome", "Long Term Support Services"]
BY_EVENT = {
    "Assessment": [
        "Event Description – Assessment",
        "Assessment Type",
        "Eligible needs identified",
        "Non-eligible need identified",
        "Method of Assessment / Review",
    ],
    "Request": ["Event Description – Request", "Route of Access"],
    "Review": [
        "Event Description – Review",
        "Method of Assessment / Review",
        "Review Reason",
        "Review Outcomes Achieved",
    ],
}
ALL_EVENT_FIELDS = {label for labels in BY_EVENT.values() for label in labels}


def expect_event_fields(page, event, hidden_here=()):
    for label in sorted(ALL_EVENT_FIELDS):
        locator = page.locator("[data-cld-field]").filter(has_text=label)
        if label in BY_EVENT[event] and label not in hidden_here:
            expect(locator.first).to_be_visible()
        else:
            for index in range(locator.count()):
                expect(locator.nth(index)).to_be_hidden()


def open_new_form(live_server, page, type_code, user):
    form_type = FormType.objects.get(code=type_code)
    form = actions.create_form(case=CaseFactory(), form_type=form_type, responsible_user=user, by=user)
    page.goto(f"{live_server.url}{form.get_absolute_url()}")
    return form


def fill_questions(page, operate, form):
    for question in form.version.questions():
        if not question["required"]:
            continue
        label = question["label"]
        kind = question["kind"]
        if kind == "date":
            operate.fill(page.get_by_label(label, exact=True), "2026-11-02")
        elif kind in ("short_text", "long_text"):
            operate.fill(page.get_by_label(label, exact=True), "Recorded in the browser test")
        elif kind in ("yes_no", "single_choice"):
            operate.check(page.get_by_role("group", name=label).get_by_role("radio").first)
        elif kind == "multiple_choice":
            operate.check(page.get_by_role("group", name=label).get_by_role("checkbox").first)


@pytest.mark.parametrize(
    ("type_code", "hidden_on_review", "shows_hours"),
    [
        # Review Reason is written as Planned there; Review Outcomes Achieved shows (docs/cld-spec-notes.md)
        ("carers-conversation-record", ("Review Reason",), True),
        ("adult-care-and-support-plan-review", (), False),
        ("ot-referral-secondary", (), False),
    ],
)
def test_event_type_switches_fields_instantly_then_form_completes(
    live_server, page, sign_in, operate, practitioner, type_code, hidden_on_review, shows_hours
):
    sign_in(practitioner)
    form = open_new_form(live_server, page, type_code, practitioner)
    event_type = page.get_by_label(re.compile("^Event Type"))
    hours = page.get_by_text("Total Voluntary Caring Hours per week")
    if shows_hours:
        expect(hours).to_be_visible()
    else:
        expect(hours).to_be_hidden()
    for label in ALWAYS:
        expect(page.locator("[data-cld-field]").filter(has_text=label).first).to_be_visible()
    requests_before = []
    page.on("request", lambda request: requests_before.append(request.url))

    for event in ["Assessment", "Request", "Review", "Assessment"]:
        operate.select(event_type, label=event)
        expect_event_fields(page, event, hidden_on_review if event == "Review" else ())
    assert not [url for url in requests_before if "/forms/" in url]  # no page reload, no round trip

    # Answers that a change of Event Type would hide are named before anything is cleared
    operate.check(page.get_by_role("group", name="Assessment Type").get_by_label("Long term assessment"))
    operate.select(event_type, label="Request")
    warning = page.locator("[data-cld-clear-warning]")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Assessment Type")
    operate.select(event_type, label="Assessment")
    expect(warning).to_be_hidden()
    operate.check(
        page.get_by_role("group", name="Method of Assessment / Review").get_by_label("Service user and carer")
    )
    operate.check(page.get_by_role("group", name="Is the client currently in receipt").get_by_label("No"))
    operate.select(page.get_by_label("Event Description – Assessment"), index=1)
    fill_questions(page, operate, form)
    operate.select(page.get_by_label("Status"), label="Complete")
    operate.click(page.get_by_role("button", name="Save").first)
    expect(page.get_by_text("is Complete")).to_be_visible()
    form = Form.objects.get(pk=form.pk)
    assert form.status in ("complete", "closed")
    assert form.cld_event_type.label == "Assessment" and form.cld_assessment_type.label == "Long term assessment"
    assert form.cld_route_of_access is None
