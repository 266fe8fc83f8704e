"""The national data-quality categories for one row of the CLD extract (cld-spec.md §2, DQ categories). Pure."""

import datetime
import functools
import re

from django.core.exceptions import ValidationError

from cases.validators import validate_nhs_number, validate_postcode

VALID = "Passed: Valid"
BLANK_OK = "Passed: Blank (Not Mandatory)"
BLANK_MANDATORY = "Failed: Blank (Mandatory)"
INVALID = "Failed: Invalid"
CATEGORIES = (VALID, BLANK_OK, BLANK_MANDATORY, INVALID)

ALWAYS_MANDATORY = {
    "LA Code",
    "Reporting Period Start Date",
    "Reporting Period End Date",
    "NHS Number",
    "LA Person Unique Identifier",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Client Type",
    "Postcode",
    "Accommodation Status",
    "Has Unpaid Carer",
    "Event Type",
    "Event Start Date",
}
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
SERVICE_ONLY = {
    "Service Type",
    "Service Component",
    "Delivery Mechanism",
    "Provider CQC Location Name",
    "Provider CQC Location ID",
    "Unit Cost",
    "Cost Frequency (Unit Type)",
    "Planned units per week",
}
CARER_ONLY = {
    "Total Hrs Caring per week",
    "No. of adults being cared for",
    "Adult 1 Linked Person_ID",
    "Adult 2 Linked Person_ID",
    "Adult 3 Linked Person_ID",
}
SERVICE_USER_ONLY = {
    "Autism Spectrum Disorder (ASD)",
    "Visual Impairment",
    "Hearing Impairment",
    "Dementia",
    "Client Funding Status",
}
FINANCIAL = {"Financial Assessment", "Financial assessment"}


@functools.lru_cache(maxsize=65536)  # a row parses its dates several times; extracts repeat dates a great deal
def _date(text):
    try:
        return datetime.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def is_carer(client_type):
    """A carer's client type (Release 1 "Carer", Release 2 "Unpaid carer"), in either case."""
    return client_type.lower().startswith(("carer", "unpaid carer"))


def _age(born, on):
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def rules_for(row):
    """Return (mandatory, applicable) header sets for one row, following the event type and the person."""
    event = row.get("Event Type", "")
    client_type = row.get("Client Type", "")
    carer = is_carer(client_type)
    mandatory = set(ALWAYS_MANDATORY)
    applicable = set(row) - SERVICE_ONLY
    if event != "Request":
        mandatory.add("Primary Support Reason")
    if event in ("Request", "Assessment", "Review") or row.get("Date of Death"):
        mandatory.add("Event End Date")
    financial = row.get("Assessment Type") in FINANCIAL
    if not financial:
        mandatory.add("Event Outcome")
    else:
        applicable -= {"Event Outcome", "Method of Assessment"}
    for header, event_type in (
        ("Request: Route of Access", "Request"),
        ("Assessment Type", "Assessment"),
        ("Eligible Needs Identified", "Assessment"),
        ("Method of Assessment", "Assessment"),
        ("Review Reason", "Review"),
        ("Review Outcomes Achieved", "Review"),
        ("Method of Review", "Review"),
    ):
        if event != event_type:
            applicable.discard(header)
    if event == "Request":
        mandatory.add("Request: Route of Access")
    if event == "Assessment":
        mandatory.add("Assessment Type")
        if not financial:
            mandatory.add("Method of Assessment")
    if event == "Review":
        mandatory |= {"Review Reason", "Method of Review"}
        if row.get("Review Reason", "").startswith("Planned"):
            mandatory.add("Review Outcomes Achieved")
    if carer:
        applicable -= SERVICE_USER_ONLY
    else:
        applicable -= CARER_ONLY
        if financial or event in ("Review", "Service"):
            mandatory.add("Client Funding Status")
        born = _date(row.get("Date of Birth", ""))
        end = _date(row.get("Event End Date", "")) or _date(row.get("Reporting Period End Date", ""))
        learning_disability = row.get("Primary Support Reason", "").lower() == "learning disability support"
        if born and end and 18 <= _age(born, end) <= 64 and learning_disability:
            mandatory.add("Employment Status")
    return mandatory & applicable, applicable


def assess(row, valid_labels):
    """Return {header: category} for one extract row; valid_labels maps code list key -> labels valid in the release."""
    mandatory, applicable = rules_for(row)
    return {
        header: _category(header, value, row, header in mandatory, header in applicable, valid_labels)
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
