"""The quarterly CLD extract: one row per event, streamed, with its data-quality report beside it.

A row is defined once, as a queryset (`event_rows`): every column an expression over the form, its case and its
person, with each code value's label in the requested release. On PostgreSQL the database runs it inside
`COPY ... TO STDOUT` and writes the CSV itself, in 64 KiB chunks (a Python object per row ran at 2,400 rows a second);
elsewhere csv.writer writes the same rows. Events come from forms; a source of service events (which do not come from
forms) would add rows with the same columns.
"""

import codecs
import csv
import heapq
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BigIntegerField, Case, CharField, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Collate, NullIf, TruncDate
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils import timezone

from cases.models import Person
from cld.quality import BLANK_MANDATORY, INVALID, WARNINGS, Standard, assess, warnings
from cld.rules import is_carer
from codes.models import CodeValue
from forms_engine.models import CldQualityFlag, Form, FormStatus, reference_expression

HEADERS = [
    "LA Code",
    "Reporting Period Start Date",
    "Reporting Period End Date",
    "NHS Number",
    "LA Person Unique Identifier",
    "First Name",
    "Last Name",
    "GP Practice Name",
    "GP Practice Code",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Date of Death",
    "Client Type",
    "Primary Support Reason",
    "Postcode",
    "Accommodation Status",
    "Employment Status",
    "Has Unpaid Carer",
    "Autism Spectrum Disorder (ASD)",
    "Visual Impairment",
    "Hearing Impairment",
    "Dementia",
    "Client Funding Status",
    "Event Type",
    "Event Reference",
    "Event Start Date",
    "Event End Date",
    "Event Description",
    "Event Outcome",
    "Request: Route of Access",
    "Assessment Type",
    "Eligible Needs Identified",
    "Method of Assessment",
    "Total Hrs Caring per week",
    "No. of adults being cared for",
    "Adult 1 Linked Person_ID",
    "Adult 2 Linked Person_ID",
    "Adult 3 Linked Person_ID",
    "Service Type",
    "Service Component",
    "Delivery Mechanism",
    "Provider CQC Location Name",
    "Provider CQC Location ID",
    "Review Reason",
    "Review Outcomes Achieved",
    "Method of Review",
    "Unit Cost",
    "Cost Frequency (Unit Type)",
    "Planned units per week",
]
DQ_HEADERS = ["Form", "Link", "Failures", *HEADERS]
RELEASES = (1, 2)
CHUNK = 1000  # rows fetched and checked at a time: memory stays at about two chunks whatever the total
COPY_CHUNK = 64 * 1024  # bytes of the file handed over at a time
TOP_FORMS = 20


class ExtractError(Exception):
    """The request cannot be met: a reversed or empty period, an unknown release, no LA Code configured."""


def la_code():
    """The council's LA (CASSR) code, written on every row: refused unless settings.CLD_LA_CODE is three digits, for a
    file with a blank or wrong LA Code is rejected whole by NHS England."""
    code = (settings.CLD_LA_CODE or "").strip()
    if not code:
        raise ExtractError("CLD_LA_CODE is not set: set it to the council's three-digit LA code (e.g. 384)")
    if not re.fullmatch(r"[0-9]{3}", code):
        raise ExtractError(f"CLD_LA_CODE must be the council's three-digit LA code (e.g. 384), not {code!r}")
    return code


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self):
        if self.start is None or self.end is None:
            raise ExtractError("the reporting period needs both a start and an end date")
        if self.start > self.end:
            raise ExtractError(f"the period is reversed: it starts {self.start} after it ends {self.end}")
        if self.end >= date(9999, 12, 31):
            raise ExtractError("the period must end before 9999-12-31")


