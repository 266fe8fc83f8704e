from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from caredirector.pagination import KnownCountPaginator
from dashboards.charts import bar_chart
from dashboards.keyset import capped_count
from dashboards.queries import MyFormsPage, my_forms_counts, sign_off_page
from forms_engine.models import (
    WAITING_BANDS,
    AwaitingByDay,
    AwaitingByOwner,
    Form,
    FormType,
    MyFormsFilter,
    band_days,
    waiting_band_named,
)

PER_PAGE = 25
can_authorise = permission_required("accounts.authorise_forms", raise_exception=True)


@require_GET
def my_forms(request):
    """Home: the forms for which the signed-in user is the Responsible User, by status, newest first."""
    today = timezone.localdate()
    chosen = request.GET.get("show", MyFormsFilter.ALL)
    if chosen not in MyFormsFilter.values:
        chosen = MyFormsFilter.ALL
    counts = my_forms_counts(request.user, today)
    forms = MyFormsPage(request.user, today, chosen)
    page = KnownCountPaginator(forms, PER_PAGE, count=counts[chosen]).get_page(request.GET.get("page"))
    tabs = [(key, label, counts[key]) for key, label in MyFormsFilter.choices]
    return render(
        request,
        "dashboards/my_forms.html",
        {
            "page": page,
            "tabs": tabs,
            "chosen": chosen,
            "chosen_label": MyFormsFilter(chosen).label,
        },
    )


@require_GET
@can_authorise
def dashboard_list(request):
    """List the dashboards open to managers."""
    dashboards = [
        {
            "name": "Forms to Sign-Off",
            "url": reverse("dashboards:sign-off"),
            "description": "Complete forms waiting for a manager to close them.",
        }
    ]
    return render(request, "dashboards/dashboard_list.html", {"dashboards": dashboards})


SIGN_OFF_GROUPS = {"type": "Form type", "user": "Responsible user", "age": "Days waiting"}


@require_GET
@can_authorise
def sign_off(request):
    """Forms to Sign-Off: a bar per form type (or responsible user, or waiting time) of the forms awaiting sign-off."""
    group = request.GET.get("group", "type")
    if group not in SIGN_OFF_GROUPS:
        group = "type"
    bars = _sign_off_bars(group, timezone.localdate())
    return render(
        request,
        "dashboards/sign_off.html",
        {
            "group": group,
            "groups": SIGN_OFF_GROUPS.items(),
            "bars": bars,
            "total": sum(bar["count"] for bar in bars),
            "chart": bar_chart(bars),
        },
    )


def _sign_off_bars(group, today):
    list_url = reverse("dashboards:sign-off-list")
    tallied = _has_tallies()
    if group == "age":
        counts = _tallied_band_counts(today) if tallied else Form.objects.awaiting_sign_off().waiting_band_counts(today)
        return [
            {"label": label, "count": counts[key], "url": f"{list_url}?{urlencode({'age': key})}"}
            for key, label, *_ in WAITING_BANDS
        ]
    # Count the awaiting set alone (COUNT(*) over the partial index, no join), then name the bars in a second query.
    key, model, ordering = ("responsible_user", get_user_model(), ("first_name", "last_name", "pk"))
    if group != "user":
        key, model, ordering = ("form_type", FormType, ("name", "pk"))
    if tallied:
        counts = dict(
            AwaitingByOwner.objects.filter(count__gt=0).values_list(key).annotate(count=Sum("count")).order_by()
        )
    else:
        counts = dict(Form.objects.awaiting_sign_off().values_list(key).annotate(count=Count("*")).order_by())
    named = model.objects.filter(pk__in=counts).order_by(*ordering)
    return [
        {"label": str(item), "count": counts[item.pk], "url": f"{list_url}?{urlencode({group: item.pk})}"}
        for item in named
    ]


def _has_tallies():
    """The awaiting-sign-off tallies are kept by a PostgreSQL trigger (forms_engine migration 0010); SQLite counts."""
    return connection.vendor == "postgresql"


