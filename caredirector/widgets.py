"""Widgets every app's forms use."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker (an ISO date, which the input type needs), typed dates still accepted."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
