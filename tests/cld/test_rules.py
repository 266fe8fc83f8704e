"""Which CLD fields each seeded form type shows and requires, per Event Type: one row per form type x event type."""

import pytest

from cld.block import CldContext
from cld.models import CldField
from cld.rules import decision_table, field_states
from codes.models import CodeValue
from forms_engine.models import FormType

pytestmark = pytest.mark.django_db

ALWAYS_SHOWN = {"event_type", "event_start", "event_end", "event_outcome", "long_term_support"}
ALWAYS_REQUIRED = {"event_type", "event_end", "long_term_support"}
ASSESSMENT = {"event_description_assessment", "assessment_type", "eligible_needs", "non_eligible_needs", "method"}
ASSESSMENT_REQUIRED = {"assessment_type", "method"}
REQUEST = {"event_description_request", "route_of_access"}
REQUEST_REQUIRED = {"route_of_access"}
REVIEW = {"event_description_review", "method", "review_reason", "review_outcomes"}
REVIEW_REQUIRED = {"method", "review_reason"}
# the Carers Conversation Record hides Review Reason (it is written as Planned), so Review Outcomes are required
CARER_REVIEW_WITHOUT_REASON = {"event_description_review", "method", "review_outcomes"}
HOURS = {"caring_hours"}

# (form type code, Event Type, fields shown, fields required) — from the council guide (pp. 11-24) and cld-spec.md §2
ROWS = [
    ("adult-interim-support-plan", None, ALWAYS_SHOWN, ALWAYS_REQUIRED),
    ("adult-interim-support-plan", "Assessment", ALWAYS_SHOWN | ASSESSMENT, ALWAYS_REQUIRED | ASSESSMENT_REQUIRED),
    ("adult-interim-support-plan", "Request", ALWAYS_SHOWN | REQUEST, ALWAYS_REQUIRED | REQUEST_REQUIRED),
    ("adult-interim-support-plan", "Review", ALWAYS_SHOWN | REVIEW, ALWAYS_REQUIRED | REVIEW_REQUIRED),
    ("carers-support-plan-review", None, ALWAYS_SHOWN | HOURS, ALWAYS_REQUIRED),
    (
        "carers-support-plan-review",
        "Assessment",
        ALWAYS_SHOWN | ASSESSMENT | HOURS,
        ALWAYS_REQUIRED | ASSESSMENT_REQUIRED,
    ),
    ("carers-support-plan-review", "Request", ALWAYS_SHOWN | REQUEST | HOURS, ALWAYS_REQUIRED | REQUEST_REQUIRED),
    ("carers-support-plan-review", "Review", ALWAYS_SHOWN | REVIEW | HOURS, ALWAYS_REQUIRED | REVIEW_REQUIRED),
    ("adult-conversation-record", None, ALWAYS_SHOWN, ALWAYS_REQUIRED),
    ("adult-conversation-record", "Assessment", ALWAYS_SHOWN | ASSESSMENT, ALWAYS_REQUIRED | ASSESSMENT_REQUIRED),
    ("adult-conversation-record", "Request", ALWAYS_SHOWN | REQUEST, ALWAYS_REQUIRED | REQUEST_REQUIRED),
    ("adult-conversation-record", "Review", ALWAYS_SHOWN | REVIEW, ALWAYS_REQUIRED | REVIEW_REQUIRED),
    ("ot-conversation-record", None, ALWAYS_SHOWN, ALWAYS_REQUIRED),
    ("ot-conversation-record", "Assessment", ALWAYS_SHOWN | ASSESSMENT, ALWAYS_REQUIRED | ASSESSMENT_REQUIRED),
    ("ot-conversation-record", "Request", ALWAYS_SHOWN | REQUEST, ALWAYS_REQUIRED | REQUEST_REQUIRED),
    ("ot-conversation-record", "Review", ALWAYS_SHOWN | REVIEW, ALWAYS_REQUIRED | REVIEW_REQUIRED),
    ("ot-review", None, ALWAYS_SHOWN, ALWAYS_REQUIRED),
    ("ot-review", "Assessment", ALWAYS_SHOWN | ASSESSMENT, ALWAYS_REQUIRED | ASSESSMENT_REQUIRED),
    ("ot-review", "Request", ALWAYS_SHOWN | REQUEST, ALWAYS_REQUIRED | REQUEST_REQUIRED),
    ("ot-review", "Review", ALWAYS_SHOWN | REVIEW, ALWAYS_REQUIRED | REVIEW_REQUIRED),
    ("adult-care-and-support-plan-review", None, ALWAYS_SHOWN, ALWAYS_REQUIRED),
    (
        "adult-care-and-support-plan-review",
        "Assessment",
        ALWAYS_SHOWN | ASSESSMENT,
        ALWAYS_REQUIRED | ASSESSMENT_REQUIRED,
    ),
    ("adult-care-and-support-plan-review", "Request", ALWAYS_SHOWN | REQUEST, ALWAYS_REQUIRED | REQUEST_REQUIRED),
    ("adult-care-and-support-plan-review", "Review", ALWAYS_SHOWN | REVIEW, ALWAYS_REQUIRED | REVIEW_REQUIRED),
    ("reablement-physiotherapy-input", None, ALWAYS_SHOWN, ALWAYS_REQUIRED),
    ("reablement-physiotherapy-input", "Assessment", ALWAYS_SHOWN | ASSESSMENT, ALWAYS_REQUIRED | ASSESSMENT_REQUIRED),
    ("reablement-physiotherapy-input", "Request", ALWAYS_SHOWN | REQUEST, ALWAYS_REQUIRED | REQUEST_REQUIRED),
    ("reablement-physiotherapy-input", "Review", ALWAYS_SHOWN | REVIEW, ALWAYS_REQUIRED | REVIEW_REQUIRED),
    ("carers-conversation-record", None, ALWAYS_SHOWN | HOURS, ALWAYS_REQUIRED),
    (
        "carers-conversation-record",
        "Assessment",
        ALWAYS_SHOWN | ASSESSMENT | HOURS,
        ALWAYS_REQUIRED | ASSESSMENT_REQUIRED,
    ),
    ("carers-conversation-record", "Request", ALWAYS_SHOWN | REQUEST | HOURS, ALWAYS_REQUIRED | REQUEST_REQUIRED),
    # Review Reason is not on the Carers Conversation Record (guide p. 22): it is written as Planned, the guide's
    # default for carers' reviews, and the national rules then need Review Outcomes Achieved (docs/cld-spec-notes.md)
    (
        "carers-conversation-record",
        "Review",
        ALWAYS_SHOWN | CARER_REVIEW_WITHOUT_REASON | HOURS,
        ALWAYS_REQUIRED | {"method", "review_outcomes"},
    ),
    ("ot-referral-secondary", None, ALWAYS_SHOWN, ALWAYS_REQUIRED),
    ("ot-referral-secondary", "Assessment", ALWAYS_SHOWN | ASSESSMENT, ALWAYS_REQUIRED | ASSESSMENT_REQUIRED),
    ("ot-referral-secondary", "Request", ALWAYS_SHOWN | REQUEST, ALWAYS_REQUIRED | REQUEST_REQUIRED),
    ("ot-referral-secondary", "Review", ALWAYS_SHOWN | REVIEW, ALWAYS_REQUIRED | REVIEW_REQUIRED),
    ("sensory-impairment-referral-secondary", None, ALWAYS_SHOWN, ALWAYS_REQUIRED),
    (
        "sensory-impairment-referral-secondary",
        "Assessment",
        ALWAYS_SHOWN | ASSESSMENT,
        ALWAYS_REQUIRED | ASSESSMENT_REQUIRED,
    ),
    ("sensory-impairment-referral-secondary", "Request", ALWAYS_SHOWN | REQUEST, ALWAYS_REQUIRED | REQUEST_REQUIRED),
    ("sensory-impairment-referral-secondary", "Review", ALWAYS_SHOWN | REVIEW, ALWAYS_REQUIRED | REVIEW_REQUIRED),
    ("reablement-outreach-discharge-referral", None, ALWAYS_SHOWN, ALWAYS_REQUIRED),
    (
        "reablement-outreach-discharge-referral",
        "Assessment",
        ALWAYS_SHOWN | ASSESSMENT,
        ALWAYS_REQUIRED | ASSESSMENT_REQUIRED,
    ),
    ("reablement-outreach-discharge-referral", "Request", ALWAYS_SHOWN | REQUEST, ALWAYS_REQUIRED | REQUEST_REQUIRED),
    ("reablement-outreach-discharge-referral", "Review", ALWAYS_SHOWN | REVIEW, ALWAYS_REQUIRED | REVIEW_REQUIRED),
]


