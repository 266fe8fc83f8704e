"""The quarterly CLD extract: one row per event, streamed, with its data-quality report beside it.

Events come from sources; forms are the one source so far. A source of service events (which do not come from forms)
only needs to yield rows keyed by HEADERS in the same way.
"""

import codecs
import csv
import heapq
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import connection, transaction

from caredirector.links import url_for
from cld import extract_sql
from cld.quality import BLANK_MANDATORY, INVALID, assess, is_carer
from codes.models import CodeValue

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
TOP_FORMS = 20


class ExtractError(Exception):
    """The request cannot be met: a reversed or empty period, an unknown release."""


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
        self.label = {}
        for value in values:
            if release == 2:
                mapped = (
                    value.label if value.in_release_2 else (value.replaced_by.label if value.replaced_by_id else None)
                )
            else:
                mapped = value.label if value.in_release_1 else newest_r1.get(value.pk)
            # A value with no label in this release is written as recorded; the DQ report marks it invalid.
            self.label[value.pk] = mapped or value.label
        self.carer_types = sorted(pk for pk, label in self.label.items() if is_carer(label))
        self.valid = {}
        for value in values:
            if value.valid_in(release):
                self.valid.setdefault(value.code_list.key, set()).add(value.label)

    def __call__(self, pk):
        return self.label.get(pk, "") if pk else ""


@dataclass
class Summary:
    rows: int = 0
    forms_failing: int = 0
    by_event_type: Counter = field(default_factory=Counter)
    failures_by_field: Counter = field(default_factory=Counter)
    worst_forms: list = field(default_factory=list)  # heap of (failures, form id, reference, url, fields)
    responsible: dict = field(default_factory=dict)  # form id -> responsible user's name, for the worst forms

    def add(self, row, categories, form_ref):
        self.rows += 1
        self.by_event_type[row["Event Type"] or "(blank)"] += 1
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

    def event_type_rows(self):
        return self.by_event_type.most_common()

    def field_failure_rows(self):
        return self.failures_by_field.most_common()

    def name_responsible_users(self):
        from forms_engine.models import Form

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


def form_events(period):
    """The forms whose CLD event was completed in the period (Complete or Closed), oldest completion first."""
    from forms_engine.models import Form

    return (
        Form.objects.filter(
            form_type__has_cld_section=True,
            status__in=[Form.Status.COMPLETE, Form.Status.CLOSED],
            completed_at__date__gte=period.start,
            completed_at__date__lte=period.end,
        )
        .select_related("case__person", "responsible_user")
        .prefetch_related("case__person__cares_for")
        .order_by("completed_at", "id")
    )


def form_row(form, period, labels):
    """One extract row for a form's CLD event: person fields from the person record, event fields from the form."""
    person = form.case.person
    carer = is_carer(labels(person.client_type_id))
    event_type = labels(form.cld_event_type_id)
    method = labels(form.cld_method_id)
    linked = sorted(other.la_person_id for other in person.cares_for.all())[:3] if carer else []
    adults = person.adults_cared_for if person.adults_cared_for is not None else (len(linked) or None)
    row = {
        "LA Code": settings.CLD_LA_CODE,
        "Reporting Period Start Date": period.start.isoformat(),
        "Reporting Period End Date": period.end.isoformat(),
        "NHS Number": person.nhs_number,
        "LA Person Unique Identifier": person.la_person_id,
        "First Name": person.given_name,
        "Last Name": person.family_name,
        "GP Practice Name": person.gp_practice_name,
        "GP Practice Code": person.gp_practice_code,
        "Gender": labels(person.gender_id),
        "Ethnicity": labels(person.ethnicity_id),
        "Date of Birth": person.date_of_birth.isoformat(),
        "Date of Death": person.date_of_death.isoformat() if person.date_of_death else "",
        "Client Type": labels(person.client_type_id),
        "Primary Support Reason": labels(person.primary_support_reason_id),
        "Postcode": person.postcode,
        "Accommodation Status": labels(person.accommodation_status_id),
        "Employment Status": labels(person.employment_status_id),
        "Has Unpaid Carer": labels(person.has_unpaid_carer_id),
        "Autism Spectrum Disorder (ASD)": "" if carer else labels(person.autism_id),
        "Visual Impairment": "" if carer else labels(person.visual_impairment_id),
        "Hearing Impairment": "" if carer else labels(person.hearing_impairment_id),
        "Dementia": "" if carer else labels(person.dementia_id),
        "Client Funding Status": "" if carer else labels(person.client_funding_status_id),
        "Event Type": event_type,
        "Event Reference": form.reference,
        "Event Start Date": form.start_date.isoformat(),
        "Event End Date": form.completed_on.isoformat(),
        "Event Description": form.cld_event_description,
        "Event Outcome": labels(form.cld_event_outcome_id),
        "Request: Route of Access": labels(form.cld_route_of_access_id),
        "Assessment Type": labels(form.cld_assessment_type_id),
        "Eligible Needs Identified": labels(form.cld_eligible_needs_id),
        "Method of Assessment": method if event_type == "Assessment" else "",
        "Total Hrs Caring per week": "" if form.cld_caring_hours is None or not carer else str(form.cld_caring_hours),
        "No. of adults being cared for": str(adults) if carer and adults is not None else "",
        "Adult 1 Linked Person_ID": linked[0] if len(linked) > 0 else "",
        "Adult 2 Linked Person_ID": linked[1] if len(linked) > 1 else "",
        "Adult 3 Linked Person_ID": linked[2] if len(linked) > 2 else "",
        "Review Reason": labels(form.cld_review_reason_id),
        "Review Outcomes Achieved": labels(form.cld_review_outcomes_id),
        "Method of Review": method if event_type == "Review" else "",
    }
    return {header: row.get(header, "") for header in HEADERS}


