"""The CLD extract rows written by PostgreSQL: the same rows as `extract.form_row`, without a Python object per form.

At a million events, building a Form, a Person and a dict per row runs at about 2,400 rows a second. Here one SELECT
produces every column as text (a person's labels found once per person, a form's once per form), and
`COPY ... TO STDOUT` streams it as CSV straight into the file in 64 KiB chunks. `tests/cld/test_extract.py` proves the
two sources write the same bytes.
"""

import datetime
import re

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cases.models import Case, Person
from forms_engine.models import Form, FormType

COPY_CHUNK = 64 * 1024  # bytes handed to the file at a time

# Code value columns: the person's are labelled once per person, the form's once per form, by hash joins to the
# release's labels. NULL stands for a blank: COPY writes NULL as nothing (and would quote
# an empty string), as csv.writer writes a blank.
CODED_PERSON = {
    "Gender": "gender_id",
    "Ethnicity": "ethnicity_id",
    "Client Type": "client_type_id",
    "Primary Support Reason": "primary_support_reason_id",
    "Accommodation Status": "accommodation_status_id",
    "Employment Status": "employment_status_id",
    "Has Unpaid Carer": "has_unpaid_carer_id",
}
SERVICE_USER_PERSON = {  # left blank for a carer
    "Autism Spectrum Disorder (ASD)": "autism_id",
    "Visual Impairment": "visual_impairment_id",
    "Hearing Impairment": "hearing_impairment_id",
    "Dementia": "dementia_id",
    "Client Funding Status": "client_funding_status_id",
}
CODED_FORM = {
    "Event Type": "cld_event_type_id",
    "Event Outcome": "cld_event_outcome_id",
    "Request: Route of Access": "cld_route_of_access_id",
    "Assessment Type": "cld_assessment_type_id",
    "Eligible Needs Identified": "cld_eligible_needs_id",
    "Review Reason": "cld_review_reason_id",
    "Review Outcomes Achieved": "cld_review_outcomes_id",
    "Method": "cld_method_id",
}


def _day(expression):
    return f"({expression})::date::text"  # YYYY-MM-DD under DateStyle ISO, which the COPY sets; faster than to_char


def _text(expression):
    return f"NULLIF({expression}, '')"


def _person_columns():
    """header -> expression over one person row p (with its linked people lk and its carer flag k.carer)."""
    columns = {
        "NHS Number": _text("p.nhs_number"),
        "LA Person Unique Identifier": _text("p.la_person_id"),
        "First Name": _text("p.given_name"),
        "Last Name": _text("p.family_name"),
        "GP Practice Name": _text("p.gp_practice_name"),
        "GP Practice Code": _text("p.gp_practice_code"),
        "Date of Birth": _day("p.date_of_birth"),
        "Date of Death": _day("p.date_of_death"),
        "Postcode": _text("p.postcode"),
        "No. of adults being cared for": (
            "CASE WHEN k.carer THEN COALESCE(p.adults_cared_for, NULLIF(LEAST(cardinality(lk.ids), 3), 0))::text END"
        ),
        "Adult 1 Linked Person_ID": _text("CASE WHEN k.carer THEN lk.ids[1] END"),
        "Adult 2 Linked Person_ID": _text("CASE WHEN k.carer THEN lk.ids[2] END"),
        "Adult 3 Linked Person_ID": _text("CASE WHEN k.carer THEN lk.ids[3] END"),
    }
    columns |= {header: _text(f"{_alias(header)}.label") for header in CODED_PERSON}
    columns |= {
        header: f"CASE WHEN NOT k.carer THEN {_text(f'{_alias(header)}.label')} END" for header in SERVICE_USER_PERSON
    }
    return columns


def _event_columns():
    """header -> expression over one form row f (its labels already joined) and its person's carer flag pp.carer."""
    columns = {
        "LA Code": _text("%(la_code)s"),
        "Reporting Period Start Date": "%(period_start)s",
        "Reporting Period End Date": "%(period_end)s",
        "Event Reference": "'FRM-' || CASE WHEN f.id < 10000000 THEN lpad(f.id::text, 7, '0') ELSE f.id::text END",
        "Event Start Date": _day("f.start_date"),
        "Event End Date": _day("f.completed_at AT TIME ZONE %(time_zone)s"),
        "Event Description": _text("f.cld_event_description"),
        "Method of Assessment": _text("CASE WHEN f.event_type = 'Assessment' THEN f.method END"),
        "Method of Review": _text("CASE WHEN f.event_type = 'Review' THEN f.method END"),
        "Total Hrs Caring per week": "CASE WHEN pp.carer THEN f.cld_caring_hours::text END",
    }
    columns |= {header: _text(f"f.{_alias(header)}") for header in CODED_FORM if header != "Method"}
    return columns


def _alias(header):
    return "l_" + "".join(c if c.isalnum() else "_" for c in header.lower())


def _label_join(header, table_alias, column):
    """A hash join to the release's label of every code value (a few hundred rows; parallel-safe, unlike a CTE).

    Every list's values, not only the column's own list: a value recorded against another list is written with its
    label, as form_row writes it, and the data-quality report marks it invalid.
    """
    alias = _alias(header)
    return (
        f"LEFT JOIN unnest(%(label_ids)s::bigint[], %(labels)s::text[]) AS {alias}(id, label) "
        f"ON {alias}.id = {table_alias}.{column}"
    )


