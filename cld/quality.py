"""The national data-quality categories for every field of a row of the CLD extract (cld-spec.md §2, DQ categories).

Which fields a row must have, and which apply to it, are the national rules: rule rows of the same data the CLD block
evaluates (cld.models.NationalFieldRule and the national conditions), by the same function (cld/rules.py). This file
says only whether a value is valid.
"""

import datetime
import functools
import re

from django.core.exceptions import ValidationError

from cases.models import age_on
from cases.validators import validate_nhs_number, validate_postcode
from cld.models import CldConditionalRule, NationalFieldRule
from cld.rules import (
    FIELD_HEADERS,
    Condition,
    Rule,
    block_requirements,
    field_states,
    is_carer,
    submission_requirements,
)

VALID = "Passed: Valid"
BLANK_OK = "Passed: Blank (Not Mandatory)"
BLANK_MANDATORY = "Failed: Blank (Mandatory)"
INVALID = "Failed: Invalid"
CATEGORIES = (VALID, BLANK_OK, BLANK_MANDATORY, INVALID)

# Header -> code list key: the value must be a label of that list in the requested release (case matters).
DEFINED_LISTS = {
    "Gender": "gender",
    "Ethnicity": "ethnicity",
    "Client Type": "client_type",
    "Primary Support Reason": "primary_support_reason",
    "Accommodation Status": "accommodation_status",
    "Employment Status": "employment_status",
    "Has Unpaid Carer": "has_unpaid_carer",
    "Autism Spectrum Disorder (ASD)": "autism",
    "Visual Impairment": "visual_impairment",
    "Hearing Impairment": "hearing_impairment",
    "Dementia": "dementia",
    "Client Funding Status": "client_funding_status",
    "Event Type": "event_type",
    "Event Outcome": "event_outcome",
    "Request: Route of Access": "route_of_access",
    "Assessment Type": "assessment_type",
    "Eligible Needs Identified": "eligible_needs_identified",
    "Method of Assessment": "method_of_assessment",
    "Review Reason": "review_reason",
    "Review Outcomes Achieved": "review_outcomes_achieved",
    "Method of Review": "method_of_review",
}
DATES = {
    "Reporting Period Start Date",
    "Reporting Period End Date",
    "Date of Birth",
    "Date of Death",
    "Event Start Date",
    "Event End Date",
}


# Blanks that fail no check but that a data team should see (cld-spec.md §2): header -> what the page says
WARNINGS = {"NHS Number": "NHS Number blank (the person is matched by the LA Person Unique Identifier alone)"}


def warnings(row):
    """The WARNINGS a row raises."""
    return [header for header in WARNINGS if not row.get(header)]


@functools.lru_cache(maxsize=65536)  # a row parses its dates several times; extracts repeat dates a great deal
def _date(text):
    try:
        return datetime.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


class Standard:
    """What a row of a file of one release must meet: its labels (extract.Labels) and the national rules, with each
    code value the rules name written as its label in that release, as the file holds it."""

    def __init__(self, labels):
        self.valid = labels.valid
        self.rules = [
            Rule(labels(event_type) or None, field, shown, required)
            for event_type, field, shown, required in NationalFieldRule.objects.values_list(
                "event_type_id", "field", "shown", "required"
            )
        ]
        self.conditions = [
            Condition(field, effect, when_field, labels(when_value))
            for field, effect, when_field, when_value in CldConditionalRule.objects.values_list(
                "field", "effect", "when_field", "when_value_id"
            )
        ]
        self.triggers = sorted({condition.when_field for condition in self.conditions})
        self._block = functools.lru_cache(maxsize=1024)(self._block_requirements)

    def _block_requirements(self, event_type, trigger_values):
        states = field_states(
            self.rules, self.conditions, event_type, dict(zip(self.triggers, trigger_values, strict=True))
        )
        return block_requirements(states, event_type)

    def requirements(self, row):
        """(mandatory, applicable) headers of one row."""
        event_type = row.get("Event Type") or None
        block = self._block(event_type, tuple(row.get(FIELD_HEADERS.get(field, ""), "") for field in self.triggers))
        born = _date(row.get("Date of Birth", ""))
        end = _date(row.get("Reporting Period End Date", ""))  # DHSC takes the age at the end of the period
        age = age_on(born, end) if born and end else None
        return submission_requirements(block, row, carer=is_carer(row.get("Client Type", "")), age=age)


def assess(row, standard):
    """Return {header: category} for one extract row, against a Standard."""
    mandatory, applicable = standard.requirements(row)
    return {
        header: _category(header, value, row, header in mandatory, header in applicable, standard.valid)
        for header, value in row.items()
    }


def _category(header, value, row, mandatory, applicable, valid_labels):
    if value in ("", None):
        return BLANK_MANDATORY if mandatory else BLANK_OK
    if not applicable:
        return INVALID
    return VALID if _valid(header, str(value), row, valid_labels) else INVALID


def _valid(header, value, row, valid_labels):
    if header in DEFINED_LISTS:
        return value in valid_labels.get(DEFINED_LISTS[header], ())
    if header in DATES:
        day = _date(value)
        if day is None:
            return False
        return _dates_consistent(header, day, row)
    if header == "LA Code":
        return value.isdigit()
    if header == "NHS Number":
        return _passes(validate_nhs_number, value) and value.isdigit()
    if header == "Postcode":
        return _passes(validate_postcode, value)
    if header == "GP Practice Code":
        return re.fullmatch(r"[A-Z][0-9]{5}", value) is not None
    if header in ("Total Hrs Caring per week", "No. of adults being cared for"):
        return value.isdigit() and (header != "Total Hrs Caring per week" or int(value) <= 168)
    return True


def _dates_consistent(header, day, row):
    start = _date(row.get("Reporting Period Start Date", ""))
    end = _date(row.get("Reporting Period End Date", ""))
    born = _date(row.get("Date of Birth", ""))
    if header == "Date of Birth":
        return end is None or day <= end
    if header == "Date of Death":
        return born is None or day >= born
    if header == "Event End Date":
        event_start = _date(row.get("Event Start Date", ""))
        within = (start is None or day >= start) and (end is None or day <= end)
        return within and (event_start is None or day >= event_start)
    if header == "Reporting Period End Date":
        return start is None or day >= start
    return True


def _passes(validator, value):
    try:
        validator(value)
    except ValidationError:
        return False
    return True
