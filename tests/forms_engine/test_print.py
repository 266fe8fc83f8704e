import hashlib
import io

import pytest
from django.urls import reverse
from docx import Document

from forms_engine import actions
from forms_engine.models import Form, FormType, PrintRecord, Question
from tests.factories import CaseFactory, FormTypeFactory, PersonFactory, make_form, question_ids

pytestmark = pytest.mark.django_db


def sections_of(form):
    return {section["title"]: section["id"] for section in form.version.sections}


def print_doc(client, form, titles, comment=""):
    ids = [sections_of(form)[title] for title in titles]
    response = client.post(reverse("forms:form-print", args=[form.pk]), {"sections": ids, "comment": comment})
    return response


def open_docx(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return Document(io.BytesIO(response.content))


def text_of(document):
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def table_rows(document):
    return {row.cells[0].text: row.cells[1].text for table in document.tables for row in table.rows}


@pytest.fixture
def closed_form(practitioner, manager):
    form_type = FormTypeFactory(name="Home Visit Review")
    person = PersonFactory(given_name="Grace", family_name="Hopper", nhs_number="9434765919")
    form = make_form(
        status="closed",
        case=CaseFactory(person=person),
        form_type=form_type,
        responsible_user=practitioner,
        manager=manager,
        answers={
            str(question_ids(form_type)["Summary"]): "Seen at home",
            str(question_ids(form_type)["Date seen"]): "2026-11-02",
        },
    )
    return Form.objects.for_page().get(pk=form.pk)


def test_print_screen_ticks_all_but_office_use_only_and_reminds(client, practitioner, closed_form):
    client.force_login(practitioner)
    html = client.get(reverse("forms:form-print", args=[closed_form.pk])).content.decode()
    ids = sections_of(closed_form)
    assert f'value="{ids["About"]}" id="id_sections_0" checked' in html
    assert f'value="{ids["Office Use Only"]}" id="id_sections_1" aria-describedby' in html
    assert 'id="id_sections_1" checked' not in html
    assert "Remember to deselect For Office Use Only if sending to client." in html
    assert "Select all" in html and "Select none" in html


def test_document_has_chosen_sections_header_and_footer(client, practitioner, manager, closed_form):
    client.force_login(practitioner)
    document = open_docx(print_doc(client, closed_form, ["About"]))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings == [("Title", "Home Visit Review"), ("Heading 1", "About")]
    rows = table_rows(document)
    assert rows["Client"] == "Grace Hopper"
    assert rows["Case number"] == closed_form.case.case_number
    assert rows["NHS number"] == "943 476 5919"
    assert rows["Responsible user"] == practitioner.display_name
    assert rows["Status"] == "Closed"
    assert rows["Closed by"] == manager.display_name
    assert rows["Completed"] == closed_form.completed_on.strftime("%d/%m/%Y")
    assert rows["Summary"] == "Seen at home"
    assert rows["Date seen"] == "02/11/2026"  # UK format
    assert "Office Use Only" not in text_of(document)
    footer = document.sections[0].footer
    assert f"Printed by {practitioner.display_name} on" in footer.paragraphs[0].text
    assert 'w:instr="PAGE"' in footer._element.xml and 'w:instr="NUMPAGES"' in footer._element.xml


def test_unanswered_questions_print_as_a_dash(client, practitioner):
    form = make_form(responsible_user=practitioner, answers={})
    client.force_login(practitioner)
    rows = table_rows(open_docx(print_doc(client, form, ["About"])))
    assert rows["Summary"] == "–" and rows["Date seen"] == "–"


def test_choosing_no_section_gives_a_message_not_an_empty_file(client, practitioner, closed_form):
    client.force_login(practitioner)
    response = client.post(reverse("forms:form-print", args=[closed_form.pk]), {"comment": "for the GP"})
    assert response.status_code == 200
    assert "Choose at least one section to print." in response.content.decode()
    assert not PrintRecord.objects.exists()


def test_print_is_recorded_with_the_hash_of_the_file(client, practitioner, closed_form):
    client.force_login(practitioner)
    response = print_doc(client, closed_form, ["About", "Office Use Only"], comment="Copy for the GP")
    record = PrintRecord.objects.get()
    assert record.sha256 == hashlib.sha256(response.content).hexdigest() and record.size == len(response.content)
    assert (record.printed_by, record.sections, record.comment) == (
        practitioner,
        ["About", "Office Use Only"],
        "Copy for the GP",
    )
    assert response["X-Print-Record"] == str(record.pk)
    history = client.get(reverse("forms:print-history", args=[closed_form.pk])).content.decode()
    assert record.sha256 in history and "Copy for the GP" in history and "About, Office Use Only" in history
    entry = closed_form.history.first()
    assert entry.history_user == practitioner
    assert entry.history_change_reason == "Printed to Word: About, Office Use Only. Comment: Copy for the GP"
    assert "Printed to Word" in client.get(reverse("forms:form-history", args=[closed_form.pk])).content.decode()


@pytest.mark.parametrize(
    "answer",
    [
        "Line one\x0bline two\x0cpasted from Word\x00",
        "Smiles all round 😀👍🏽 and ünïcödé",
        "A very long answer. " * 5000,
        "Two\nlines",
    ],
)
def test_hostile_text_does_not_break_the_document(client, practitioner, answer):
    form = make_form(responsible_user=practitioner, answers={})
    key = str(question_ids(form.form_type)["Summary"])
    Form.objects.filter(pk=form.pk).update(answers={key: answer.replace("\x00", "")})
    client.force_login(practitioner)
    rows = table_rows(open_docx(print_doc(client, form, ["About"], comment="tab\x0bcomment 😀")))
    expected = answer.replace("\x0b", "").replace("\x0c", "").replace("\x00", "")
    assert rows["Summary"] == expected


def test_closed_form_prints_as_it_was_even_after_its_type_changed(client, practitioner, closed_form):
    Question.objects.filter(form_type=closed_form.form_type, label="Summary").update(label="Renamed question")
    Question.objects.filter(form_type=closed_form.form_type, label="Date seen").delete()
    FormType.objects.filter(pk=closed_form.form_type_id).update(name="Renamed type")
    client.force_login(practitioner)
    document = open_docx(print_doc(client, closed_form, ["About"]))
    rows = table_rows(document)
    assert rows["Summary"] == "Seen at home" and rows["Date seen"] == "02/11/2026"
    assert "Renamed" not in text_of(document)


def test_cld_block_printed_with_labels_when_office_use_only_chosen(client, practitioner):
    from tests.cld.test_block import assessment, code, post

    form_type = FormType.objects.get(code="adult-conversation-record")
    form = actions.create_form(case=CaseFactory(), form_type=form_type, responsible_user=practitioner, by=practitioner)
    client.force_login(practitioner)
    post(client, form, **assessment(event_outcome=code("event_outcome", "NFA: Other")))
    form.refresh_from_db()
    with_office = table_rows(open_docx(print_doc(client, form, ["Conversation", "Office Use Only"])))
    assert with_office["Event Type"] == "Assessment"
    assert with_office["Assessment Type"] == "Long term assessment"
    assert with_office["Event Outcome"] == "NFA: Other"
    assert "Route of Access" not in with_office  # not applicable to an assessment
    without = table_rows(open_docx(print_doc(client, form, ["Conversation"])))
    assert "Event Type" not in without


def test_any_status_prints_and_wrong_method_is_405(client, practitioner):
    form = make_form(responsible_user=practitioner)
    client.force_login(practitioner)
    open_docx(print_doc(client, form, ["About"]))
    assert client.put(reverse("forms:form-print", args=[form.pk])).status_code == 405
    assert client.post(reverse("forms:print-history", args=[form.pk])).status_code == 405


def test_unknown_section_id_is_refused(client, practitioner, closed_form):
    client.force_login(practitioner)
    response = client.post(reverse("forms:form-print", args=[closed_form.pk]), {"sections": ["999999"]})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not PrintRecord.objects.exists()
