"""The quarterly CLD extract: one row per event, streamed, with its data-quality report beside it.

A row is defined once, as a queryset (cld/events.py: `event_rows`). On PostgreSQL the database runs it inside
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

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse

from cld.events import (
    HEADERS,
    Labels,
    duplicate_references,
    event_rows,
    in_period,
    la_code,
)
from cld.quality import BLANK_MANDATORY, INVALID, WARNINGS, Standard, assess, warnings
from forms_engine.models import CldQualityFlag, Form

DQ_HEADERS = ["Form", "Link", "Failures", *HEADERS]
CHUNK = 1000  # rows fetched and checked at a time: memory stays at about two chunks whatever the total
COPY_CHUNK = 64 * 1024  # bytes of the file handed over at a time
TOP_FORMS = 20


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
    if progress:
        progress(0, total)
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
    summary.name_responsible_users()
    return summary


def _record_flags(flags):
    """Keep, for each form just checked, the CLD fields that failed, for the practitioner's My Forms."""
    CldQualityFlag.objects.filter(form_id__in=[form_id for form_id, failed in flags if not failed]).delete()
    CldQualityFlag.objects.bulk_create(
        [CldQualityFlag(form_id=form_id, fields=failed) for form_id, failed in flags if failed],
        update_conflicts=True,  # a flag kept by an earlier run (or one running beside this) is replaced
        unique_fields=["form"],
        update_fields=["fields", "checked_at"],
    )
