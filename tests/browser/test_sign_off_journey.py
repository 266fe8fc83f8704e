import re

from django.utils import timezone
from playwright.sync_api import expect

from forms_engine.models import Form
from tests.factories import FormTypeFactory, TeamFactory, make_form


def test_manager_closes_a_form_from_the_sign_off_chart(live_server, page, sign_in, operate, practitioner, manager):
    team = TeamFactory(name="Locality North")
    team.members.add(practitioner)
    team.managers.add(manager)
    review = FormTypeFactory(name="Support Plan Review (journey)")
    other = FormTypeFactory(name="Interim Plan (journey)")
    first = make_form(status="complete", form_type=review, responsible_user=practitioner)
    make_form(status="complete", form_type=review, responsible_user=practitioner)
    make_form(status="complete", form_type=other, responsible_user=practitioner)

    sign_in(manager)
    operate.click(page.get_by_role("link", name="Dashboards"))
    operate.click(page.get_by_role("link", name="Forms to Sign-Off"))
    table = page.get_by_role("table")
    expect(table.get_by_role("row", name=re.compile("Support Plan Review \\(journey\\) 2"))).to_be_visible()

    # A bar is a real link, reachable by keyboard
    bar = page.locator("svg a", has_text="Support Plan Review (journey)")
    operate.focus_and_enter(bar)
    expect(page.get_by_role("heading", level=1)).to_have_text("Forms to Sign-Off: Support Plan Review (journey)")
    expect(page.get_by_text("2 forms awaiting sign-off")).to_be_visible()

    operate.click(page.get_by_role("link", name=re.compile(f"Edit: .* {first.reference}")))
    operate.select(page.get_by_label("Status"), value="closed")
    expect(page.get_by_label("Closing date")).to_have_value(timezone.localdate().isoformat())
    operate.fill(page.get_by_label("Name of the person closing the form"), "Helen Brooks, Team Manager")
    operate.click(page.get_by_role("button", name="Save").first)

    expect(page.get_by_role("heading", level=1)).to_have_text("Forms to Sign-Off: Support Plan Review (journey)")
    expect(page.get_by_text("1 form awaiting sign-off")).to_be_visible()
    expect(page.get_by_text("closed by Helen Brooks, Team Manager")).to_be_visible()
    closed = Form.objects.get(pk=first.pk)
    assert closed.status == "closed" and closed.closed_by == manager
    assert closed.closed_by_name == "Helen Brooks, Team Manager"
    operate.click(page.get_by_role("link", name="Forms to Sign-Off"))
    expect(
        page.get_by_role("table").get_by_role("row", name=re.compile("Support Plan Review \\(journey\\) 1"))
    ).to_be_visible()
