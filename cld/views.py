import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from caredirector.widgets import DateInput
from cld.events import RELEASES, ExtractError, Period, la_code
from cld.models import ExtractRun
from cld.runs import RunRefused, compare, queue_run
from codes.models import CodeList


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


RECENT_RUNS = 5
RUNS_PER_PAGE = 25


@require_http_methods(["GET", "POST"])
@permission_required("accounts.run_cld_extract", raise_exception=True)
def extract(request):
    """CLD Extract: queue a run of the quarterly file and its data-quality report; the latest runs."""
    start, end = default_period(timezone.localdate())
    extract_form = ExtractForm(request.POST or None, initial={"start": start, "end": end, "release": 2})
    try:
        la, refusal = la_code(), None
    except ExtractError as error:
        la, refusal = None, str(error)
    if request.method == "POST" and extract_form.is_valid():
        data = extract_form.cleaned_data
        try:
            run = queue_run(period=data["period"], release=data["release"], by=request.user)
        except RunRefused as refused:
            extract_form.add_error(None, str(refused))
            if refused.run:
                messages.info(request, f"See run {refused.run.pk}, {refused.run.get_state_display().lower()}.")
        else:
            return redirect(run)
    unconfirmed = list(CodeList.objects.filter(confirmed=False).order_by("name").values_list("name", flat=True))
    context = {
        "extract_form": extract_form,
        "releases": RELEASES,
        "configured": refusal is None,
        "la_code": la or refusal,
        "unconfirmed": unconfirmed,
        "recent": list(ExtractRun.objects.select_related("requested_by")[:RECENT_RUNS]),
        "queued": settings.JOBS_QUEUED,
    }
    return render(request, "cld/extract.html", context)


@require_GET
@permission_required("accounts.run_cld_extract", raise_exception=True)
def runs(request):
    """Every run, newest first."""
    page = Paginator(ExtractRun.objects.select_related("requested_by"), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cld/runs.html", {"page": page})


@require_GET
@permission_required("accounts.run_cld_extract", raise_exception=True)
def run(request, pk):
    """A run: its progress while it runs; then what it found, its files, and how it compares with the previous run."""
    extract_run = get_object_or_404(ExtractRun.objects.select_related("requested_by"), pk=pk)
    previous, event_changes, field_changes = compare(extract_run) if extract_run.state == "done" else (None, [], [])
    context = {
        "run": extract_run,
        "previous": previous,
        "event_changes": event_changes,
        "field_changes": field_changes,
    }
    return render(request, "cld/run.html", context)


@require_GET
@permission_required("accounts.run_cld_extract", raise_exception=True)
def run_progress(request, pk):
    """Where a run has got to, for the run page's script."""
    values = ExtractRun.objects.filter(pk=pk).values("state", "rows_done", "rows_expected")
    found = values.first()
    if found is None:
        raise Http404("No such run.")
    return JsonResponse(found)


@require_GET
@permission_required("accounts.run_cld_extract", raise_exception=True)
def run_file(request, pk, kind):
    """A finished run's extract or data-quality report, as it was written (never a file of an unfinished run)."""
    extract_run = get_object_or_404(ExtractRun, pk=pk, state=ExtractRun.State.DONE)
    stored = {"extract": extract_run.extract_file, "report": extract_run.report_file}.get(kind)
    if not stored:
        raise Http404("This run kept no such file.")
    if not stored.storage.exists(stored.name):
        raise Http404("This run's file is no longer kept.")
    name = stored.name.rsplit("/", 1)[-1]
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name, content_type="text/csv; charset=utf-8")
