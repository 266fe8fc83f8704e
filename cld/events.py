"""What the CLD extract holds: the events of a reporting period and the columns of each, defined once as a queryset.

`event_rows` is every column an expression over the form, its case and its person, with each code value's label in
the requested release (`Labels`) and the person's circumstances as they stood when the event ended (the history row
the form keeps).
cld/extract.py writes these rows (COPY on PostgreSQL, csv.writer elsewhere) and checks them (cld/quality.py).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone

from cld.rules import is_carer
from codes.models import CodeValue
from forms_engine.models import Form, FormStatus, reference_expression

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

RELEASES = (1, 2)


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
        own = F(f"{path}__label")
        if not renamed:
            return own
        whens = [When(**{f"{path}_id__in": ids}, then=Value(label)) for label, ids in renamed.items()]
        # One test of all the renamed values first (PostgreSQL hashes a long IN list): most rows hold a value of
        # this release and skip the label-by-label tests, which cost 0.7 s over 850,000 rows.
        every = [pk for ids in renamed.values() for pk in ids]
        mapped = Case(*whens, output_field=CharField())
        return Case(When(**{f"{path}_id__in": every}, then=mapped), default=own, output_field=CharField())


def _field_at(path):
    model = Form
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def in_period(period):
    """The forms with a CLD section, Complete or Closed, whose event ended in the period (the end date the block
    keeps when the form is set Complete)."""
    return Form.objects.filter(
        form_type__has_cld_section=True,
        status__in=[FormStatus.COMPLETE, FormStatus.CLOSED],
        cld_event_end__gte=period.start,
        cld_event_end__lte=period.end,
        # an event ended no later than the day it was set Complete: a plain comparison that an index can serve
        completed_at__gte=period_began(period),
    )


def period_began(period):
    """The first moment of the period, in local time."""
    return datetime.combine(period.start, time.min, tzinfo=timezone.get_default_timezone())


# The person as they stood when the event ended: the history row the form keeps (cld_person_as_at, from the action
# that set it Complete; cld/block.py person_as_at).
AS_AT = "cld_person_as_at"
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


def _text(expression):
    """Blank as NULL: COPY writes NULL as nothing (and would quote an empty string), as csv.writer writes a blank."""
    return NullIf(expression, Value(""))


def _day(expression):
    return Cast(expression, CharField())  # YYYY-MM-DD: SQLite keeps dates so; PostgreSQL under DateStyle ISO


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
    return labels.expression(f"{AS_AT if name in AS_AT_THE_EVENT else PERSON}__{name}")


def columns(period, labels):
    """Every column of an extract row: header -> expression over one form (its case, its person), on in_period()."""
    carer = Q(cld_client_type__in=labels.carer_types) if labels.carer_types else Q(pk__in=[])
    event_types = {labels(pk): pk for pk in CodeValue.objects.of_list("event_type").values_list("pk", flat=True)}

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
        "Event End Date": _day("cld_event_end"),
        "Client Type": labels.expression("cld_client_type"),
        "Postcode": _text(F(f"{AS_AT}__postcode")),
        "Event Description": _text(F("cld_event_description")),
        "Method of Assessment": method_on("Assessment"),
        "Method of Review": method_on("Review"),
        "Total Hrs Caring per week": carers(Cast("cld_caring_hours", CharField())),
        "No. of adults being cared for": carers(Cast("cld_adults_cared_for", CharField())),
        **{f"Adult {n} Linked Person_ID": carers(_text(F(f"cld_linked_person_{n}"))) for n in (1, 2, 3)},
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


def duplicate_references(period):
    """The Event References that more than one row of the period's file would carry: each fails (NHS England rejects
    a file with duplicate events). A form's reference is its own; a second source of events could repeat one."""
    references = in_period(period).annotate(reference=reference_expression("id")).order_by().values("reference")
    counted = references.annotate(rows=Count("*")).values_list("reference", "rows")
    return {reference for reference, count in counted.filter(rows__gt=1)}
