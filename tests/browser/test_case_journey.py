import re

from playwright.sync_api import expect

from tests.factories import CaseFactory, PersonFactory


def test_practitioner_finds_a_case_and_opens_its_forms(live_server, page, sign_in, operate, practitioner):
    case = CaseFactory(person=PersonFactory(given_name="Edith", family_name="Cavell", nhs_number="4010232137"))
    CaseFactory(person=PersonFactory(given_name="Other", family_name="Person"))
    sign_in(practitioner)

    operate.click(page.get_by_role("link", name="Cases", exact=True))
    operate.fill(page.get_by_label("Search by name, case number or NHS number"), "401 023 2137")
    operate.click(page.get_by_role("button", name="Search"))
    expect(page.get_by_text("1 case found")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Other Person"))).to_have_count(0)

    operate.click(page.get_by_role("link", name=case.case_number))
    expect(page.get_by_role("heading", level=1)).to_have_text("Edith Cavell")
    expect(page.get_by_text("401 023 2137")).to_be_visible()

    operate.click(page.get_by_role("button", name="Menu"))
    operate.click(page.get_by_role("link", name="Forms (Case)"))
    expect(page).to_have_url(f"{live_server.url}/cases/{case.pk}/forms/")
    expect(page.get_by_role("heading", name="Forms (Case)")).to_be_visible()


def test_related_items_menu_works_from_the_keyboard(live_server, page, sign_in_by_keyboard, keys, practitioner):
    case = CaseFactory()
    sign_in_by_keyboard(practitioner)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    keys.click(page.get_by_role("button", name="Menu"))
    forms_link = page.get_by_role("link", name="Forms (Case)")
    expect(forms_link).to_be_visible()
    keys.click(forms_link)
    expect(page).to_have_url(f"{live_server.url}/cases/{case.pk}/forms/")


def test_wrong_password_keeps_username_and_shows_error_summary(live_server, page, operate, practitioner):
    page.goto(f"{live_server.url}/accounts/login/")
    operate.fill(page.get_by_label("Username"), practitioner.username)
    operate.fill(page.get_by_label("Password"), "not-the-password")
    operate.click(page.get_by_role("button", name="Sign in"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Username")).to_have_value(practitioner.username)
