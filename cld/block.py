"""The Client Level Data block of a form: its fields, their code lists, and validation by the rules in cld/rules.py."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.db.models import BigIntegerField
from django.utils import timezone

from caredirector.prepared import Param, Prepared
from caredirector.widgets import DateInput
from cases.models import Case, Person
from cld.models import DESCRIPTION_FIELDS, CldConditionalRule, CldField, CldFieldRule
from cld.rules import EVENT_SPECIFIC, Condition, Rule, decision_table, event_date_errors, field_states, is_carer
from codes.models import YES_NO, CodeValue
from forms_engine.blocks import FormBlock
from forms_engine.models import CLD_CODE_FIELDS, choice_list, cld_column

F = CldField

# field: (code list, help text). Code lists are data (codes.CodeValue); the words are the council guide's.
CODE_LISTS = {
    F.EVENT_TYPE: "event_type",
    F.EVENT_OUTCOME: "event_outcome",
    F.ASSESSMENT_TYPE: "assessment_type",
    F.ELIGIBLE_NEEDS: "eligible_needs_identified",
    F.METHOD: "method_of_assessment",
    F.ROUTE_OF_ACCESS: "route_of_access",
    F.REVIEW_REASON: "review_reason",
    F.REVIEW_OUTCOMES: "review_outcomes_achieved",
}
DATE_FIELDS = {F.EVENT_START, F.EVENT_END}
HELP = {
    F.EVENT_TYPE: "Choosing Assessment, Request or Review brings up the fields that apply to it.",
    F.EVENT_START: "The day the event began (for a request, the day of contact), if not the day the form was started.",
    F.EVENT_END: "The day the event ended: the day of the assessment, the review or the decision on the request.",
    F.EVENT_OUTCOME: (
        "Advised, not required: the intended action once the event is completed. "
        "When several apply, choose the first that applies, from top to bottom."
    ),
    F.ASSESSMENT_TYPE: "Long term if eligibility is determined under the Care Act; short term otherwise.",
    F.ELIGIBLE_NEEDS: "Whether needs eligible for support under the Care Act 2014 were identified.",
    F.NON_ELIGIBLE_NEEDS: "Whether needs were identified that are not eligible for support under the Care Act 2014.",
    F.METHOD: (
        "Who was actively involved: their views were considered. An adult's assessment with their carer involved, "
        "or a carer's with the cared-for person involved, is 'Service user and carer'."
    ),
    F.ROUTE_OF_ACCESS: "Where the request came from. Required for every request, from a new or an existing client.",
    F.REVIEW_REASON: "Known as Significant Event in SALT. Choose the most appropriate reason if known.",
    F.REVIEW_OUTCOMES: "Whether the outcomes discussed at the review were fully met, partially met or not met.",
    F.CARING_HOURS: "How many hours a week the carer provides care: a whole number from 0 to 168. Encouraged.",
    F.EVENT_DESCRIPTION_ASSESSMENT: "What kind of assessment this form records.",
    F.EVENT_DESCRIPTION_REQUEST: "The type of contact made.",
    F.EVENT_DESCRIPTION_REVIEW: "Whether this was a scheduled or an unscheduled review.",
}
RADIO_FIELDS = {F.ASSESSMENT_TYPE, F.LONG_TERM_SUPPORT, F.NON_ELIGIBLE_NEEDS, F.METHOD, F.REVIEW_OUTCOMES}
DESCRIPTION_EVENT = {
    F.EVENT_DESCRIPTION_ASSESSMENT: "Assessment",
    F.EVENT_DESCRIPTION_REQUEST: "Request",
    F.EVENT_DESCRIPTION_REVIEW: "Review",
}


def long_term_support_label():
    return (
        "Is the client currently in receipt of Long Term Support Services commissioned or provided by "
        f"{settings.COUNCIL_NAME}? (equipment is not deemed as long term support)"
    )


@dataclass
class Option:
    value: str
    label: str
    help_text: str


# The block's three reads, on every form page and every save: compiled once (caredirector/prepared.py), 0.9 ms a page
RULES = Prepared(
    lambda: CldFieldRule.objects.filter(form_type_id=Param("form_type", BigIntegerField())).values_list(
        "event_type_id", "field", "shown", "required", "choices", "default_value_id"
    )
)
CONDITIONS = Prepared(lambda: CldConditionalRule.objects.values_list("field", "effect", "when_field", "when_value_id"))
CLIENT_TYPE = "client_type"  # read with them: whether the event is an unpaid carer's
CODES = Prepared(  # every value of the block's lists, offered or not: the same for every form
    lambda: (
        CodeValue.objects.filter(code_list__key__in=sorted({*CODE_LISTS.values(), CLIENT_TYPE}))
        .order_by("order", "label")
        .values_list("pk", "label", "help_text", "code_list__key", "selectable")
    )
)


class CldContext:
    """What the block needs for one form type, in three queries: its rules, the national conditions, the codes."""

    def __init__(self, form_type, stored_ids=()):
        self.rules, self.description_choices, self.defaults, self.written = [], {}, {}, {}
        for event_type, field, shown, required, choices, default in RULES.rows(form_type=form_type.pk):
            self.rules.append(Rule(event_type, field, shown, required))
            if field in DESCRIPTION_FIELDS:
                self.description_choices[field] = choice_list(choices)
            if default and shown:
                self.defaults[field] = str(default)
            elif default:  # a field the form type hides, written as this value: e.g. Planned on carers' reviews
                self.written[(event_type, field)] = default
        self.conditions = [Condition(*row) for row in CONDITIONS.rows()]
        # A value no longer offered is kept only where this form holds it.
        held = set(stored_ids)
        self.options = {key: [] for key in CODE_LISTS.values()}
        self.labels, self.carer_types = {}, set()
        for pk, label, help_text, key, selectable in CODES.rows():
            if key == CLIENT_TYPE:
                if is_carer(label):
                    self.carer_types.add(pk)
                continue
            if selectable or pk in held:
                self.options[key].append(Option(str(pk), label, help_text))
                self.labels[pk] = label
        self.event_type_ids = {option.label: int(option.value) for option in self.options["event_type"]}

    @classmethod
    def for_form(cls, form):
        """The context for a form, including the code values it holds even if they are no longer offered."""
        return cls(form.form_type, [getattr(form, f"{cld_column(field)}_id") for field in CLD_CODE_FIELDS])

    def states(self, values):
        """Field states for answers given as {field: value}; code values as ids."""
        event_type = values.get(F.EVENT_TYPE)
        return field_states(self.rules, self.conditions, event_type, values)

    def written_value(self, event_type, field):
        """What a hidden field is stored as: the value its form type writes for it (e.g. Planned), or nothing."""
        return self.written.get((event_type, field), self.written.get((None, field)))

    def defaults_for(self, form):
        """The preselected values on this form: the form type's, and Planned for the Review Reason of every review
        of an unpaid carer (the guide's default for carers' reviews)."""
        defaults = dict(self.defaults)
        person = form.case.person
        carer = (form.form_type.cld_client_type_id or person.client_type_id) in self.carer_types
        planned = next((o.value for o in self.options["review_reason"] if o.label == "Planned"), None)
        if carer and planned and F.REVIEW_REASON not in defaults:
            defaults[F.REVIEW_REASON] = planned
        return defaults

    def browser_rules(self):
        """The data the page's script needs: the decision table, field labels, and preselected values."""
        table = decision_table(self.rules, self.conditions, sorted(self.event_type_ids.values()))
        return {**table, "labels": {field: _label(field) for field in CldField.values}, "defaults": self.defaults}


