"""The one place that decides which CLD fields are shown and required. Pure: plain data in, plain data out.

The server validates with `field_states`; the browser receives `decision_table`, which is `field_states` evaluated for
every combination that can matter, so the page shows and hides fields without a second copy of any rule.
"""

import itertools
from dataclasses import dataclass

from django.utils import timezone

from cld.models import CldConditionalRule, CldField

FIELDS = tuple(CldField.values)
# The answers that belong to one event, not to the person or the kind of event: a clone starts without them
EVENT_SPECIFIC = (
    CldField.EVENT_START,
    CldField.EVENT_END,
    CldField.EVENT_OUTCOME,
    CldField.REVIEW_REASON,
    CldField.REVIEW_OUTCOMES,
)


def is_carer(client_type):
    """A carer's client type (Release 1 "Carer", Release 2 "Unpaid carer"), in either case."""
    return client_type.lower().startswith(("carer", "unpaid carer"))


def event_date_errors(start, end, today=None):
    """{field: message} of the event's dates that cannot be: in the future, or an end before the start."""
    today = today or timezone.localdate()
    errors = {}
    if start and start > today:
        errors[CldField.EVENT_START] = "The event start date cannot be in the future."
    if end and end > today:
        errors[CldField.EVENT_END] = "The event end date cannot be in the future."
    elif start and end and end < start:
        errors[CldField.EVENT_END] = f"The event cannot end before it started ({start:%d/%m/%Y})."
    return errors


@dataclass(frozen=True)
class Rule:
    event_type: int | None  # None: holds whatever the Event Type
    field: str
    shown: bool
    required: bool


@dataclass(frozen=True)
class Condition:
    field: str
    effect: str
    when_field: str
    when_value: int


@dataclass(frozen=True)
class State:
    shown: bool
    required: bool


HIDDEN = State(False, False)


def field_states(rules, conditions, event_type, values):
    """Return {field: State} for a form type's rules, the chosen Event Type (an id or None) and the other answers.

    A rule for the chosen Event Type overrides a rule for any Event Type; a field without a rule is hidden. Then the
    national conditions apply, each only while its trigger field is shown: first those that require, then those that
    hide, so that "not applicable" wins.
    """
    states = dict.fromkeys(FIELDS, HIDDEN)
    for rule in rules:
        if rule.event_type is None:
            states[rule.field] = State(rule.shown, rule.required and rule.shown)
    if event_type is not None:
        for rule in rules:
            if rule.event_type == event_type:
                states[rule.field] = State(rule.shown, rule.required and rule.shown)
    triggered = [c for c in conditions if states[c.when_field].shown and values.get(c.when_field) == c.when_value]
    for condition in triggered:
        if condition.effect == CldConditionalRule.Effect.REQUIRE and states[condition.field].shown:
            states[condition.field] = State(True, True)
    for condition in triggered:
        if condition.effect == CldConditionalRule.Effect.HIDE:
            states[condition.field] = HIDDEN
    return states


def decision_table(rules, conditions, event_types):
    """Evaluate field_states for every Event Type and every trigger value a condition names ('*': any other value)."""
    triggers = sorted({c.when_field for c in conditions})
    named = {field: sorted({c.when_value for c in conditions if c.when_field == field}) for field in triggers}
    table = {}
    for event_type in [None, *event_types]:
        for combination in itertools.product(*[[*named[field], None] for field in triggers]):
            values = dict(zip(triggers, combination, strict=True))
            states = field_states(rules, conditions, event_type, values)
            key = "|".join(
                ["" if event_type is None else str(event_type)] + ["*" if v is None else str(v) for v in combination]
            )
            table[key] = {
                "shown": [field for field in FIELDS if states[field].shown],
                "required": [field for field in FIELDS if states[field].required],
            }
    return {
        "triggers": triggers,
        "named": {field: [str(v) for v in ids] for field, ids in named.items()},
        "table": table,
    }