class Labels:
    """Every code value's label in the requested release (mapped across releases), and the labels valid in it."""

    def __init__(self, release):
        if release not in RELEASES:
            raise ExtractError(f"unknown release {release!r}: choose 1 or 2")
        self.release = release
        values = list(CodeValue.objects.select_related("code_list", "replaced_by"))
        newest_r1 = {}
        for value in sorted(values, key=lambda v: (v.order, v.pk)):
            if value.in_release_1 and value.replaced_by_id and value.replaced_by_id not in newest_r1:
                newest_r1[value.replaced_by_id] = value.label
        self.label, self.renamed, self.valid = {}, {}, {}
        for value in values:
            if release == 2:
                mapped = value.label if value.in_release_2 else getattr(value.replaced_by, "label", None)
            else:
                mapped = value.label if value.in_release_1 else newest_r1.get(value.pk)
            # A value with no label in this release is written as recorded; the DQ report marks it invalid.
            self.label[value.pk] = mapped or value.label
            if self.label[value.pk] != value.label:  # {list: {label in this release: ids of values renamed to it}}
                self.renamed.setdefault(value.code_list.key, {}).setdefault(self.label[value.pk], []).append(value.pk)
            if value.valid_in(release):
                self.valid.setdefault(value.code_list.key, set()).add(value.label)
        self.carer_types = sorted(pk for pk, label in self.label.items() if is_carer(label))

    def __call__(self, pk):
        return self.label.get(pk, "") if pk else ""

    def expression(self, path):
        """The label in this release of the code value at the end of `path` (a foreign key), as the database gives it:
        its own label, or the one this release gives it."""
        model_field = _field_at(path)
        renamed = self.renamed.get(model_field.remote_field.limit_choices_to["code_list__key"], {})
        whens = [When(**{f"{path}_id__in": ids}, then=Value(label)) for label, ids in renamed.items()]
        own = F(f"{path}__label")
        return Case(*whens, default=own, output_field=CharField()) if whens else own

    def of_value(self, list_key, value_id):
        """The label in this release of the code value whose id `value_id` (an expression) gives."""
        renamed = self.renamed.get(list_key, {})
        whens = [When(pk__in=ids, then=Value(label)) for label, ids in renamed.items()]
        text = Case(*whens, default=F("label"), output_field=CharField()) if whens else F("label")
        return Subquery(CodeValue.objects.filter(pk=value_id).annotate(text=text).values("text")[:1])


def _field_at(path):
    model = Form
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


@dataclass
class Summary:
    rows: int = 0
    forms_failing: int = 0
    by_event_type: Counter = field(default_factory=Counter)
    failures_by_field: Counter = field(default_factory=Counter)
    worst_forms: list = field(default_factory=list)  # heap of (failures, form id, reference, url, fields)
    warnings: Counter = field(default_factory=Counter)  # quality.WARNINGS header -> rows
    responsible: dict = field(default_factory=dict)  # form id -> responsible user's name, for the worst forms

    def add(self, row, categories, form_ref):
        self.rows += 1
        self.by_event_type[row["Event Type"] or "(blank)"] += 1
        self.warnings.update(warnings(row))
        failed = failed_fields(categories)
        self.failures_by_field.update(failed)
        self.forms_failing += bool(failed)
        if failed and form_ref is not None:
            entry = (len(failed), *form_ref, tuple(failed))
            if len(self.worst_forms) < TOP_FORMS:
                heapq.heappush(self.worst_forms, entry)
            else:
                heapq.heappushpop(self.worst_forms, entry)
        return failed

    @property
    def failures(self):
        return sum(self.failures_by_field.values())

    def warning_rows(self):
        """(what, rows) of each warning raised."""
        return [(WARNINGS[header], count) for header, count in self.warnings.most_common()]

    def event_type_rows(self):
        return self.by_event_type.most_common()

    def field_failure_rows(self):
        return self.failures_by_field.most_common()

    def name_responsible_users(self):
        ids = [entry[1] for entry in self.worst_forms]
        self.responsible = {
            form.pk: str(form.responsible_user)
            for form in Form.objects.filter(pk__in=ids).select_related("responsible_user")
        }

    def top_forms(self):
        """(failures, form id, reference, url, responsible user, failed fields) of the forms failing most checks."""
        return [
            (failures, form_id, reference, url, self.responsible.get(form_id, ""), fields)
            for failures, form_id, reference, url, fields in sorted(self.worst_forms, key=lambda e: (-e[0], e[2]))
        ]