def _label(field):
    return long_term_support_label() if field == F.LONG_TERM_SUPPORT else CldField(field).label


def stored_values(form, labels):
    """Read the block's answers from a form as {field: value}, code values as ids; labels maps ids to labels."""
    values = {}
    for field in CldField.values:
        if field in DESCRIPTION_FIELDS:
            continue
        column = cld_column(field)
        values[field] = getattr(form, f"{column}_id") if field in CLD_CODE_FIELDS else getattr(form, column)
    event_type = labels.get(form.cld_event_type_id) if form.cld_event_type_id else None
    for field, event_label in DESCRIPTION_EVENT.items():
        values[field] = form.cld_event_description if event_label == event_type else ""
    return values


class CldForm(forms.Form):
    """The block's fields; the rules decide which apply, and only those are stored."""

    prefix = "cld"

    def __init__(self, data=None, *, context, form):
        self.context = context
        self.defaults = context.defaults_for(form)
        stored = stored_values(form, context.labels)
        initial = {field: ("" if value is None else str(value)) for field, value in stored.items()}
        event_type = stored.get(F.EVENT_TYPE)
        for field, default in self.defaults.items():
            if not initial.get(field) and context.states(stored)[field].shown and event_type is not None:
                initial[field] = default
        # The event's dates start from the form's: its start, and (until it is completed) today
        initial[F.EVENT_START] = stored[F.EVENT_START] or form.start_date
        initial[F.EVENT_END] = stored[F.EVENT_END] or form.completed_on or timezone.localdate()
        super().__init__(data, initial=initial)
        self.cleared = []
        for field in CldField.values:
            self.fields[field] = self._field(field)

    def _field(self, field):
        common = {"label": _label(field), "help_text": HELP.get(field, ""), "required": False}
        if field in CODE_LISTS:
            options = self.context.options[CODE_LISTS[field]]
            choices = [(option.value, option.label) for option in options]
            widget = forms.RadioSelect if field in RADIO_FIELDS else forms.Select
            if widget is forms.Select:
                choices = [("", "Choose…"), *choices]
            return forms.TypedChoiceField(choices=choices, coerce=int, empty_value=None, widget=widget, **common)
        if field in DESCRIPTION_FIELDS:
            choices = [(choice, choice) for choice in self.context.description_choices.get(field, [])]
            return forms.ChoiceField(choices=[("", "Choose…"), *choices], **common)
        if field == F.CARING_HOURS:
            return forms.IntegerField(min_value=0, max_value=168, **common)
        if field in DATE_FIELDS:
            return forms.DateField(widget=DateInput, **common)
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)

    def clean(self):
        data = super().clean()
        states = self.context.states(data)
        for field in CldField.values:
            if not states[field].shown:
                written = self.context.written_value(data.get(F.EVENT_TYPE), field)
                if data.get(field) not in (None, "", written):
                    self.cleared.append(_label(field))
                data[field] = written
                self.errors.pop(field, None)  # a hidden field's bad value is cleared, not reported
        for field, message in event_date_errors(data.get(F.EVENT_START), data.get(F.EVENT_END)).items():
            self.add_error(field, message)
        self.states = states
        return data

    def columns(self):
        """The block's answers as Form column values, hidden fields empty."""
        data = self.cleaned_data
        columns = {}
        for field in CldField.values:
            if field in DESCRIPTION_FIELDS:
                continue
            column = cld_column(field)
            value = data.get(field)
            if field in CLD_CODE_FIELDS:
                columns[f"{column}_id"] = value
            else:
                columns[column] = "" if value is None and field not in (F.CARING_HOURS, *DATE_FIELDS) else value
        columns["cld_event_description"] = next((data[field] for field in DESCRIPTION_FIELDS if data.get(field)), "")
        return columns

    def show_missing(self, fields):
        """Mark the fields a refusal to complete named (CldBlock.missing decided them)."""
        for field in fields:
            self.add_error(field, f"Answer {_label(field)} to set the form Complete.")

    def layout(self):
        """Yield (field, bound field, shown, required) in the order of the block, for the template."""
        states = getattr(self, "states", None) or self.context.states(_initial_values(self))
        for field in CldField.values:
            state = states[field]
            options = self.context.options.get(CODE_LISTS.get(field), [])
            yield {
                "name": field,
                "bound": self[field],
                "shown": state.shown,
                "required": state.required,
                "hints": {option.value: option.help_text for option in options if option.help_text},
                "default": self.defaults.get(field, ""),
            }


