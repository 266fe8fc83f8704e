import re

from django.utils import timezone
from playwright.sync_api import expect

from forms_engine.models import Form
from tests.factories import CaseFactory, FormTypeFactory, PersonFactory


def test_form_created_completed_closed_and_cloned(live_server, page, sign_in, operate, practitioner, manager):
    case = CaseFactory(person=PersonFactory(given_name="Rosa", family_name="Parks"))
    FormTypeFactory(name="Carers Support Plan Review (test)", requires_sign_off=True)
    FormTypeFactory(name="Occupational Therapy Referral (test)", requires_sign_off=False)

    # Practitioner: Case Record > Menu > Related Items > Forms (Case) > Create New Record
    sign_in(practitioner)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    operate.click(page.get_by_role("button", name="Menu"))
    operate.click(page.get_by_role("link", name="Forms (Case)"))
    operate.click(page.get_by_role("link", name="Create New Record"))
    operate.fill(page.get_by_label("Filter form types"), "carers review")
    expect(page.get_by_role("option", name="Occupational Therapy Referral (test)")).to_be_hidden()
    operate.select(page.get_by_role("listbox", name="Form Type"), label="Carers Support Plan Review (test)")
    expect(page.get_by_label("Responsible User")).to_have_value(str(practitioner.pk))
    operate.click(page.get_by_role("button", name="Save"))
    expect(page.get_by_text("It is In Progress.")).to_be_visible()

    # Complete without the required answer: refused, listed, typing kept
    operate.fill(page.get_by_label("Date seen"), "2026-11-20")
    operate.select(page.get_by_label("Status"), label="Complete")
    operate.click(page.get_by_role("button", name="Save").first)
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("Summary: Answer this question to set the form Complete.")
    expect(page.get_by_label("Date seen")).to_have_value("2026-11-20")
    operate.fill(page.get_by_label("Summary"), "Carer is coping well with support")
    operate.select(page.get_by_label("Status"), label="Complete")
    operate.click(page.get_by_role("button", name="Save").first)
    expect(page.get_by_text("is waiting for a manager to close it")).to_be_visible()
    form = Form.objects.get(case=case)
    assert form.status == "complete"

    # Manager: opens it, chooses Closed, which reveals the closing date and name
    operate.click(page.get_by_role("button", name="Sign out"))
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    sign_in(manager)
    page.goto(f"{live_server.url}/cases/{case.pk}/forms/")
    operate.click(page.get_by_role("link", name=re.compile(f"Edit: .* {form.reference}")))
    expect(page.get_by_label("Closing date")).to_be_hidden()
    operate.select(page.get_by_label("Status"), value="closed")
    expect(page.get_by_label("Closing date")).to_have_value(timezone.localdate().isoformat())
    expect(page.get_by_label("Name of the person closing the form")).to_have_value(manager.display_name)
    operate.click(page.get_by_role("button", name="Save").first)
    expect(page.get_by_text(f"closed by {manager.display_name}")).to_be_visible()

    # The form now shows the eye icon, is read-only, and can be cloned from the ⋯ menu
    page.goto(f"{live_server.url}/cases/{case.pk}/forms/")
    view_link = page.get_by_role("link", name=re.compile(f"View Only: .* {form.reference}"))
    expect(view_link).to_be_visible()
    operate.click(view_link)
    expect(page.get_by_text("View only")).to_be_visible()
    expect(page.get_by_text(f"by {manager.display_name}")).to_be_visible()
    operate.click(page.get_by_role("button", name="More actions"))
    operate.click(page.get_by_role("button", name="Clone"))
    expect(page.get_by_text(f"Cloned {form.reference} into")).to_be_visible()
    clone = Form.objects.get(cloned_from=form)
    assert clone.status == "in_progress" and clone.answers == form.answers
    expect(page.get_by_label("Summary")).to_have_value("Carer is coping well with support")
