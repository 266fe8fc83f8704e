from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from dashboards import queries
from dashboards.charts import bar_chart
from forms_engine.models import FormType

PER_PAGE = 25
can_authorise = permission_required("accounts.authorise_forms", raise_exception=True)


@require_GET
def my_forms(request):
    """Home: the forms for which the signed-in user is the Responsible User, by status, newest first."""
    today = timezone.localdate()
    filters = queries.my_forms_filters(queries.closed_since(today))
    chosen = request.GET.get("show", "all")
    if chosen not in filters:
        chosen = "all"
    counts = queries.my_forms_counts(request.user, today)
    label = filters[chosen][0]
    paginator = Paginator(queries.MyForms(request.user, today, chosen), PER_PAGE)
    paginator.count = counts[chosen]  # known from the tabs' counts: no second count
    page = paginator.get_page(request.GET.get("page"))
    tabs = [(key, tab_label, counts[key]) for key, (tab_label, _condition) in filters.items()]
    context = {"page": page, "tabs": tabs, "chosen": chosen, "chosen_label": label}
    return render(request, "dashboards/my_forms.html", context)


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
    list_url = reverse("dashboards:sign-off-list")
    if group == "age":
        counts = queries.band_counts(timezone.localdate())
        items = [(key, label, counts[key]) for key, label, *_ in queries.WAITING_BANDS]
    else:
        items = [(item.pk, str(item), count) for item, count in queries.named_counts(group)]
    bars = [
        {"label": label, "count": count, "url": f"{list_url}?{urlencode({group: key})}"} for key, label, count in items
    ]
    context = {
        "group": group,
        "group_label": SIGN_OFF_GROUPS[group],
        "groups": SIGN_OFF_GROUPS.items(),
        "bars": bars,
        "total": sum(bar["count"] for bar in bars),
        "chart": bar_chart(bars),
    }
    return render(request, "dashboards/sign_off.html", context)


# sort: (field, descending); ties are broken by id, so every sort is a keyset an index can serve
SORTS = {
    "longest": ("completed_at", False),
    "newest": ("completed_at", True),
    "type": ("form_type__name", False),
    "user": ("responsible_user__last_name", False),
    "client": ("case__person__family_name", False),
    "case": ("case__case_number", False),
}
COLUMNS = [  # the list's sortable columns: (sort, heading, the direction it sorts)
    ("case", "Case", "ascending"),
    ("client", "Client", "ascending"),
    ("type", "Form type", "ascending"),
    ("user", "Responsible user", "ascending"),
    ("newest", "Completed", "descending"),
    ("longest", "Days waiting", "descending"),
]


@require_GET
@can_authorise
def sign_off_list(request):
    """The forms behind one bar of Forms to Sign-Off: open one to check it and Close it (or return it)."""
    today = timezone.localdate()
    title, selection = _bar_selection(request)
    sort = request.GET.get("sort", "longest")
    if sort not in SORTS:
        sort = "longest"
    field, descending = SORTS[sort]
    total, capped = queries.awaiting_total(selection, today)
    page = queries.sign_off_page(
        selection,
        today,
        field,
        descending=descending,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=PER_PAGE,
    )
    rows = [(form, (today - timezone.localdate(form.completed_at)).days) for form in page.rows]
    context = {
        "title": title,
        "page": page,
        "total": total,
        "capped": capped,
        "rows": rows,
        "sort": sort,
        "columns": COLUMNS,
        "next": request.get_full_path(),
    }
    return render(request, "dashboards/sign_off_list.html", context)


def _bar_selection(request):
    """The title of the bar named in the query string, and the selection that names it."""
    query = request.GET
    if "type" in query:
        form_type = _get_or_404(FormType.objects, query["type"])
        return form_type.name, {"type": form_type.pk}
    if "user" in query:
        user = _get_or_404(get_user_model().objects, query["user"])
        return f"Responsible user: {user.display_name}", {"user": user.pk}
    if "age" in query:
        band = queries.waiting_band_named(query["age"])
        if band is None:
            raise Http404("No such waiting time on the chart.")
        return f"Waiting {band[1]}", {"age": band[0]}
    return "All forms awaiting sign-off", {}


def _get_or_404(queryset, raw_pk):
    try:
        return get_object_or_404(queryset, pk=int(raw_pk))
    except ValueError:
        raise Http404("No such bar on the chart.") from None