def in_period(period):
    """The forms with a CLD section, Complete or Closed, whose event ended in the period: the end date recorded in the
    block (or, for a form recorded without one, the day it was completed). Each carries, as aliases, its event's end
    day and the Client Type of its event: its form type's (a carers' form), else the person's as it then stood."""
    zone = timezone.get_default_timezone()
    event_end = Coalesce("cld_event_end", TruncDate("completed_at", tzinfo=zone))
    forms = Form.objects.filter(
        form_type__has_cld_section=True, status__in=[FormStatus.COMPLETE, FormStatus.CLOSED]
    ).alias(event_end_day=event_end)
    forms = forms.filter(event_end_day__gte=period.start, event_end_day__lte=period.end)
    person_type = as_at("client_type_id", F(f"{PERSON}__client_type_id"), BigIntegerField())
    return forms.alias(
        event_client_type=Coalesce("form_type__cld_client_type_id", person_type, output_field=BigIntegerField())
    )


# --- The person as they stood when the event ended ----------------------------------------------------------------

PersonHistory = Person.history.model


def _history_to_the_event(depth=1):
    """The person's history rows up to the end of the event's day, newest first (`depth`: how many queries out the
    form is)."""

    def outer(name):
        ref = OuterRef(name)
        for _ in range(depth - 1):
            ref = OuterRef(ref)
        return ref

    return PersonHistory.objects.filter(
        id=outer(f"{PERSON}_id"), history_date__date__lte=outer("event_end_day")
    ).order_by("-history_date", "-history_id")


def changed_since_the_event():
    """The person's record changed after the event's day, and their history holds how it stood then. For the rest
    (nearly every row) the record is read as it is, with no look at the history."""
    return GreaterThan(TruncDate(f"{PERSON}__updated_at"), F("event_end_day")) & Exists(_history_to_the_event())


def as_at(attname, current, output_field):
    """A person's column (`attname`) as it stood at the event's end: from their history if they changed since."""
    then = Subquery(_history_to_the_event().values(attname)[:1])
    return Case(When(changed_since_the_event(), then=then), default=current, output_field=output_field)


PERSON = "case__person"
# Header -> the person's code value it writes (a service user's only where SERVICE_USER_CODES)
PERSON_CODES = {
    "Gender": "gender",
    "Ethnicity": "ethnicity",
    "Client Type": "client_type",
    "Primary Support Reason": "primary_support_reason",
    "Accommodation Status": "accommodation_status",
    "Employment Status": "employment_status",
    "Has Unpaid Carer": "has_unpaid_carer",
}
SERVICE_USER_CODES = {
    "Autism Spectrum Disorder (ASD)": "autism",
    "Visual Impairment": "visual_impairment",
    "Hearing Impairment": "hearing_impairment",
    "Dementia": "dementia",
    "Client Funding Status": "client_funding_status",
}
FORM_CODES = {
    "Event Type": "cld_event_type",
    "Event Outcome": "cld_event_outcome",
    "Request: Route of Access": "cld_route_of_access",
    "Assessment Type": "cld_assessment_type",
    "Eligible Needs Identified": "cld_eligible_needs",
    "Review Reason": "cld_review_reason",
    "Review Outcomes Achieved": "cld_review_outcomes",
}
PERSON_TEXT = {
    "NHS Number": "nhs_number",
    "LA Person Unique Identifier": "la_person_id",
    "First Name": "given_name",
    "Last Name": "family_name",
    "GP Practice Name": "gp_practice_name",
    "GP Practice Code": "gp_practice_code",
    "Postcode": "postcode",
}
# Linked people in code point order, whatever the database's collation, so both databases write the same file
BYTE_ORDER = {"postgresql": "C", "sqlite": "BINARY"}


def _text(expression):
    """Blank as NULL: COPY writes NULL as nothing (and would quote an empty string), as csv.writer writes a blank."""
    return NullIf(expression, Value(""))


