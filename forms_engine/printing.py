"""Print a form to a Word document with python-docx: a header block, then each chosen section as question and answer."""

import io
import re

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from cases.teams import team_names
from forms_engine.forms import NOT_ANSWERED, display_answer

# Characters Word's XML cannot hold (pasted text brings them: vertical tab, form feed, NUL ...) and lone surrogates.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
MIME_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def clean(text):
    """Make any text safe for a Word document: drop control characters, keep everything else (emoji included)."""
    return _NOT_XML.sub("", str(text))


def form_header(form):
    """The header block: (label, value) pairs describing the form and its client."""
    person = form.case.person
    return [
        ("Client", person.full_name),
        ("Case number", form.case.case_number),
        ("NHS number", person.nhs_number_display or NOT_ANSWERED),
        ("Form reference", form.reference),
        ("Responsible user", form.responsible_user.display_name),
        ("Team", team_names(form.responsible_user) or NOT_ANSWERED),
        ("Status", form.get_status_display()),
        ("Start date", _date(form.start_date)),
        ("Completed", _date(form.completed_on)),
        ("Closed", _date(form.closed_on)),
        ("Closed by", form.closed_by_name or NOT_ANSWERED),
    ]


def build_docx(form, *, section_ids, block_rows, printed_by, printed_at, comment=""):
    """Return the .docx bytes of a form with the chosen sections; block_rows are (title, [(label, answer)]) of the
    blocks printed in its Office Use Only section (e.g. the CLD block)."""
    document = Document()
    _page_setup(document)
    document.core_properties.title = clean(f"{form.form_type} {form.reference}")
    document.core_properties.author = clean(printed_by.display_name)
    document.add_heading(clean(form.version.definition.get("name", str(form.form_type))), level=0)
    _table(document, form_header(form), header_style=True)
    if comment:
        paragraph = document.add_paragraph()
        paragraph.add_run("Comment: ").bold = True
        paragraph.add_run(clean(comment))
    chosen = set(section_ids)
    for section in form.version.sections:
        if section["id"] not in chosen:
            continue
        document.add_heading(clean(section["title"]), level=1)
        rows = [
            (question["label"], display_answer(question, form.answers.get(str(question["id"]))))
            for question in section["questions"]
        ]
        if rows:
            _table(document, rows)
        blocks = block_rows if section["office_use_only"] else []
        for title, block in blocks:
            document.add_heading(clean(title), level=2)
            _table(document, block)
        if not rows and not blocks:
            document.add_paragraph("No questions in this section.")
    _footer(document, printed_by, printed_at)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _date(day):
    return day.strftime("%d/%m/%Y") if day else NOT_ANSWERED


def _page_setup(document):
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)


def _table(document, rows, *, header_style=False):
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cells, (label, answer) in zip(table.rows, rows, strict=True):
        question_cell, answer_cell = cells.cells
        question_cell.width, answer_cell.width = Cm(7), Cm(10)
        question_cell.paragraphs[0].add_run(clean(label)).bold = True
        _multiline(answer_cell.paragraphs[0], clean(answer))
    if header_style:
        document.add_paragraph()
    return table


def _multiline(paragraph, text):
    lines = text.split("\n")
    run = paragraph.add_run(lines[0])
    for line in lines[1:]:
        run.add_break()
        run = paragraph.add_run(line)


def _footer(document, printed_by, printed_at):
    paragraph = document.sections[0].footer.paragraphs[0]
    when = timezone.localtime(printed_at).strftime("%d/%m/%Y %H:%M")
    paragraph.add_run(clean(f"Printed by {printed_by.display_name} on {when}. Page "))
    _field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    _field(paragraph, "NUMPAGES")


def _field(paragraph, instruction):
    """Add a Word field (e.g. PAGE) that Word fills in when it lays the document out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
