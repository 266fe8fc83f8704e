"""A manager's own queue: they bulk-close three of their team's forms and return one with a reason; the practitioner
sees it Returned for amendment in My Forms."""

import re

from playwright.sync_api import expect

from accounts import roles
from forms_engine.models import Form
from tests.factories import FormTypeFactory, TeamFactory, UserFactory, make_form


def test_a_manager_closes_three_forms_at_once_and_returns_one(
    live_server, page, sign_in, operate, practitioner, manager
):
    team = TeamFactory(name="Locality North")
    team.members.add(practitioner)
    team.managers.add(manager)
    elsewhere = TeamFactory(name="Occupational Therapy")
    elsewhere.members.add(
        UserFactory(username="tess", first_name="Tess", last_name="Other", roles=[roles.PRACTITIONER])
    )
    review = FormTypeFactory(name="Support Plan Review (team)", multiple_open_allowed=True)
    ours = [make_form(status="complete", form_type=review, responsible_user=practitioner) for _ in range(4)]
    theirs = make_form(status="complete", form_type=review, responsible_user=elsewhere.members.get())

    sign_in(manager)
    operate.click(page.get_by_role("link", name="Dashboards"))
    operate.click(page.get_by_role("link", name="Forms to Sign-Off"))
    expect(page.get_by_label("Team", exact=True)).to_have_value("")  # My teams
    expect(page.get_by_text("4 forms are Complete")).to_be_visible()
    operate.click(page.get_by_role("link", name="list them all"))
    expect(page.get_by_text("4 forms awaiting sign-off")).to_be_visible()
    expect(page.get_by_text(theirs.reference)).to_have_count(0)

    for form in ours[:3]:
        operate.check(page.get_by_label(re.compile(f"^Tick {form.reference} for")))
    operate.check(page.get_by_label("Close them"))
    operate.fill(page.get_by_label("Name of the person closing the forms"), "Helen Brooks, Team Manager")
    operate.click(page.get_by_role("button", name="Apply to the ticked forms"))
    expect(page.get_by_text(re.compile("^Closed 3 forms: "))).to_be_visible()
    expect(page.get_by_text("1 form awaiting sign-off")).to_be_visible()

    operate.check(page.get_by_label(re.compile(f"^Tick {ours[3].reference} for")))
    operate.check(page.get_by_label("Return them for amendment"))
    operate.fill(page.get_by_label("Reason for returning the forms"), "Please add the carer's view.")
    operate.click(page.get_by_role("button", name="Apply to the ticked forms"))
    expect(page.get_by_text(f"Returned 1 form: {ours[3].reference}.")).to_be_visible()
    assert Form.objects.filter(pk__in=[form.pk for form in ours[:3]], status="closed").count() == 3
    assert Form.objects.get(pk=theirs.pk).status == "complete"

    operate.click(page.get_by_role("button", name="Sign out"))
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    sign_in(practitioner)
    expect(page.get_by_text("Your team: Locality North")).to_be_visible()
    operate.click(page.get_by_role("link", name=re.compile("^Returned for amendment")))
    row = page.get_by_role("row", name=re.compile(ours[3].reference))
    expect(row).to_be_visible()
    expect(row.get_by_text("Returned for amendment")).to_be_visible()
