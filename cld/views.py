import csv
import datetime

from django import forms
from django.contrib.auth.decorators import permission_required
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cld.events import RELEASES, ExtractError, Labels, Period, la_code
from cld.extract import (
    DQ_HEADERS,
    assessed_events,
    dq_line,
    form_link,
    run_extract,
    stream_csv_bytes,
)
from codes.models import CodeList
from forms_engine.forms import DateInput


def default_period(today):
    """The rolling twelve months ending with the last complete quarter (councils submit these each quarter)."""
    quarter_start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = quarter_start - datetime.timedelta(days=1)
    return quarter_start.replace(year=quarter_start.year - 1), end


class ExtractForm(forms.Form):
    start = forms.DateField(label="Reporting period start", widget=DateInput)
    end = forms.DateField(label="Reporting period end", widget=DateInput)
    release = forms.TypedChoiceField(
        label="Specification release", choices=[(2, "Release 2"), (1, "Release 1")], coerce=int, initial=2
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end"):
            if data["start"] > data["end"]:
                self.add_error("end", "The end of the period cannot be before its start.")
            else:
                try:
                    data["period"] = Period(data["start"], data["end"])
                except ExtractError as error:
                    self.add_error("end", f"Choose another end date: {error}.")
        return data


class Echo:
    """A file-like object that hands back what is written, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


def stream_report(period, release):
    """Yield the data-quality report line by line."""
    writer = csv.writer(Echo())
    yield writer.writerow(DQ_HEADERS)
    for form_id, row, categories in assessed_events(period, Labels(release)):
        yield writer.writerow(dq_line(row, categories, form_link(form_id)))


@require_http_methods(["GET", "POST"])
@permission_required("accounts.run_cld_extract", raise_exception=True)
def extract(request):
    """CLD Extract: download the quarterly file and its data-quality report, or check the data quality on screen."""
    start, end = default_period(timezone.localdate())
    extract_form = ExtractForm(request.POST or None, initial={"start": start, "end": end, "release": 2})
    summary = None
    try:
        la, refusal = la_code(), None
    except ExtractError as error:
        la, refusal = None, str(error)
    if request.method == "POST" and extract_form.is_valid() and refusal:
        extract_form.add_error(None, f"The extract cannot run: {refusal}.")
    elif request.method == "POST" and extract_form.is_valid():
        data = extract_form.cleaned_data
        period = data["period"]
        action = request.POST.get("action", "check")
        if action in ("csv", "dq"):
            name = f"cld-extract-{period.start}-{period.end}{'.dq' if action == 'dq' else ''}.csv"
            lines = (
                stream_report(period, data["release"])
                if action == "dq"
                else stream_csv_bytes(period, Labels(data["release"]))
            )
            response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        try:
            summary = run_extract(period, data["release"])
        except ExtractError as error:
            extract_form.add_error(None, str(error))
    unconfirmed = list(CodeList.objects.filter(confirmed=False).order_by("name").values_list("name", flat=True))
    context = {
        "extract_form": extract_form,
        "summary": summary,
        "releases": RELEASES,
        "configured": refusal is None,
        "la_code": la or refusal,
        "unconfirmed": unconfirmed,
    }
    return render(request, "cld/extract.html", context)