# --- The national submission ----------------------------------------------------------------------------------------

# The block's fields as headers of the CLD extract. Method of Assessment / Review is one field written under two
# headers, by Event Type; the three Event Descriptions are one header.
FIELD_HEADERS = {
    CldField.EVENT_TYPE: "Event Type",
    CldField.EVENT_OUTCOME: "Event Outcome",
    CldField.ROUTE_OF_ACCESS: "Request: Route of Access",
    CldField.ASSESSMENT_TYPE: "Assessment Type",
    CldField.ELIGIBLE_NEEDS: "Eligible Needs Identified",
    CldField.REVIEW_REASON: "Review Reason",
    CldField.REVIEW_OUTCOMES: "Review Outcomes Achieved",
    CldField.CARING_HOURS: "Total Hrs Caring per week",
    CldField.EVENT_DESCRIPTION_ASSESSMENT: "Event Description",
    CldField.EVENT_DESCRIPTION_REQUEST: "Event Description",
    CldField.EVENT_DESCRIPTION_REVIEW: "Event Description",
}
METHOD_HEADERS = {"Assessment": "Method of Assessment", "Review": "Method of Review"}
BLOCK_HEADERS = {*FIELD_HEADERS.values(), *METHOD_HEADERS.values()}

# Headers every row needs, whatever the event (cld-spec.md §2): the period, the person, when the event started.
# NHS Number is not among them: NHS England matches a person without one by the LA identifier, and DHSC's checks
# report a blank one as a warning (WARNINGS).
ALWAYS_MANDATORY = {
    "LA Code",
    "Reporting Period Start Date",
    "Reporting Period End Date",
    "LA Person Unique Identifier",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Client Type",
    "Postcode",
    "Accommodation Status",
    "Has Unpaid Carer",
    "Event Start Date",
}
SERVICE_ONLY = {  # service events come from care packages, not forms: never on a form's row
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
FINANCIAL = {"Financial Assessment", "Financial assessment"}  # the Assessment Type, as either release spells it
LEARNING_DISABILITY = "learning disability support"  # the Primary Support Reason, in any case


def block_requirements(states, event_type):
    """(mandatory, applicable) headers of the block's fields, from their national states (field_states)."""
    mandatory, applicable = set(), set()
    headers = list(FIELD_HEADERS.items())
    if event_type in METHOD_HEADERS:
        headers.append((CldField.METHOD, METHOD_HEADERS[event_type]))
    for field, header in headers:
        if states[field].shown:
            applicable.add(header)
            if states[field].required:
                mandatory.add(header)
    return mandatory, applicable


def submission_requirements(block, row, *, carer, age):
    """(mandatory, applicable) headers of one row of the CLD extract under the national rules.

    `block` is block_requirements() of the row's event under the national rule rows; `row` maps headers to the
    row's text; `carer` says whether its client type is an unpaid carer's; `age` is the person's at the end of the
    reporting period, as DHSC takes it (None when unknown). The rest is the specification's rules for the person
    and the event's dates.
    """
    event = row.get("Event Type", "")
    mandatory = set(ALWAYS_MANDATORY) | block[0]
    applicable = (set(row) - SERVICE_ONLY - BLOCK_HEADERS) | block[1]
    if event != "Request":
        mandatory.add("Primary Support Reason")
    if event in ("Request", "Assessment", "Review") or row.get("Date of Death"):
        mandatory.add("Event End Date")
    if carer:
        applicable -= SERVICE_USER_ONLY
    else:
        applicable -= CARER_ONLY
        if row.get("Assessment Type") in FINANCIAL or event in ("Review", "Service"):
            mandatory.add("Client Funding Status")
        learning_disability = row.get("Primary Support Reason", "").lower() == LEARNING_DISABILITY
        if learning_disability and age is not None and 18 <= age <= 64:
            mandatory.add("Employment Status")
    return mandatory & applicable, applicable