def _band_days(band, today):
    """The per-day tally rows of a waiting band: a day is in it when today is low..high days later."""
    first, last = band_days(band, today)
    return Q(day__lte=last) if first is None else Q(day__range=(first, last))


def _tallied_band_counts(today):
    """Forms in each waiting band, from the per-day tally."""
    conditions = {band[0]: Coalesce(Sum("count", filter=_band_days(band, today)), 0) for band in WAITING_BANDS}
    return AwaitingByDay.objects.aggregate(**conditions)


def _tallied_total(selection, today):
    """The exact number of forms behind a bar, from the tallies, or None where there are none (SQLite).

    Counting the forms themselves walks up to 10,000 index entries per page view (4 ms at 1,000,000 forms); a tally
    sum reads a few dozen rows, and it is exact however many forms wait.
    """
    if not _has_tallies():
        return None
    if "age" in selection:
        tallies = AwaitingByDay.objects.filter(_band_days(waiting_band_named(selection["age"]), today))
    else:
        tallies = AwaitingByOwner.objects.all()
        if "type" in selection:
            tallies = tallies.filter(form_type_id=selection["type"])
        if "user" in selection:
            tallies = tallies.filter(responsible_user_id=selection["user"])
    return tallies.aggregate(total=Coalesce(Sum("count"), 0))["total"]


# sort: (field, descending); ties are broken by id, so every sort is a keyset an index can serve
SORTS = {
    "longest": ("completed_at", False),
    "newest": ("completed_at", True),
    "type": ("form_type__name", False),
    "user": ("responsible_user__last_name", False),
    "client": ("case__person__family_name", False),
    "case": ("case__case_number", False),
}


@require_GET
@can_authorise
def sign_off_list(request):
    """The forms behind one bar of Forms to Sign-Off: open one to check it and Close it (or return it)."""
    today = timezone.localdate()
    forms, title, selection = _bar_selection(request, today)
    sort = request.GET.get("sort", "longest")
    if sort not in SORTS:
        sort = "longest"
    field, descending = SORTS[sort]
    total, capped = _tallied_total(selection, today), False
    if total is None:  # no tallies (SQLite): count, up to a cap
        total, capped = capped_count(forms)
    page = sign_off_page(
        selection,
        today,
        field,
        descending=descending,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=PER_PAGE,
        total=total,
        capped=capped,
    )
    rows = [(form, (today - form.completed_on).days) for form in page.rows]
    here = request.get_full_path()
    return render(
        request,
        "dashboards/sign_off_list.html",
        {
            "title": title,
            "page": page,
            "rows": rows,
            "sort": sort,
            "selection": selection,
            "next": here,
            "columns": [
                ("case", "Case", "ascending"),
                ("client", "Client", "ascending"),
                ("type", "Form type", "ascending"),
                ("user", "Responsible user", "ascending"),
                ("newest", "Completed", "descending"),
                ("longest", "Days waiting", "descending"),
            ],
        },
    )


def _bar_selection(request, today):
    """Return the forms of the bar named in the query string, its title, and the query that names it."""
    awaiting = Form.objects.awaiting_sign_off()
    query = request.GET
    if "type" in query:
        form_type = _get_or_404(FormType.objects, query["type"])
        return awaiting.filter(form_type=form_type), form_type.name, {"type": form_type.pk}
    if "user" in query:
        user = _get_or_404(get_user_model().objects, query["user"])
        return awaiting.filter(responsible_user=user), f"Responsible user: {user.display_name}", {"user": user.pk}
    if "age" in query:
        band = waiting_band_named(query["age"])
        if band is None:
            raise Http404("No such waiting time on the chart.")
        return awaiting.waiting_band(band[0], today), f"Waiting {band[1]}", {"age": band[0]}
    return awaiting, "All forms awaiting sign-off", {}


def _get_or_404(queryset, raw_pk):
    try:
        return get_object_or_404(queryset, pk=int(raw_pk))
    except ValueError:
        raise Http404("No such bar on the chart.") from None