def test_every_seeded_form_type_has_rows():
    assert {code for code, *_ in ROWS} == set(
        FormType.objects.filter(has_cld_section=True).values_list("code", flat=True)
    )
    assert len(ROWS) == 11 * 4


def context_for(code):
    return CldContext(FormType.objects.get(code=code))


def code(key, label):
    return CodeValue.objects.get(code_list__key=key, label=label).pk


@pytest.mark.parametrize(("form_type", "event", "shown", "required"), ROWS)
def test_fields_shown_and_required(form_type, event, shown, required):
    context = context_for(form_type)
    event_type = context.event_type_ids[event] if event else None
    states = context.states({"event_type": event_type})
    assert {field for field, state in states.items() if state.shown} == shown
    assert {field for field, state in states.items() if state.required} == required


@pytest.mark.parametrize("form_type", ["adult-conversation-record", "carers-support-plan-review"])
def test_financial_assessment_has_no_event_outcome_and_no_method(form_type):
    context = context_for(form_type)
    for label, expect_shown in [
        ("Financial Assessment", False),
        ("Long term assessment", True),
        ("Short term assessment", True),
    ]:
        states = context.states(
            {"event_type": context.event_type_ids["Assessment"], "assessment_type": code("assessment_type", label)}
        )
        assert states["event_outcome"].shown is expect_shown, label
        assert states["method"].shown is expect_shown, label
        assert states["method"].required is expect_shown, label
        assert states["assessment_type"].required


