"""The one place that decides which CLD fields are shown and required. Pure: plain data in, plain data out.

The server validates with `field_states`; the browser receives `decision_table`, which is `field_states` evaluated for
every combination that can matter, so the page shows and hides fields without a second copy of any rule.
"""

import itertools
from dataclasses import dataclass

from cld.models import CldConditionalRule, CldField

FIELDS = tuple(CldField.values)


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
