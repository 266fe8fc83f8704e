import dataclasses
import datetime
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import display_name
from cases import access, teams
from cases.models import Team, TeamDeputy, full_name
from dashboards import queries
from dashboards.charts import bar_chart
from dashboards.forms import BulkSignOffForm, DeputyForm
from forms_engine import actions
from forms_engine.models import Form
from forms_engine.models.form import reference_for

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
    context = {
        "page": page,
        "tabs": tabs,
        "chosen": chosen,
        "chosen_label": label,
        "teams": teams.team_names(request.user),
        "hidden": access.hidden_people(request.user, page.object_list),
    }
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
        },
        {
            "name": "My teams and deputies",
            "url": reverse("dashboards:teams"),
            "description": "The teams whose forms you sign off, their members, and who deputises for you when.",
        },
    ]
    return render(request, "dashboards/dashboard_list.html", {"dashboards": dashboards})


SIGN_OFF_GROUPS = {"type": "Form type", "user": "Responsible user", "age": "Days waiting"}


@dataclasses.dataclass
class Queue:
    """Whose forms Forms to Sign-Off shows the viewer (`scope`), the team choices of its filter [(key, label)], the
    key chosen, and the viewer's default key, which an address leaves out."""

    scope: queries.Scope
    choices: list
    chosen: str
    default: str

    def query(self, params):
        """A query string of `params` with the chosen team kept."""
        return urlencode({**({"team": self.chosen} if self.chosen != self.default else {}), **params})


def sign_off_queue(request, today, *, choices=True):
    """The viewer's queue, from the `team` in the query string: their own teams (those they manage or are deputy for
    today: a manager's default), one of them, or every team ("all": a head of service's default). A team the viewer
    does not sign off, or "all" without the permission, is refused with 403: a crafted address shows nothing more.

    The filter's choices (the viewer's teams, by name) are read for the chart, which shows the filter; the list reads
    them only to check a team chosen in its address (its own teams are the SQL's to find: queries.Scope)."""
    everyone = teams.sees_every_team(request.user)
    default = "all" if everyone else ""
    chosen = request.GET.get("team", default)
    in_charge = teams.teams_in_charge(request.user, today) if choices or chosen not in ("", "all") else None
    options = []
    if in_charge:
        options = [("", "My teams")] + [
            (str(team.pk), f"{team.name}{' (as deputy)' if team.role == 'deputy' else ''}") for team in in_charge
        ]
    if everyone:
        options.append(("all", "All teams"))
    if chosen == "":
        scope = queries.Scope("mine", viewer=request.user.pk, day=today)
    elif chosen == "all":
        if not everyone:
            raise PermissionDenied("Only a head of service sees every team's forms: choose one of your teams.")
        scope = queries.EVERY_TEAM
    elif chosen in {key for key, _label in options}:
        scope = queries.Scope("team", team=int(chosen))
    elif everyone and chosen.isdigit() and (team := Team.objects.filter(pk=int(chosen)).first()):
        scope = queries.Scope("team", team=team.pk)
        options.append((chosen, team.name))
    else:
        raise PermissionDenied("That team is not one you sign off for (as its manager, or its deputy today).")
    return Queue(scope, options, chosen, default)


