"""Each data-quality rule of cld-spec.md §2 with a passing and a failing case: the national rule rows and conditions,
evaluated by cld/rules.py, and the validity checks of cld/quality.py."""

import pytest

from cld.events import HEADERS, Labels
from cld.quality import BLANK_MANDATORY, BLANK_OK, INVALID, VALID, Standard, assess

pytestmark = pytest.mark.django_db

ASSESSMENT_ROW = {
    "LA Code": "384",
    "Reporting Period Start Date": "2026-04-01",
    "Reporting Period End Date": "2026-09-30",
    "NHS Number": "9434765919",
    "LA Person Unique Identifier": "LA100",
    "First Name": "Ada",
    "Last Name": "Lovelace",
    "GP Practice Code": "B87001",
    "Gender": "Female",
    "Ethnicity": "White: Irish",
    "Date of Birth": "1950-05-17",
    "Client Type": "Service user",
    "Primary Support Reason": "Physical Support: Personal care support",
    "Postcode": "WF1 2EB",
    "Accommodation Status": "Owner occupier or shared ownership scheme",
    "Has Unpaid Carer": "Yes",
    "Event Type": "Assessment",
    "Event Reference": "FRM-0000001",
    "Event Start Date": "2026-04-10",
    "Event End Date": "2026-04-12",
    "Event Outcome": "Progress to support planning or services",
    "Assessment Type": "Long term assessment",
    "Method of Assessment": "Service user and carer",
}
REQUEST = {
    "Event Type": "Request",
    "Assessment Type": "",
    "Method of Assessment": "",
    "Request: Route of Access": "Community / Other route",
}
REVIEW = {
    "Event Type": "Review",
    "Assessment Type": "",
    "Method of Assessment": "",
    "Review Reason": "Planned",
    "Review Outcomes Achieved": "Fully Met",
    "Method of Review": "Service user only",
    "Client Funding Status": "Fully social care funded",
}
# A Release 2 row (the report checks the file as written: Release 1's "Financial Assessment" is written so in Release 2)
FINANCIAL = {"Assessment Type": "Financial assessment", "Event Outcome": "", "Method of Assessment": ""}
CARER = {"Client Type": "Unpaid carer", "Primary Support Reason": "Social support: Support to unpaid carer"}