def _initial_values(form):
    values = {}
    for field in CldField.values:
        raw = form[field].value()
        values[field] = int(raw) if field in CODE_LISTS and raw not in (None, "") else raw
    return values


def missing_fields(states, values):
    return [field for field, state in states.items() if state.required and values.get(field) in (None, "")]


def completeness(context, form):
    """Return (required answered, required in all, labels of the gaps) for the block as stored."""
    values = stored_values(form, context.labels)
    states = context.states(values)
    required = [field for field, state in states.items() if state.required]
    gaps = missing_fields(states, values)
    return len(required) - len(gaps), len(required), [_label(field) for field in gaps]


def missing(context, form):
    """(field, label) of each required field the block as stored leaves empty."""
    values = stored_values(form, context.labels)
    return [(field, _label(field)) for field in missing_fields(context.states(values), values)]


def cld_display(context, form):
    """Return (label, answer) for each field of the stored block that applies, for read-only pages and print."""
    values = stored_values(form, context.labels)
    states = context.states(values)
    rows = []
    for field in CldField.values:
        if not states[field].shown:
            continue
        value = values[field]
        if value in (None, ""):
            text = "–"
        elif field in CODE_LISTS:
            text = context.labels.get(value, "–")
        elif field in DATE_FIELDS:
            text = f"{value:%d/%m/%Y}"
        else:
            text = str(value)
        rows.append((_label(field), text))
    return rows