def failed_fields(categories):
    return [header for header, category in categories.items() if category in (BLANK_MANDATORY, INVALID)]


def uses_copy():
    """PostgreSQL writes the rows itself (cld/extract_sql.py); other databases get them from form_row."""
    return connection.vendor == "postgresql"


def event_rows(period, labels):
    """Yield (form id, row) for every event in the period, oldest completion first, streamed in chunks."""
    if uses_copy():
        for form_id, values in extract_sql.fetch_rows(period, labels, HEADERS, CHUNK):
            yield form_id, dict(zip(HEADERS, values, strict=True))
    else:
        for form in form_events(period).iterator(chunk_size=CHUNK):
            yield form.pk, form_row(form, period, labels)


def assessed_events(period, labels, *, assessed=True):
    """Yield (form id, row, categories) for every event; categories is None when not assessed."""
    for form_id, row in event_rows(period, labels):
        yield form_id, row, assess(row, labels.valid) if assessed else None


def csv_line(row):
    return [row[header] for header in HEADERS]


def form_link(form_id):
    return url_for("forms:form-edit", form_id)


def dq_line(row, categories, link):
    """A line of the data-quality report: the form, a link to it, its failures, and every field's category."""
    reference = row["Event Reference"]
    return [reference, link, len(failed_fields(categories)), *(categories[h] for h in HEADERS)]


def stream_csv_bytes(period, labels):
    """Yield the extract as UTF-8 CSV bytes, header first: written by PostgreSQL's COPY where it can."""
    header = io.StringIO()
    csv.writer(header).writerow(HEADERS)
    yield header.getvalue().encode()
    if uses_copy():
        for data, _rows in extract_sql.copy_chunks(period, labels, HEADERS):
            yield data
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for _form_id, row in event_rows(period, labels):
        writer.writerow(csv_line(row))
        if buffer.tell() >= extract_sql.COPY_CHUNK:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def write_csv(period, release, csv_file):
    """Write the extract alone (no data-quality checks), by COPY on PostgreSQL; return the number of event rows."""
    labels = Labels(release)
    writer = csv.writer(csv_file)
    writer.writerow(HEADERS)
    rows = 0
    with transaction.atomic():
        if uses_copy():
            decoder = codecs.getincrementaldecoder("utf-8")()
            for data, count in extract_sql.copy_chunks(period, labels, HEADERS):
                csv_file.write(decoder.decode(data))
                rows += count
            csv_file.write(decoder.decode(b"", final=True))
        else:
            for _form_id, row in event_rows(period, labels):
                writer.writerow(csv_line(row))
                rows += 1
    return rows


def run_extract(period, release, *, csv_file=None, dq_file=None, progress=None, record_flags=True):
    """Check every event, writing the extract and/or its DQ report row by row; return the Summary.

    Memory does not grow with the rows. `write_csv` writes the extract alone, faster.
    """
    labels = Labels(release)
    summary = Summary()
    csv_writer = csv.writer(csv_file) if csv_file is not None else None
    dq_writer = csv.writer(dq_file) if dq_file is not None else None
    if csv_writer:
        csv_writer.writerow(HEADERS)
    if dq_writer:
        dq_writer.writerow(DQ_HEADERS)
    total = form_events(period).count() if progress else None
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
    from forms_engine.models import CldQualityFlag

    CldQualityFlag.objects.filter(form_id__in=[form_id for form_id, _ in flags]).delete()
    CldQualityFlag.objects.bulk_create(
        [CldQualityFlag(form_id=form_id, fields=failed) for form_id, failed in flags if failed]
    )