@pytest.fixture(scope="module")
def valid_r2(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return Standard(Labels(2))


def row(*changes):
    result = dict.fromkeys(HEADERS, "")
    result.update(ASSESSMENT_ROW)
    for change in changes:
        result.update(change)
    return result


def category(valid, header, *changes):
    return assess(row(*changes), valid)[header]


def test_a_complete_assessment_passes_every_field(valid_r2):
    categories = assess(row(), valid_r2)
    assert {c for c in categories.values()} <= {VALID, BLANK_OK}


# (header, changes to the base assessment row, expected category)
RULES = [
    # always mandatory
    ("NHS Number", {}, VALID),
    ("NHS Number", {"NHS Number": ""}, BLANK_OK),  # a warning (test_event_level.py), not a failure
    ("NHS Number", {"NHS Number": "9434765918"}, INVALID),
    ("LA Code", {"LA Code": ""}, BLANK_MANDATORY),
    ("LA Code", {"LA Code": "Wakefield"}, INVALID),
    ("Postcode", {"Postcode": "WF1"}, INVALID),
    ("Gender", {"Gender": "female"}, INVALID),  # defined lists are case-sensitive
    ("Ethnicity", {"Ethnicity": "White - Irish"}, INVALID),  # a Release 1 label in a Release 2 file
    ("Date of Birth", {"Date of Birth": "17/05/1950"}, INVALID),
    ("Date of Birth", {"Date of Birth": "2027-01-01"}, INVALID),
    ("Date of Death", {"Date of Death": "1949-01-01"}, INVALID),
    ("Date of Death", {"Date of Death": ""}, BLANK_OK),
    ("GP Practice Code", {"GP Practice Code": "b87001"}, INVALID),
    ("GP Practice Code", {"GP Practice Code": ""}, BLANK_OK),
    # Primary Support Reason: mandatory except on requests
    ("Primary Support Reason", {"Primary Support Reason": ""}, BLANK_MANDATORY),
    ("Primary Support Reason", {**REQUEST, "Primary Support Reason": ""}, BLANK_OK),
    # Event dates
    ("Event End Date", {"Event End Date": ""}, BLANK_MANDATORY),
    ("Event End Date", {"Event End Date": "2026-04-09"}, INVALID),  # before the event started
    ("Event End Date", {"Event End Date": "2026-10-01"}, INVALID),  # after the period
    ("Event Start Date", {"Event Start Date": ""}, BLANK_MANDATORY),
    ("Event Type", {"Event Type": ""}, BLANK_MANDATORY),
    ("Event Type", {"Event Type": "Referral"}, INVALID),
    # Event Outcome: mandatory, but not applicable to a financial assessment
    ("Event Outcome", {"Event Outcome": ""}, BLANK_MANDATORY),
    ("Event Outcome", FINANCIAL, BLANK_OK),
    ("Event Outcome", {**FINANCIAL, "Event Outcome": "NFA: Other"}, INVALID),
    ("Event Outcome", {"Event Outcome": "Provision of service"}, INVALID),  # Release 1 only
    # Assessments
    ("Assessment Type", {"Assessment Type": ""}, BLANK_MANDATORY),
    ("Method of Assessment", {"Method of Assessment": ""}, BLANK_MANDATORY),
    ("Method of Assessment", FINANCIAL, BLANK_OK),
    ("Eligible Needs Identified", {}, BLANK_OK),
    # Requests
    ("Request: Route of Access", REQUEST, VALID),
    ("Request: Route of Access", {**REQUEST, "Request: Route of Access": ""}, BLANK_MANDATORY),
    ("Request: Route of Access", {"Request: Route of Access": "Prison"}, INVALID),  # not on an assessment
    # Reviews
    ("Review Reason", REVIEW, VALID),
    ("Review Reason", {**REVIEW, "Review Reason": ""}, BLANK_MANDATORY),
    ("Method of Review", {**REVIEW, "Method of Review": ""}, BLANK_MANDATORY),
    ("Review Outcomes Achieved", {**REVIEW, "Review Outcomes Achieved": ""}, BLANK_MANDATORY),
    (
        "Review Outcomes Achieved",
        {**REVIEW, "Review Reason": "Unplanned - Carer related", "Review Outcomes Achieved": ""},
        BLANK_OK,
    ),
    ("Review Outcomes Achieved", {"Review Outcomes Achieved": "Fully Met"}, INVALID),  # not on an assessment
    # Client Funding Status: service users on a financial assessment or a review
    ("Client Funding Status", {**REVIEW, "Client Funding Status": ""}, BLANK_MANDATORY),
    ("Client Funding Status", {**FINANCIAL}, BLANK_MANDATORY),
    ("Client Funding Status", {}, BLANK_OK),
    ("Client Funding Status", {**CARER, "Client Funding Status": "Fully client funded"}, INVALID),
    # Employment Status: service users aged 18-64 whose support reason is learning disability
    (
        "Employment Status",
        {"Primary Support Reason": "Learning Disability Support", "Date of Birth": "1990-01-01"},
        BLANK_MANDATORY,
    ),
    (
        "Employment Status",
        {"Primary Support Reason": "Learning Disability Support", "Date of Birth": "1950-01-01"},
        BLANK_OK,
    ),
    ("Employment Status", {"Date of Birth": "1990-01-01"}, BLANK_OK),
    (
        "Employment Status",
        {
            "Primary Support Reason": "Learning Disability Support",
            "Date of Birth": "1990-01-01",
            "Employment Status": "Unknown",
        },
        VALID,
    ),
    # Carers' fields
    ("Total Hrs Caring per week", {**CARER, "Total Hrs Caring per week": "35"}, VALID),
    ("Total Hrs Caring per week", {**CARER, "Total Hrs Caring per week": "200"}, INVALID),
    ("Total Hrs Caring per week", {"Total Hrs Caring per week": "35"}, INVALID),  # not for a service user
    ("Adult 1 Linked Person_ID", {**CARER, "Adult 1 Linked Person_ID": "LA100"}, VALID),
    # Service fields are not applicable to events recorded on forms
    ("Service Type", {}, BLANK_OK),
    ("Service Type", {"Service Type": "Long term support: Community"}, INVALID),
]


@pytest.mark.parametrize(("header", "changes", "expected"), RULES)
def test_rule(valid_r2, header, changes, expected):
    assert category(valid_r2, header, changes) == expected


def test_release_1_labels_are_valid_in_a_release_1_file(django_db_blocker):
    valid_r1 = Standard(Labels(1))
    assert category(valid_r1, "Ethnicity", {"Ethnicity": "White - Irish"}) == VALID
    assert category(valid_r1, "Event Outcome", {"Event Outcome": "Provision of service"}) == VALID
    assert category(valid_r1, "Client Type", {"Client Type": "Service User"}) == VALID


def test_the_national_rules_are_rule_rows_the_report_follows():
    from cld.models import NationalFieldRule

    blank_route = {**REQUEST, "Request: Route of Access": ""}
    assert category(Standard(Labels(2)), "Request: Route of Access", blank_route) == BLANK_MANDATORY
    NationalFieldRule.objects.filter(field="route_of_access").update(required=False)
    assert category(Standard(Labels(2)), "Request: Route of Access", blank_route) == BLANK_OK
    NationalFieldRule.objects.filter(field="route_of_access").update(shown=False)
    assert category(Standard(Labels(2)), "Request: Route of Access", REQUEST) == INVALID  # no longer applies


def test_the_report_and_the_block_follow_the_same_national_conditions():
    from cld.block import CldContext
    from cld.models import CldConditionalRule
    from codes.models import CodeValue
    from forms_engine.models import FormType

    form_type = FormType.objects.get(code="adult-conversation-record")
    financial = CodeValue.objects.get(code_list__key="assessment_type", label="Financial Assessment")
    assessment = CodeValue.objects.get(code_list__key="event_type", label="Assessment")
    answers = {"event_type": assessment.pk, "assessment_type": financial.pk}
    assert not CldContext(form_type).states(answers)["event_outcome"].shown
    assert category(Standard(Labels(2)), "Event Outcome", FINANCIAL) == BLANK_OK
    CldConditionalRule.objects.filter(field="event_outcome", when_field="assessment_type").delete()
    assert CldContext(form_type).states(answers)["event_outcome"].shown
    assert category(Standard(Labels(2)), "Event Outcome", FINANCIAL) == BLANK_MANDATORY
