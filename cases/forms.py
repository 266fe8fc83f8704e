"""The inputs of the cases' pages."""

from django import forms

from accounts.models import display_name
from caredirector.widgets import DateInput


class AccessFilterForm(forms.Form):
    """Who viewed this record: by one user, and from one day to another (both included)."""

    user = forms.TypedChoiceField(label="Viewed by", required=False, coerce=int, empty_value=None)
    since = forms.DateField(label="From", required=False, widget=DateInput)
    until = forms.DateField(label="To", required=False, widget=DateInput)

    def __init__(self, *args, viewers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "Anyone")] + [
            (pk, display_name(first, last, username)) for pk, first, last, username in viewers
        ]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", "The last day cannot be before the first.")
        return data