def events_sql(period, labels, headers, *, with_form_id=False):
    """The SELECT (and its parameters) of one row per event in the period, oldest completion first."""
    person, event = _person_columns(), _event_columns()
    person_headers = [header for header in headers if header in person]
    select = [
        f"pp.h{person_headers.index(header)}" if header in person else event.get(header, "NULL") for header in headers
    ]
    if with_form_id:
        select.insert(0, "f.id")
    person_table, cares_for = Person._meta.db_table, Person.cares_for.through._meta.db_table
    person_labels = " ".join(_label_join(h, "p", c) for h, c in (CODED_PERSON | SERVICE_USER_PERSON).items())
    form_labels = " ".join(_label_join(h, "f", c) for h, c in CODED_FORM.items())
    starts, ends = _bounds(period)
    # Only table names from the models and the column expressions above go into the text; values are parameters.
    sql = f"""
        SELECT {", ".join(select)}
        FROM (
            SELECT f.id, f.start_date, f.completed_at, f.cld_event_description, f.cld_caring_hours, c.person_id,
                   {", ".join(f"{_alias(h)}.label AS {_alias(h)}" for h in CODED_FORM)},
                   {_alias("Event Type")}.label AS event_type, {_alias("Method")}.label AS method
            FROM {Form._meta.db_table} f
            JOIN {FormType._meta.db_table} t ON t.id = f.form_type_id
            JOIN {Case._meta.db_table} c ON c.id = f.case_id
            {form_labels}
            WHERE t.has_cld_section AND f.status IN ('complete', 'closed')
              AND f.completed_at >= %(starts)s AND f.completed_at < %(ends)s
        ) f
        JOIN (
            SELECT p.id, k.carer, {", ".join(f"{person[h]} AS h{i}" for i, h in enumerate(person_headers))}
            FROM {person_table} p
            CROSS JOIN LATERAL (SELECT COALESCE(p.client_type_id = ANY(%(carer_types)s::bigint[]), false) AS carer) k
            LEFT JOIN (
                SELECT cf.from_person_id, array_agg(o.la_person_id ORDER BY o.la_person_id COLLATE "C") AS ids
                FROM {cares_for} cf JOIN {person_table} o ON o.id = cf.to_person_id
                GROUP BY cf.from_person_id
            ) lk ON lk.from_person_id = p.id
            {person_labels}
        ) pp ON pp.id = f.person_id
        ORDER BY f.completed_at, f.id
    """  # noqa: S608
    params = {
        "label_ids": list(labels.label),
        "labels": list(labels.label.values()),
        "carer_types": labels.carer_types,
        "la_code": settings.CLD_LA_CODE,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "time_zone": settings.TIME_ZONE,
        "starts": starts,
        "ends": ends,
    }
    return sql, params


def _bounds(period):
    """The period's first and after-last instants in local time, so the filter can use completed_at as stored."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


def crlf_lines(chunks):
    """Turn COPY's LF line ends into csv.writer's CRLF, leaving line breaks inside quoted values as they are.

    Yields (bytes, rows ended in them). A quote mark toggles "inside a value" (a doubled quote toggles twice).
    """
    quoted = False
    for chunk in chunks:
        if b'"' not in chunk:
            if quoted:
                yield chunk, 0
            else:
                yield chunk.replace(b"\n", b"\r\n"), chunk.count(b"\n")
            continue
        out, rows = [], 0
        for index, part in enumerate(chunk.split(b'"')):
            if index:
                out.append(b'"')
                quoted = not quoted
            if quoted:
                out.append(part)
            else:
                out.append(part.replace(b"\n", b"\r\n"))
                rows += part.count(b"\n")
        yield b"".join(out), rows


def copy_chunks(period, labels, headers):
    """Yield (CSV bytes, rows in them) of the extract (no header line), in chunks of about 64 KiB, from COPY."""
    sql, params = events_sql(period, labels, headers)
    with transaction.atomic(), connection.cursor() as cursor:
        _set_local(cursor, work_mem=settings.CLD_EXTRACT_WORK_MEM)
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:  # psycopg's COPY
            buffered, rows = bytearray(), 0
            for data in copy:  # psycopg hands over one whole row at a time
                buffered += data
                rows += 1
                if len(buffered) >= COPY_CHUNK:
                    yield _crlf_whole_rows(bytes(buffered), rows)
                    buffered.clear()
                    rows = 0
            if buffered:
                yield _crlf_whole_rows(bytes(buffered), rows)


def _crlf_whole_rows(chunk, rows):
    """CRLF line ends for a chunk of whole rows: one replace when no value holds a line break (the usual case)."""
    if chunk.count(b"\n") == rows:
        return chunk.replace(b"\n", b"\r\n"), rows
    (converted,) = crlf_lines([chunk])
    return converted


def fetch_rows(period, labels, headers, chunk):
    """Yield (form id, [50 texts]) per event through a server-side cursor, for the data-quality report."""
    sql, params = events_sql(period, labels, headers, with_form_id=True)
    with transaction.atomic():  # SET LOCAL holds to the end of the transaction, and a snapshot for every chunk
        with connection.cursor() as settings_cursor:
            _set_local(settings_cursor)
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(chunk):
                for form_id, *values in batch:
                    yield form_id, ["" if value is None else value for value in values]


def _set_local(cursor, work_mem=None):
    """For this transaction only: dates written YYYY-MM-DD, and no JIT (compiling about 200 expressions costs
    2.5 s at a million rows and saves nothing); with room to sort the rows in memory rather than on disk."""
    cursor.execute("SET LOCAL DateStyle = 'ISO, YMD'")
    cursor.execute("SET LOCAL jit = off")
    if work_mem:
        if not re.fullmatch(r"\d+(kB|MB|GB)", work_mem):
            raise ValueError(f"CLD_EXTRACT_WORK_MEM must look like 512MB, not {work_mem!r}")
        cursor.execute(f"SET LOCAL work_mem = '{work_mem}'")
