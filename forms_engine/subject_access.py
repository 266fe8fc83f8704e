"""A subject access request (UK GDPR Article 15): everything the system holds on one person, as one ZIP file.

In it: the person's record and its history, their cases (and their history), every form on those cases with its
answers and its history, the prints made of them, and the access log of the person, as CSV files (UTF-8 with a byte
order mark, which Excel reads); and each form as the Word document it prints to, every section included.

The file is written to a temporary file (a client with 1,200 forms makes a file of tens of megabytes), which the
view streams; producing it is recorded in the access log (cases/access.py) by the view.
"""

import csv
import io
import tempfile
import zipfile

from django.db.models import ForeignKey
from django.utils import timezone
from django.utils.text import slugify

from cases.models import Case, RecordAccess
from forms_engine.blocks import blocks_for
from forms_engine.models import Form, PrintRecord
from forms_engine.printing import build_docx

SPOOL_BYTES = 16 * 1024 * 1024  # kept in memory up to this, then on disk


def _value(instance, field, labels):
    """A field's value as text for the CSV: a related record by its id, and (`labels`) its name too (a code value's
    label); JSON as written."""
    if isinstance(field, ForeignKey):
        pk = getattr(instance, field.attname)
        if pk is None:
            return ""
        return f"{getattr(instance, field.name)} (id {pk})" if labels else str(pk)
    value = getattr(instance, field.attname)
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _csv(rows, model, *, labels=False):
    """CSV text of model instances: one column a concrete field, by its name. `labels` names related records (a
    query each: for the few rows of the person and their cases; the many forms and history rows give ids, and the
    Word documents give the forms' labels)."""
    fields = list(model._meta.concrete_fields)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([field.name for field in fields])
    for row in rows:
        writer.writerow([_value(row, field, labels) for field in fields])
    return "\ufeff" + buffer.getvalue()


def export(person, *, by):
    """The ZIP of everything held on `person`, as an open temporary file at its start; `by` is named in the Word
    documents' footers as who produced them."""
    cases = list(Case.objects.filter(person=person).select_related("responsible_team", "responsible_user"))
    case_ids = [case.pk for case in cases]
    forms = list(Form.objects.for_page().filter(case_id__in=case_ids).order_by("start_date", "pk"))
    now = timezone.now()
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    with zipfile.ZipFile(spooled, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("person.csv", _csv([person], type(person), labels=True))
        archive.writestr(
            "person_history.csv", _csv(person.history.order_by("history_date", "history_id"), person.history.model)
        )
        archive.writestr("cases.csv", _csv(cases, Case, labels=True))
        case_history = Case.history.filter(id__in=case_ids).order_by("history_date", "history_id")
        archive.writestr("case_history.csv", _csv(case_history, Case.history.model))
        archive.writestr("forms.csv", _csv(forms, Form))
        form_history = Form.history.filter(case_id__in=case_ids).order_by("id", "history_date", "history_id")
        archive.writestr("form_history.csv", _csv(form_history.iterator(), Form.history.model))
        prints = PrintRecord.objects.filter(form__case_id__in=case_ids).order_by("printed_at", "pk")
        archive.writestr("prints.csv", _csv(prints, PrintRecord))
        accesses = RecordAccess.objects.filter(person_id=person.pk).order_by("at", "id")
        archive.writestr("access_log.csv", _csv(accesses.iterator(), RecordAccess))
        for form in forms:
            content = build_docx(
                form,
                section_ids=[section["id"] for section in form.version.sections],
                block_rows=[(block.title, block.display(form)) for block in blocks_for(form.form_type)],
                printed_by=by,
                printed_at=now,
                comment="Produced for a subject access request",
            )
            archive.writestr(f"forms/{form.reference}-{slugify(form.form_type.name)}.docx", content)
    spooled.seek(0)
    return spooled