def _day(expression):
    return Cast(expression, CharField())  # YYYY-MM-DD: SQLite keeps dates so; PostgreSQL under DateStyle ISO


def _person_code(labels, name):
    """The label of a person's code value as it stood at the event's end."""
    list_key = Person._meta.get_field(name).remote_field.limit_choices_to["code_list__key"]
    then = labels.of_value(list_key, Subquery(_history_to_the_event(depth=2).values(f"{name}_id")[:1]))
    return Case(When(changed_since_the_event(), then=then), default=labels.expression(f"{PERSON}__{name}"))


# The person's fields that describe them at the time (cld-spec.md: the person-level fields repeated on each event):
# written as they stood when the event ended. Names, identifiers, gender, ethnicity and conditions: as they are now.
AS_AT_THE_EVENT = {
    "client_type",
    "primary_support_reason",
    "accommodation_status",
    "employment_status",
    "has_unpaid_carer",
    "client_funding_status",
}


def _person_field(labels, name):
    return _person_code(labels, name) if name in AS_AT_THE_EVENT else labels.expression(f"{PERSON}__{name}")


def columns(period, labels):
    """Every column of an extract row: header -> expression over one form (its case, its person), on in_period()."""
    carer = Q(event_client_type__in=labels.carer_types) if labels.carer_types else Q(pk__in=[])
    event_types = {labels(pk): pk for pk in CodeValue.objects.of_list("event_type").values_list("pk", flat=True)}
    links = Person.cares_for.through.objects.filter(from_person=OuterRef(PERSON))
    linked = links.order_by(Collate("to_person__la_person_id", BYTE_ORDER[connection.vendor]))
    linked_count = Coalesce(Subquery(links.order_by().values("from_person").annotate(n=Count("*")).values("n")), 0)
    adults = Coalesce(F(f"{PERSON}__adults_cared_for"), NullIf(linked_count, Value(0)))
    client_type = Case(
        When(form_type__cld_client_type__isnull=False, then=labels.expression("form_type__cld_client_type")),
        default=_person_code(labels, "client_type"),
        output_field=CharField(),
    )

    def carers(expression):
        return Case(When(carer, then=expression), output_field=CharField())

    def service_users(expression):
        return Case(When(carer, then=Value(None)), default=expression, output_field=CharField())

    def method_on(event):
        return Case(
            When(cld_event_type_id=event_types.get(event), then=labels.expression("cld_method")),
            output_field=CharField(),
        )

    found = {
        "LA Code": Value(la_code()),
        "Reporting Period Start Date": Value(period.start.isoformat()),
        "Reporting Period End Date": Value(period.end.isoformat()),
        "Date of Birth": _day(f"{PERSON}__date_of_birth"),
        "Date of Death": _day(f"{PERSON}__date_of_death"),
        "Event Reference": reference_expression("id"),
        "Event Start Date": _day(Coalesce("cld_event_start", "start_date")),
        "Event End Date": _day(F("event_end_day")),
        "Client Type": client_type,
        "Postcode": _text(as_at("postcode", F(f"{PERSON}__postcode"), CharField())),
        "Event Description": _text(F("cld_event_description")),
        "Method of Assessment": method_on("Assessment"),
        "Method of Review": method_on("Review"),
        "Total Hrs Caring per week": carers(Cast("cld_caring_hours", CharField())),
        "No. of adults being cared for": carers(Cast(adults, CharField())),
        **{
            f"Adult {n} Linked Person_ID": carers(Subquery(linked.values("to_person__la_person_id")[n - 1 : n]))
            for n in (1, 2, 3)
        },
    }
    found |= {header: _text(F(f"{PERSON}__{name}")) for header, name in PERSON_TEXT.items() if header not in found}
    found |= {header: _person_field(labels, name) for header, name in PERSON_CODES.items() if header not in found}
    found |= {header: service_users(_person_field(labels, name)) for header, name in SERVICE_USER_CODES.items()}
    found |= {header: labels.expression(name) for header, name in FORM_CODES.items()}
    return {header: found.get(header, Value(None, output_field=CharField())) for header in HEADERS}


