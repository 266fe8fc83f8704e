"""What axe cannot see, tried with the keyboard: the skip link, focus on the error summary and from its links to the
fields, the CLD block saying what a change of Event Type added, removed or will clear, and the Status block revealing
the closing fields below itself without moving anything."""

import re

import pytest
from playwright.sync_api import expect

from forms_engine import actions
from forms_engine.models import FormType
from tests.factories import CaseFactory, make_form

pytestmark = pytest.mark.usefixtures("reference_data")


def focused(page):
    return page.evaluate(
        "() => ({id: document.activeElement.id, text: document.activeElement.textContent.trim(),"
        " tag: document.activeElement.tagName})"
    )


def new_cld_form(practitioner, type_code="adult-conversation-record"):
    form_type = FormType.objects.get(code=type_code)
    return actions.create_form(case=CaseFactory(), form_type=form_type, responsible_user=practitioner, by=practitioner)


def test_skip_link_is_the_first_stop_and_takes_the_focus_to_the_main_content(
    live_server, page, sign_in_by_keyboard, practitioner
):
    sign_in_by_keyboard(practitioner)
    page.goto(f"{live_server.url}/cases/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # shown when it has the focus
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    page.keyboard.press("Tab")  # the next stop is the page's own first control, past the header
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_a_refused_save_focuses_the_error_summary_whose_links_focus_their_fields(
    live_server, page, sign_in_by_keyboard, keys, practitioner
):
    form = new_cld_form(practitioner)
    sign_in_by_keyboard(practitioner)
    page.goto(f"{live_server.url}{form.get_absolute_url()}")
    keys.select(page.get_by_label("Status"), label="Complete")
    keys.click(page.get_by_role("button", name="Save").first)
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    # Plain links to the fields' ids (the first radio button of a group): the browser moves the focus to the target of
    # a fragment link and brings it into view, question and all; no script is needed for it.
    links = summary.get_by_role("link")
    assert links.count() >= 2
    for index in (0, links.count() - 1):  # a text or select field, and a group of radio buttons
        target = links.nth(index).get_attribute("href").removeprefix("#")
        page.locator(".error-summary").focus()
        keys.click(links.nth(index))
        assert focused(page)["id"] == target, f"{links.nth(index).text_content()} did not focus #{target}"
        field = page.locator(f"#{target}")
        kind = field.evaluate("field => field.type")
        question = (
            field.locator("xpath=ancestor::fieldset[1]/legend")
            if kind in ("radio", "checkbox")
            else page.locator(f"label[for='{target}']")
        )
        expect(question).to_be_in_viewport(ratio=1)  # the whole question is seen with its control


def test_a_change_of_event_type_says_what_it_added_removed_and_will_clear(
    live_server, page, sign_in_by_keyboard, keys, practitioner
):
    form = new_cld_form(practitioner)
    sign_in_by_keyboard(practitioner)
    page.goto(f"{live_server.url}{form.get_absolute_url()}")
    announcer = page.locator("[data-cld-announce]")
    assert announcer.get_attribute("role") == "status"  # a polite live region, there before anything changes
    expect(announcer).to_have_text("")
    event_type = page.get_by_label(re.compile("^Event Type"))

    keys.select(event_type, label="Assessment")
    expect(announcer).to_contain_text("questions added below:")
    expect(announcer).to_contain_text("Assessment Type")
    expect(event_type).to_be_focused()  # the focus stays where the user is

    keys.check(page.get_by_role("group", name="Assessment Type").get_by_label("Long term assessment"))
    keys.select(event_type, label="Review")
    expect(announcer).to_contain_text("Review Reason")
    expect(announcer).to_contain_text("removed: ")
    expect(announcer).to_contain_text("will be cleared when you save: Assessment Type")
    text = announcer.text_content()
    added = text.split("added below: ")[1].split(".")[0].split("; ")
    removed = text.split("removed: ")[1].split(".")[0].split("; ")
    assert "Assessment Type" in removed and "Assessment Type" not in added
    for label in added:
        expect(page.locator("[data-cld-field]:visible").filter(has_text=label).first).to_be_visible()


def test_choosing_closed_reveals_the_closing_fields_below_and_moves_nothing(
    live_server, page, sign_in_by_keyboard, keys, practitioner, manager
):
    form = make_form(status="complete", responsible_user=practitioner)
    sign_in_by_keyboard(manager)
    page.goto(f"{live_server.url}{form.get_absolute_url()}")
    status = page.get_by_label("Status")
    keys.tab_to(status)
    # in the middle of the window, so that the browser has no need to scroll it into view as it changes
    status.evaluate("select => select.scrollIntoView({block: 'center', behavior: 'instant'})")
    before = status.bounding_box()
    closing = page.get_by_label("Closing date")
    expect(closing).to_be_hidden()
    keys.select(status, value="closed")
    expect(closing).to_be_visible()
    expect(status).to_be_focused()
    assert status.bounding_box() == before, "something above the Status moved"
    assert status.evaluate(
        "(select, field) => Boolean(select.compareDocumentPosition(field) & Node.DOCUMENT_POSITION_FOLLOWING)",
        closing.element_handle(),
    ), "the closing fields come after the Status in the page, so nothing above them moves"
    keys.select(status, value="in_progress")
    expect(page.get_by_label("Reason for returning")).to_be_visible()
    expect(closing).to_be_hidden()
    assert status.bounding_box() == before
