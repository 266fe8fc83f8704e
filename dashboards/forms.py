"""The inputs of the dashboards' actions. Whether they will do is the actions' to say (forms_engine.actions,
cases/teams.py): these forms only collect them, and show the refusal beside the field it names."""

from django import forms
from django.contrib.auth import get_user_model

from caredirector.widgets import DateInput
from forms_engine.forms import users_holding


class BulkSignOffForm(forms.Form):
    """Close the ticked forms with one closing date and name, or return them with one reason."""

    action = forms.ChoiceField(
        label="What to do with the ticked forms",
        choices=[("close", "Close them"), ("return", "Return them for amendment")],
        widget=forms.RadioSelect,
        initial="close",
    )
    closed_on = forms.DateField(label="Closing date", required=False, widget=DateInput)
    closed_by_name = forms.CharField(label="Name of the person closing the forms", max_length=150, required=False)
    return_reason = forms.CharField(
        label="Reason for returning the forms",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def managers():
    """Users who can sign off forms, by name: who may be a deputy."""
    return users_holding("authorise_forms").order_by("first_name", "last_name")


class DeputyForm(forms.Form):
    """Name a deputy for a team, from one day to another (both included)."""

    deputy = forms.ModelChoiceField(label="Deputy", queryset=get_user_model().objects.none(), required=False)
    starts_on = forms.DateField(label="From", required=False, widget=DateInput)
    ends_on = forms.DateField(label="To", required=False, widget=DateInput)

    def __init__(self, *args, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = managers().exclude(pk__in=exclude)