def event_rows(period, labels, *, with_form_id=False):
    """The extract's rows, oldest completion first: a values_list of the HEADERS' columns (None for a blank), the form's
    id first when asked."""
    names = {f"c{index}": expression for index, expression in enumerate(columns(period, labels).values())}
    fields = ["id", *names] if with_form_id else list(names)
    return in_period(period).annotate(**names).order_by("completed_at", "id").values_list(*fields)


def _set_local(cursor, work_mem=None):
    """For this transaction only: dates written YYYY-MM-DD, and no JIT (compiling about 200 expressions costs
    2.5 s at a million rows and saves nothing); with room to sort the rows in memory rather than on disk."""
    cursor.execute("SET LOCAL DateStyle = 'ISO, YMD'")
    cursor.execute("SET LOCAL jit = off")
    if work_mem:
        if not re.fullmatch(r"\d+(kB|MB|GB)", work_mem):
            raise ValueError(f"CLD_EXTRACT_WORK_MEM must look like 512MB, not {work_mem!r}")
        cursor.execute(f"SET LOCAL work_mem = '{work_mem}'")


def uses_copy():
    """PostgreSQL writes the file itself (COPY); other databases hand the rows to csv.writer."""
    return connection.vendor == "postgresql"


def rows(period, labels):
    """Yield (form id, {header: text}) for every event, streamed in chunks (a server-side cursor on PostgreSQL)."""
    with transaction.atomic():  # SET LOCAL holds to the end of the transaction, and one snapshot serves every chunk
        if uses_copy():
            with connection.cursor() as cursor:
                _set_local(cursor)
        for form_id, *values in event_rows(period, labels, with_form_id=True).iterator(chunk_size=CHUNK):
            yield form_id, dict(zip(HEADERS, ("" if value is None else value for value in values), strict=True))


def copy_chunks(period, labels):
    """Yield (CSV bytes, rows in them) of the extract (no header line), about 64 KiB at a time, from COPY."""
    sql, params = event_rows(period, labels).query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        _set_local(cursor, work_mem=settings.CLD_EXTRACT_WORK_MEM)
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:  # psycopg's COPY
            buffered, count = bytearray(), 0
            for data in copy:  # psycopg hands over one whole row at a time
                buffered += data
                count += 1
                if len(buffered) >= COPY_CHUNK:
                    yield crlf(bytes(buffered), count), count
                    buffered.clear()
                    count = 0
            if buffered:
                yield crlf(bytes(buffered), count), count


def crlf(chunk, rows):
    """COPY's LF line ends as csv.writer's CRLF, for a chunk of whole rows; line breaks inside quoted values stay.

    One replace when no value holds a line break (the usual case); otherwise a quote mark toggles "inside a value"
    (a doubled quote toggles twice).
    """
    if chunk.count(b"\n") == rows:
        return chunk.replace(b"\n", b"\r\n")
    out, quoted = [], False
    for index, part in enumerate(chunk.split(b'"')):
        if index:
            out.append(b'"')
            quoted = not quoted
        out.append(part if quoted else part.replace(b"\n", b"\r\n"))
    return b"".join(out)


def _csv_chunks(period, labels):
    """The extract without its header, as UTF-8 CSV chunks of about 64 KiB, and the rows in each."""
    if uses_copy():
        yield from copy_chunks(period, labels)
        return
    buffer, count = io.StringIO(), 0
    writer = csv.writer(buffer)
    with transaction.atomic():
        for values in event_rows(period, labels).iterator(chunk_size=CHUNK):
            writer.writerow(["" if value is None else value for value in values])
            count += 1
            if buffer.tell() >= COPY_CHUNK:
                yield buffer.getvalue().encode(), count
                buffer.seek(0)
                buffer.truncate()
                count = 0
    yield buffer.getvalue().encode(), count


def header_line():
    buffer = io.StringIO()
    csv.writer(buffer).writerow(HEADERS)
    return buffer.getvalue()