@require_GET
@can_authorise
def sign_off(request):
    """Forms to Sign-Off: a bar per form type (or responsible user, or waiting time) of the forms awaiting sign-off
    in the viewer's teams (or the team chosen)."""
    today = timezone.localdate()
    queue = sign_off_queue(request, today)
    scope = queue.scope
    group = request.GET.get("group", "type")
    if group not in SIGN_OFF_GROUPS:
        group = "type"
    list_url = reverse("dashboards:sign-off-list")
    if group == "age":
        counts = queries.band_counts(today, scope)
        items = [(key, label, counts[key]) for key, label, *_ in queries.WAITING_BANDS]
    else:
        items = queries.named_counts(group, scope)
    bars = [
        {"label": label, "count": count, "url": f"{list_url}?{queue.query({group: key})}"}
        for key, label, count in items
    ]
    context = {
        "group": group,
        "group_label": SIGN_OFF_GROUPS[group],
        "groups": [(key, label, f"?{queue.query({'group': key})}") for key, label in SIGN_OFF_GROUPS.items()],
        "bars": bars,
        "total": sum(bar["count"] for bar in bars),
        "chart": bar_chart(bars),
        "queue": queue,
        "list_all_url": f"{list_url}?{queue.query({})}",
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


@require_http_methods(["GET", "POST"])
@can_authorise
def sign_off_list(request):
    """The forms behind one bar of Forms to Sign-Off: open one to check it and Close it (or return it), or tick
    several and close or return them at once (forms_engine.actions.sign_off_many)."""
    today = timezone.localdate()
    queue = sign_off_queue(request, today, choices=False)
    scope = queue.scope
    bulk = BulkSignOffForm(
        request.POST or None, initial={"closed_on": today, "closed_by_name": request.user.display_name}
    )
    if request.method == "POST":
        done = _sign_off_ticked(request, bulk, scope, today)
        if done:
            return redirect(request.get_full_path())
    title, selection = _bar_selection(request)
    sort = request.GET.get("sort", "longest")
    if sort not in SORTS:
        sort = "longest"
    field, descending = SORTS[sort]
    total, capped = queries.awaiting_total(selection, today, scope)
    page = queries.sign_off_page(
        selection,
        today,
        field,
        scope,
        descending=descending,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=PER_PAGE,
    )
    ticked = dict(_ticked(request))
    rows = list_rows(page.rows, today, access.hidden_people(request.user, page.rows), ticked)
    context = {
        "title": title,
        "page": page,
        "total": total,
        "capped": capped,
        "rows": rows,
        "sort": sort,
        "columns": COLUMNS,
        "next": request.get_full_path(),
        "bulk": bulk,
        "queue": queue,
        "chart_url": f"{reverse('dashboards:sign-off')}?{queue.query({})}",
    }
    return render(request, "dashboards/sign_off_list.html", context)


class ListRow(NamedTuple):
    """A row of the sign-off list, what it shows worked out once (a page of 25 rows spent 0.6 ms more in the
    template's calls of the same functions): `form` the list row read (forms_engine.queries), `client` its client's
    name, or "Restricted record" (`hide`) for one the viewer may not open; `completed` the local day it was set
    Complete; `tick` the value of its box (id:revision) and `ticked` whether the box is ticked."""

    form: Any
    reference: str
    client: str
    hide: bool
    responsible: str
    completed: datetime.date
    days: int
    tick: str
    ticked: bool


def list_rows(forms, today, hidden, ticked):
    """The list's rows of `forms` (list rows with CASE and RESPONSIBLE), the clients in `hidden` shown as restricted;
    `ticked`: the boxes ticked before a refused POST, {id: the revision the user saw} (a form changed since stays so,
    and is refused again)."""
    zone = timezone.get_current_timezone()
    rows = []
    for form in forms:
        hide = form.case__person_id in hidden
        completed = form.completed_at.astimezone(zone).date()
        rows.append(
            ListRow(
                form=form,
                reference=reference_for(form.id),
                client="Restricted record"
                if hide
                else full_name(form.case__person__given_name, form.case__person__family_name),
                hide=hide,
                responsible=display_name(
                    form.responsible_user__first_name, form.responsible_user__last_name, form.responsible_user__username
                ),
                completed=completed,
                days=(today - completed).days,
                tick=f"{form.id}:{ticked.get(form.id, form.revision)}",
                ticked=form.id in ticked,
            )
        )
    return rows


def _ticked(request):
    """The ticked forms of the list: (id, the revision the list showed), from the boxes' "id:revision" values."""
    ticked = []
    for value in request.POST.getlist("form"):
        pk, _, revision = value.partition(":")
        if pk.isdigit() and revision.isdigit():
            ticked.append((int(pk), int(revision)))
    return ticked


def _sign_off_ticked(request, bulk, scope, today):
    """Close or return the ticked forms, each through its own action; say what was done and what was refused (and
    why) as messages. Returns whether the request is done (False: show the list again with the form's errors)."""
    if not bulk.is_valid():
        return False
    ticked = _ticked(request)
    data = bulk.cleaned_data
    closing = data["action"] == "close"
    # the queue the list shows (the same Scope as its rows): a ticked form outside it is refused
    in_scope = set(scope.filter(Form.objects.filter(pk__in=[pk for pk, _ in ticked])).values_list("pk", flat=True))
    try:
        done, refused = actions.sign_off_many(
            forms=ticked,
            by=request.user,
            close=(data["closed_on"], data["closed_by_name"]) if closing else None,
            return_reason=None if closing else data["return_reason"],
            in_queue=lambda form: form.pk in in_scope,
        )
    except actions.ActionRefused as refusal:
        bulk.add_error(refusal.field if refusal.field in bulk.fields else None, str(refusal))
        return False
    verb = "Closed" if closing else "Returned"
    if done:
        references = ", ".join(form.reference for form in done)
        messages.success(request, f"{verb} {len(done)} form{pluralize(len(done))}: {references}.")
    for pk, form, why in refused:
        name = form.reference if form else reference_for(pk)
        messages.error(request, f"{name} was not {verb.lower()}: {why}.")
    return True


def _bar_selection(request):
    """The title of the bar named in the query string, and the selection that names it."""
    query = request.GET
    if "type" in query:
        pk, name = _named_or_404(queries.TYPE_NAME, query["type"])
        return name, {"type": pk}
    if "user" in query:
        pk, first, last, username = _named_or_404(queries.USER_NAME, query["user"])
        return f"Responsible user: {display_name(first, last, username)}", {"user": pk}
    if "age" in query:
        band = queries.waiting_band_named(query["age"])
        if band is None:
            raise Http404("No such waiting time on the chart.")
        return f"Waiting {band[1]}", {"age": band[0]}
    return "All forms awaiting sign-off", {}


def _named_or_404(prepared, raw_pk):
    """The row of the bar's type or user named by an id in the address (up to 18 digits: a bigint), or 404."""
    found = prepared.rows(pk=int(raw_pk)) if raw_pk.isascii() and raw_pk.isdigit() and len(raw_pk) <= 18 else None
    if not found:
        raise Http404("No such bar on the chart.")
    return found[0]


# --- Teams and their deputies --------------------------------------------------------------------------------------


@require_GET
@can_authorise
def my_teams(request):
    """The teams the viewer manages or deputises for (today or later), their members and managers, and their
    deputies from today on; a manager names a deputy here (name_deputy) and ends one's period (end_deputy)."""
    return _teams_page(request)


def _teams_page(request, forms=None):
    """My teams, with the deputy form of each team the viewer manages (`forms`: one bound, with its errors)."""
    today = timezone.localdate()
    shown = (
        Team.objects.filter(Q(managers=request.user) | Q(deputies__deputy=request.user, deputies__ends_on__gte=today))
        .distinct()
        .prefetch_related(
            "members",
            "managers",
            Prefetch(
                "deputies",
                queryset=TeamDeputy.objects.filter(ends_on__gte=today).select_related("deputy", "named_by"),
                to_attr="deputies_from_today",
            ),
        )
        .order_by("name")
    )
    entries = []
    for team in shown:
        manages = any(manager.pk == request.user.pk for manager in team.managers.all())
        form = (forms or {}).get(team.pk)
        if manages and form is None:
            form = DeputyForm(auto_id=f"team-{team.pk}-%s", exclude=[manager.pk for manager in team.managers.all()])
        entries.append({"team": team, "manages": manages, "form": form})
    return render(request, "dashboards/teams.html", {"entries": entries, "today": today})


@require_POST
@can_authorise
def name_deputy(request, pk):
    """Name a deputy for one of the viewer's teams (cases.teams.name_deputy says whether it may be)."""
    team = get_object_or_404(Team, pk=pk)
    try:
        teams.refuse_unless_manager(team, request.user)  # before the form: its choices are the team's to give
    except teams.TeamRefused as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    form = DeputyForm(request.POST, auto_id=f"team-{team.pk}-%s", exclude=team.managers.values_list("pk", flat=True))
    if form.is_valid():
        data = form.cleaned_data
        try:
            appointment = teams.name_deputy(
                team=team,
                deputy=data["deputy"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                by=request.user,
                today=timezone.localdate(),
            )
        except teams.TeamRefused as refusal:
            if refusal.field is None:  # not one of the viewer's teams: nothing of theirs to show it on
                raise PermissionDenied(str(refusal)) from refusal
            form.add_error(refusal.field, str(refusal))
        else:
            messages.success(
                request,
                f"{appointment.deputy} is deputy for {team} from {appointment.starts_on:%d/%m/%Y} "
                f"to {appointment.ends_on:%d/%m/%Y}.",
            )
            return redirect("dashboards:teams")
    return _teams_page(request, forms={team.pk: form})  # this team's form again, with the typing and its errors


@require_POST
@can_authorise
def end_deputy(request, pk):
    """End a deputy's period (or withdraw one not begun); only a manager of the team may."""
    appointment = get_object_or_404(TeamDeputy.objects.select_related("team", "deputy"), pk=pk)
    try:
        ended = teams.end_deputy(appointment=appointment, by=request.user, today=timezone.localdate())
    except teams.TeamRefused as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    if ended is None:
        messages.success(request, f"{appointment.deputy} is no longer deputy for {appointment.team}.")
    else:
        messages.success(
            request, f"{appointment.deputy}'s time as deputy for {appointment.team} ended on {ended.ends_on:%d/%m/%Y}."
        )
    return redirect("dashboards:teams")
