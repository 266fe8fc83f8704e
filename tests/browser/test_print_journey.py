import io

from docx import Document
from playwright.sync_api import expect

from forms_engine.models import PrintRecord
from tests.factories import FormTypeFactory, make_form


def test_print_screen_downloads_a_word_document(live_server, page, sign_in, operate, practitioner):
    form = make_form(responsible_user=practitioner, form_type=FormTypeFactory(name="Printable Review"))
    sign_in(practitioner)
    page.goto(f"{live_server.url}{form.get_absolute_url()}")
    operate.click(page.get_by_role("link", name="Print", exact=True))
    expect(page.get_by_text("Remember to deselect For Office Use Only if sending to client.")).to_be_visible()
    about, office = page.get_by_label("About"), page.get_by_label("Office Use Only")
    expect(about).to_be_checked()
    expect(office).not_to_be_checked()
    operate.click(page.get_by_role("button", name="Select all"))
    expect(office).to_be_checked()
    operate.click(page.get_by_role("button", name="Select none"))
    expect(about).not_to_be_checked()
    operate.click(page.get_by_role("button", name="Print to Word"))
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one section to print.")

    operate.check(about)
    operate.fill(page.get_by_label("Comment (optional)"), "Copy for the client")
    with page.expect_download() as download_info:
        operate.click(page.get_by_role("button", name="Print to Word"))
    download = download_info.value
    assert download.suggested_filename == f"{form.reference}-printable-review.docx"
    document = Document(io.BytesIO(open(download.path(), "rb").read()))
    assert document.paragraphs[0].text == "Printable Review"
    record = PrintRecord.objects.get(form=form)
    assert record.comment == "Copy for the client" and record.sections == ["About"]