class CldBlock(FormBlock):
    """The Client Level Data block of the form types that have a CLD section (forms_engine/blocks.py)."""

    name = "cld"
    title = "Client Level Data"
    template_name = "cld/_block.html"
    display_template_name = "cld/_block_display.html"
    script = "js/cld.js"

    @property
    def admin_inlines(self):
        from cld.admin import CldFieldRuleInline

        return [CldFieldRuleInline]

    def applies_to(self, form_type):
        return form_type.has_cld_section

    def form(self, form, data=None):
        return CldForm(data, context=CldContext.for_form(form), form=form)

    def missing(self, form):
        return missing(CldContext.for_form(form), form)

    def display(self, form):
        return cld_display(CldContext.for_form(form), form)

    def part(self, form, block_form):
        return {"rules": block_form.context.browser_rules(), "completeness": completeness(block_form.context, form)}

    def on_complete(self, form):
        """Keep what the extract writes of the event as it stood when the event ended: its end date (the day it is
        set Complete, when none was entered), the person's history row of then (their client type, support reason,
        accommodation, employment, carer, funding and postcode), and the event's Client Type (the form type's, for a
        carers' form, else the person's then), with the adults they cared for (as many as recorded, else as many as are
        linked, and the first three linked)."""
        if form.cld_event_end is None:
            form.cld_event_end = timezone.localdate()
        kept = person_as_at(Case.objects.values_list("person_id", flat=True).get(pk=form.case_id), form.cld_event_end)
        form.cld_person_as_at_id = kept.history_id
        form.cld_client_type_id = form.form_type.cld_client_type_id or kept.client_type_id
        links = Person.cares_for.through.objects.filter(from_person_id=kept.id)
        linked = sorted(links.values_list("to_person__la_person_id", flat=True))  # code point order, as in the file
        known = kept.adults_cared_for
        form.cld_adults_cared_for = known if known is not None else (len(linked) or None)
        form.cld_linked_person_1, form.cld_linked_person_2, form.cld_linked_person_3 = (linked + ["", "", ""])[:3]

    def refusal(self, form):
        errors = event_date_errors(form.cld_event_start, form.cld_event_end)
        return next(((f"{self.name}-{field}", message) for field, message in errors.items()), None)

    def clone(self, form):
        """Every CLD answer but the event's own (its outcome, review reason and outcomes, dates): a clone records a
        new event of the same kind for the same person."""
        columns, cleared = {}, []
        for field in CldField.values:
            if field in DESCRIPTION_FIELDS:
                continue
            column = cld_column(field)
            name = f"{column}_id" if field in CLD_CODE_FIELDS else column
            value = getattr(form, name)
            if field in EVENT_SPECIFIC:
                if value not in (None, ""):
                    cleared.append(_label(field))
                continue
            columns[name] = value
        columns["cld_event_description"] = form.cld_event_description
        return columns, cleared


def person_as_at(person_id, day):
    """The person's history row as it stood at the end of `day`: the newest row up to then; for a person recorded
    after it, their first row; for a person loaded without history, a row made now from their record."""
    history = Person.history.filter(id=person_id)
    kept = history.filter(history_date__date__lte=day).order_by("-history_date", "-history_id").first()
    kept = kept or history.order_by("history_date", "history_id").first()
    if kept is None:
        person = Person.objects.get(pk=person_id)
        kept = Person.history.bulk_history_create([person], default_change_reason="Recorded for a CLD event")[0]
    return kept
