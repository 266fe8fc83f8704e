"""Information governance: a practitioner breaks the glass of a restricted record; information governance sees it in
the breaks of the glass and in who viewed the record, filters that by the practitioner, and exports everything held
on the client as one ZIP."""

import io
import re
import zipfile

from playwright.sync_api import expect

from accounts import roles
from tests.factories import UserFactory, make_form


def test_a_break_of_the_glass_is_seen_by_information_governance_who_export_the_record(
    live_server, page, sign_in, operate, practitioner, manager
):
    colleague = UserFactory(username="cara", roles=[roles.PRACTITIONER])
    form = make_form(status="closed", responsible_user=colleague, manager=manager)
    person = form.case.person
    person.restricted, person.restriction_reason = True, "A member of staff"
    person.save()
    governance = UserFactory(
        username="nadia", first_name="Nadia", last_name="Hussain", roles=[roles.INFORMATION_GOVERNANCE]
    )

    sign_in(practitioner)
    page.goto(live_server.url + form.case.get_absolute_url())
    expect(page.get_by_role("heading", name="This record is restricted")).to_be_visible()
    operate.fill(page.get_by_label("Why you need to open this record"), "Safeguarding call from the police tonight")
    operate.click(page.get_by_role("button", name="Break the glass and open the record"))
    expect(page.get_by_role("heading", name=person.full_name)).to_be_visible()  # the Case Record, open

    operate.click(page.get_by_role("button", name="Sign out"))
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    sign_in(governance)
    page.goto(live_server.url + "/cases/break-glass/")
    expect(page.get_by_role("row", name=re.compile("Safeguarding call from the police tonight"))).to_be_visible()

    page.goto(live_server.url + form.case.get_absolute_url())
    operate.click(page.get_by_role("button", name="Menu"))
    operate.click(page.get_by_role("link", name="Who viewed this record"))
    expect(page.get_by_role("heading", name="Who viewed this record")).to_be_visible()
    operate.select(page.get_by_label("Viewed by"), label=practitioner.display_name)
    operate.click(page.get_by_role("button", name="Show"))
    rows = page.get_by_role("row").filter(has_text=practitioner.display_name)
    expect(rows.filter(has_text="Broke the glass")).to_have_count(1)
    expect(rows.filter(has_text="Case Record")).to_have_count(1)

    operate.click(page.get_by_role("button", name="Menu"))
    operate.click(page.get_by_role("link", name="Subject access export"))
    with page.expect_download() as download:
        operate.click(page.get_by_role("button", name="Produce the ZIP file"))
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    assert "person.csv" in archive.namelist()
    assert any(name.startswith(f"forms/{form.reference}") for name in archive.namelist())
