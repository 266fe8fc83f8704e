import datetime
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from caredirector.widgets import DateInput
from codes.models import YES_NO
from forms_engine.models import Form, FormType, QuestionKind

NOT_ANSWERED = "–"


def field_name(question):
    return f"q{question['id']}"


def answer_field(question):
    """Return the form field that asks one question of a form definition."""
    help_text = question["help_text"]
    if question["required"]:
        help_text = f"Required to complete the form. {help_text}".strip()
    common = {"label": question["label"], "help_text": help_text, "required": False}
    kind = question["kind"]
    choices = [(choice, choice) for choice in question["choices"]]
    if kind == QuestionKind.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=20000, **common)
    if kind == QuestionKind.DATE:
        return forms.DateField(widget=DateInput, **common)
    if kind == QuestionKind.NUMBER:
        return forms.DecimalField(max_digits=15, decimal_places=4, **common)
    if kind == QuestionKind.YES_NO:
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    if kind == QuestionKind.SINGLE_CHOICE:
        if len(choices) <= 6:
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        return forms.ChoiceField(choices=[("", "Choose…"), *choices], **common)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    return forms.CharField(max_length=1000, **common)


def stored(value):
    """Turn a cleaned answer into JSON; None for no answer."""
    if value in (None, "", [], ()):
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def display_answer(question, value):
    """Show a stored answer as people read it: dates in UK format, choices joined, a dash when unanswered."""
    if value in (None, "", []):
        return NOT_ANSWERED
    if question["kind"] == QuestionKind.DATE:
        try:
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


class AnswersForm(forms.Form):
    """The questions of one form-type version, built from its frozen definition."""

    def __init__(self, *args, version, answers=None, **kwargs):
        answers = answers or {}
        initial = {field_name(q): answers.get(str(q["id"])) for q in version.questions()}
        super().__init__(*args, initial=initial, **kwargs)
        self.version = version
        for question in version.questions():
            self.fields[field_name(question)] = answer_field(question)

    def answers(self):
        """Return the cleaned answers keyed by question id, leaving out unanswered questions."""
        result = {}
        for question in self.version.questions():
            value = stored(self.cleaned_data.get(field_name(question)))
            if value is not None:
                result[str(question["id"])] = value
        return result

    def show_missing(self, question_ids):
        """Mark the questions a refusal to complete named (forms_engine.actions decided them)."""
        missing = set(question_ids)
        for question in self.version.questions():
            if question["id"] in missing:
                self.add_error(field_name(question), "Answer this question to set the form Complete.")

    def sections(self):
        """Yield (section, bound fields) for the template."""
        for section in self.version.sections:
            yield section, [self[field_name(question)] for question in section["questions"]]


class StatusForm(forms.Form):
    """The Status field and what choosing each status reveals. Whether those answers will do (a closing date not in
    the future, a reason for returning) is the actions' to say: forms_engine.actions refuses, naming the field."""

    status = forms.ChoiceField(label="Status")
    closed_on = forms.DateField(label="Closing date", required=False, widget=DateInput)
    closed_by_name = forms.CharField(label="Name of the person closing the form", max_length=150, required=False)
    return_reason = forms.CharField(
        label="Reason for returning the form", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, form, user, **kwargs):
        kwargs.setdefault(
            "initial", {"status": form.status, "closed_on": timezone.localdate(), "closed_by_name": user.display_name}
        )
        super().__init__(*args, **kwargs)
        self.form = form
        status = Form.Status
        if form.status == status.COMPLETE:
            self.fields["status"].choices = [
                (status.COMPLETE, "Complete (awaiting sign-off)"),
                (status.CLOSED, "Closed"),
                (status.IN_PROGRESS, "In Progress (return for amendment)"),
            ]
        else:
            self.fields["status"].choices = [(status.IN_PROGRESS, "In Progress"), (status.COMPLETE, "Complete")]


def users_holding(codename):
    """Active users who hold an accounts permission, through a role, directly, or as superusers."""
    User = get_user_model()
    holds = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label="accounts")
    direct = Q(user_permissions__codename=codename, user_permissions__content_type__app_label="accounts")
    ids = User.objects.filter(holds | direct | Q(is_superuser=True)).values("pk")
    return User.objects.filter(is_active=True, pk__in=ids)


def users_who_record_forms():
    return users_holding("record_forms")


class NewFormForm(forms.Form):
    """Create New Record: which form, and who is responsible for it."""

    form_type = forms.ModelChoiceField(
        label="Form Type",
        queryset=FormType.objects.active(),
        empty_label="Choose a form type…",
        error_messages={"invalid_choice": "Choose one of the active form types."},
    )
    responsible_user = forms.ModelChoiceField(
        label="Responsible User",
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": "Choose a user who can record forms."},
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"responsible_user": user.pk})
        super().__init__(*args, **kwargs)
        self.fields["responsible_user"].queryset = users_who_record_forms()


class PrintForm(forms.Form):
    """Which sections go into the Word document, and an optional comment for the Print History."""

    sections = forms.TypedMultipleChoiceField(
        label="Sections to include",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one section to print."},
    )
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=500,
        help_text="Why it is printed or who it is for; kept in the Print History.",
    )

    def __init__(self, *args, version, **kwargs):
        sections = version.sections
        kwargs.setdefault(
            "initial", {"sections": [section["id"] for section in sections if not section["left_out_of_print"]]}
        )
        super().__init__(*args, **kwargs)
        self.version = version
        self.fields["sections"].choices = [(section["id"], section["title"]) for section in sections]

    def rows(self):
        """(checkbox, section) pairs for the template, which adds the reminder beside Office Use Only."""
        by_id = {section["id"]: section for section in self.version.sections}
        return [(checkbox, by_id[int(checkbox.data["value"])]) for checkbox in self["sections"]]