@pytest.mark.parametrize(
    ("reason", "outcomes_required"),
    [("Planned", True), ("Unplanned - Carer related", False), ("Review of short term support", False), (None, False)],
)
def test_review_outcomes_expected_when_review_reason_is_planned(reason, outcomes_required):
    context = context_for("adult-care-and-support-plan-review")
    values = {
        "event_type": context.event_type_ids["Review"],
        "review_reason": code("review_reason", reason) if reason else None,
    }
    states = context.states(values)
    assert states["review_outcomes"].shown
    assert states["review_outcomes"].required is outcomes_required


def test_planned_reason_on_a_hidden_review_reason_requires_nothing():
    # An Assessment cannot trigger the review rule, even if a stale Review Reason was posted.
    context = context_for("adult-care-and-support-plan-review")
    states = context.states(
        {"event_type": context.event_type_ids["Assessment"], "review_reason": code("review_reason", "Planned")}
    )
    assert not states["review_outcomes"].shown and not states["review_outcomes"].required


def test_review_reason_defaults_to_planned_only_for_carer_reviews():
    assert context_for("carers-support-plan-review").defaults == {
        "review_reason": str(code("review_reason", "Planned"))
    }
    assert context_for("adult-care-and-support-plan-review").defaults == {}


def test_event_description_assessment_has_three_choices_that_depend_on_the_form_type():
    ot = context_for("ot-conversation-record").description_choices["event_description_assessment"]
    carers = context_for("carers-conversation-record").description_choices["event_description_assessment"]
    assert len(ot) == len(carers) == 3 and set(ot).isdisjoint(carers)
    review = context_for("ot-review").description_choices["event_description_review"]
    assert review == ["Scheduled review", "Unscheduled review"]


def test_event_outcome_in_specification_order():
    options = [option.label for option in context_for("ot-review").options["event_outcome"]]
    assert options[:4] == [
        "Progress to reablement/ST-Max",
        "Progress to assessment, review or reassessment",
        "Progress to support planning or services",
        "Continuation of support or services",
    ]
    assert options[-1] == "NFA: Other" and len(options) == 16
    assert "Provision of service" not in options  # Release 1 labels are kept for mapping, not offered


def test_event_type_offers_assessment_request_and_review_only():
    assert set(context_for("ot-review").event_type_ids) == {"Assessment", "Request", "Review"}


def test_decision_table_agrees_with_field_states_everywhere():
    context = context_for("adult-care-and-support-plan-review")
    table = decision_table(context.rules, context.conditions, sorted(context.event_type_ids.values()))
    assert table["triggers"] == ["assessment_type", "review_reason"]
    # Event Type (three, or none) x Assessment Type (any, or either release's Financial assessment, which hide fields)
    # x Review Reason (any, or Planned, which requires one)
    assert len(table["table"]) == 4 * 3 * 2
    for key, entry in table["table"].items():
        event, *triggers = key.split("|")
        values = {"event_type": int(event) if event else None}
        for name, value in zip(table["triggers"], triggers, strict=True):
            values[name] = None if value == "*" else int(value)
        states = field_states(context.rules, context.conditions, values["event_type"], values)
        assert entry["shown"] == [f for f in CldField.values if states[f].shown]
        assert entry["required"] == [f for f in CldField.values if states[f].required]


def test_field_states_is_pure_and_hides_fields_without_rules():
    states = field_states([], [], None, {})
    assert all(not state.shown and not state.required for state in states.values())