def stream_csv_bytes(period, labels):
    """The extract as an iterator of UTF-8 CSV bytes, header first; refused at once without a valid LA Code."""
    la_code()
    return _stream(period, labels)


def _stream(period, labels):
    yield header_line().encode()
    for data, _rows in _csv_chunks(period, labels):
        yield data


def write_csv(period, release, csv_file):
    """Write the extract alone (no data-quality checks) to a text file; return the number of event rows."""
    labels = Labels(release)
    la_code()
    csv_file.write(header_line())
    decoder = codecs.getincrementaldecoder("utf-8")()
    written = 0
    for data, count in _csv_chunks(period, labels):
        csv_file.write(decoder.decode(data))
        written += count
    csv_file.write(decoder.decode(b"", final=True))
    return written


def csv_line(row):
    return [row[header] for header in HEADERS]


def failed_fields(categories):
    return [header for header, category in categories.items() if category in (BLANK_MANDATORY, INVALID)]


def form_link(form_id):
    return reverse("forms:form-edit", args=[form_id])


def dq_line(row, categories, link):
    """A line of the data-quality report: the form, a link to it, its failures, and every field's category."""
    reference = row["Event Reference"]
    return [reference, link, len(failed_fields(categories)), *(categories[h] for h in HEADERS)]


def duplicate_references(period):
    """The Event References that more than one row of the period's file would carry: each fails (NHS England rejects
    a file with duplicate events). A form's reference is its own; a second source of events could repeat one."""
    references = in_period(period).annotate(reference=reference_expression("id")).order_by().values("reference")
    counted = references.annotate(rows=Count("*")).values_list("reference", "rows")
    return {reference for reference, count in counted.filter(rows__gt=1)}


def assessed_events(period, labels):
    """Yield (form id, row, categories) for every event."""
    standard = Standard(labels)
    duplicates = duplicate_references(period)
    for form_id, row in rows(period, labels):
        categories = assess(row, standard)
        if row["Event Reference"] in duplicates:
            categories["Event Reference"] = INVALID
        yield form_id, row, categories


def run_extract(period, release, *, csv_file=None, dq_file=None, progress=None, record_flags=True):
    """Check every event, writing the extract and/or its DQ report row by row; return the Summary.

    Memory does not grow with the rows. `write_csv` writes the extract alone, faster.
    """
    labels = Labels(release)
    la_code()
    summary = Summary()
    csv_writer = csv.writer(csv_file) if csv_file is not None else None
    dq_writer = csv.writer(dq_file) if dq_file is not None else None
    if csv_writer:
        csv_writer.writerow(HEADERS)
    if dq_writer:
        dq_writer.writerow(DQ_HEADERS)
    total = in_period(period).count() if progress else None
    flags = []
    # One transaction: on PostgreSQL the server-side cursor reads one snapshot, so the file is consistent.
    with transaction.atomic():
        for form_id, row, categories in assessed_events(period, labels):
            link = form_link(form_id)
            failed = summary.add(row, categories, (form_id, row["Event Reference"], link))
            if csv_writer:
                csv_writer.writerow(csv_line(row))
            if dq_writer:
                dq_writer.writerow(dq_line(row, categories, link))
            if record_flags:
                flags.append((form_id, failed))
                if len(flags) >= CHUNK:
                    _record_flags(flags)
                    flags = []
            if progress and (summary.rows % 1000 == 0 or summary.rows == total):
                progress(summary.rows, total)
        if record_flags and flags:
            _record_flags(flags)
    if progress and summary.rows == 0:
        progress(0, 0)
    summary.name_responsible_users()
    return summary


def _record_flags(flags):
    """Keep, for each form just checked, the CLD fields that failed, for the practitioner's My Forms."""
    CldQualityFlag.objects.filter(form_id__in=[form_id for form_id, _ in flags]).delete()
    CldQualityFlag.objects.bulk_create(
        [CldQualityFlag(form_id=form_id, fields=failed) for form_id, failed in flags if failed]
    )
