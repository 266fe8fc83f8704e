"""The reads of the dashboards: My Forms and Forms to Sign-Off (its chart's counts and its list's pages)."""

import dataclasses
import datetime
import functools

from django.db import connection
from django.db.models import BigIntegerField, Count, DateField, DateTimeField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User, display_name
from caredirector.keyset import keys_query, keyset_page
from caredirector.prepared import Param, Prepared, one_group
from cases import teams
from forms_engine.models import RETURNED, AwaitingByDay, AwaitingByOwner, Form, FormStatus, FormType, MyFormsTally
from forms_engine.queries import CASE, RESPONSIBLE, by_ids, ids_param, rows

RECENTLY_CLOSED_DAYS = 30
COUNT_CAP = 10_000  # where the sign-off list counts forms (without tallies: SQLite), it stops here


def tallied():
    """The tallies are kept by PostgreSQL triggers (forms_engine migrations 0010 and 0012); elsewhere forms are
    counted."""
    return connection.vendor == "postgresql"


# --- My Forms ------------------------------------------------------------------------------------------------------


def my_forms_filters(closed_since):
    """The label and condition of each My Forms filter, by its key; "Closed recently" counts the forms closed on or
    after `closed_since` (a date, or a Param)."""
    return {
        "all": ("All", Q()),
        "in_progress": ("In Progress", Q(status=FormStatus.IN_PROGRESS) & ~RETURNED),
        "returned": ("Returned for amendment", RETURNED),
        "awaiting": ("Complete, awaiting sign-off", Q(status=FormStatus.COMPLETE)),
        "closed_recently": ("Closed recently", Q(status=FormStatus.CLOSED, closed_on__gte=closed_since)),
    }


def closed_since(today):
    return today - datetime.timedelta(days=RECENTLY_CLOSED_DAYS)


# My Forms' reads, on every view of the app's home page: compiled once (caredirector/prepared.py), 1.2 ms a view
USER, SINCE = Param("user", BigIntegerField()), Param("since", DateField())
CLOSED_RECENTLY = "closed_recently"


def _closed_recently():
    """The user's forms closed on or after SINCE, counted from form_closed_by_user_idx (the status is written into
    the SQL, so that the plan kept for a prepared statement can use that partial index)."""
    return (
        Form.objects.filter(my_forms_filters(SINCE)[CLOSED_RECENTLY][1], responsible_user_id=USER)
        .filter(status__is=FormStatus.CLOSED)
        .values("responsible_user")
        .annotate(bucket=Value(CLOSED_RECENTLY), count=Count("*"))
        .values_list("bucket", "count")
    )


# PostgreSQL: the user's tallies and the count of forms closed recently, in one statement (one round trip less)
TALLIES = Prepared(
    lambda: (
        MyFormsTally.objects.filter(responsible_user_id=USER)
        .values_list("bucket", "count")
        .union(_closed_recently(), all=True)
    )
)
COUNTED_CLOSED_RECENTLY = Prepared(_closed_recently)
MY_FORMS = {
    key: Prepared(
        lambda key=key: rows(
            Form.objects.filter(my_forms_filters(SINCE)[key][1], responsible_user_id=USER).order_by(
                "-created_at", "-id"
            ),
            *CASE,
            "cld_quality__fields",
        )
    )
    for key in my_forms_filters(None)
}


def my_forms_counts(user, today):
    """The number of the user's forms under every My Forms filter: one query on PostgreSQL, two elsewhere.

    On PostgreSQL the user's tallies give the four states (a trigger keeps them: counting a practitioner's 3,300
    forms cost 1.7 ms a view, even from the covering index); elsewhere the forms are counted. "Closed recently" is
    counted from the index of closed forms by user and closing date.
    """
    bucket = MyFormsTally.Bucket
    since = closed_since(today)
    if tallied():
        states = dict(TALLIES.rows(user=user.pk, since=since))
    else:
        filters = my_forms_filters(closed_since(today))
        states = Form.objects.filter(responsible_user=user).aggregate(
            **{
                bucket.IN_PROGRESS: Count("pk", filter=filters["in_progress"][1]),
                bucket.RETURNED: Count("pk", filter=filters["returned"][1]),
                bucket.COMPLETE: Count("pk", filter=Q(status=FormStatus.COMPLETE)),
                bucket.CLOSED: Count("pk", filter=Q(status=FormStatus.CLOSED)),
            }
        )
        states |= dict(COUNTED_CLOSED_RECENTLY.rows(user=user.pk, since=since))
    return {
        "all": sum(states.get(key, 0) for key in bucket.values),
        "in_progress": states.get(bucket.IN_PROGRESS, 0),
        "returned": states.get(bucket.RETURNED, 0),
        "awaiting": states.get(bucket.COMPLETE, 0),
        "closed_recently": states.get(CLOSED_RECENTLY, 0),
    }


class MyForms:
    """The user's forms under one My Forms filter, newest first, as list rows with their case and CLD failures: what
    a Paginator pages through, a slice (a page) at a time."""

    def __init__(self, user, today, key):
        self.prepared, self.values = MY_FORMS[key], {"user": user.pk, "since": closed_since(today)}

    def __getitem__(self, page):
        return self.prepared.rows(limit=page.stop - page.start, offset=page.start, **self.values)


# --- Forms to Sign-Off --------------------------------------------------------------------------------------------

# Days a Complete form has waited for sign-off, as the chart groups them: (key, label, from, to)
WAITING_BANDS = [
    ("0-2", "0–2 days", 0, 2),
    ("3-5", "3–5 days", 3, 5),
    ("6-10", "6–10 days", 6, 10),
    ("11+", "Over 10 days", 11, None),
]


def waiting_band_named(key):
    """The waiting band with this key ("0-2", "11+", ...), or None."""
    return next((band for band in WAITING_BANDS if band[0] == key), None)


def band_days(band, today):
    """The first and last local day of completion in a waiting band (first None when the band has no upper end)."""
    _key, _label, low, high = band
    first = None if high is None else today - datetime.timedelta(days=high)
    return first, today - datetime.timedelta(days=low)


def _start_of_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def waiting(band, today):
    """The condition for forms completed on the days of a waiting band."""
    first, last = band_days(band, today)
    condition = Q(completed_at__lt=_start_of_day(last + datetime.timedelta(days=1)))
    if first is not None:
        condition &= Q(completed_at__gte=_start_of_day(first))
    return condition


def _tally_days(first, last):
    """The per-day tally rows of a waiting band, from its first day to its last (both included), or up to its last
    for the open-ended band (`first` None): days, or Params."""
    return Q(day__lte=last) if first is None else Q(day__range=(first, last))


VIEWER, DAY, TEAM = Param("viewer", BigIntegerField()), Param("day", DateField()), Param("team", BigIntegerField())


@dataclasses.dataclass(frozen=True)
class Scope:
    """Whose forms a sign-off queue holds: every team's ("all"), one team's ("team"), or those of the teams the
    viewer signs off that day ("mine": managed, or deputy for; cases/teams.py). A form is a team's when its
    Responsible User is a member."""

    kind: str
    viewer: int | None = None
    day: datetime.date | None = None
    team: int | None = None

    @property
    def values(self):
        """The values of the Params that `filter(..., params=True)` puts in a query."""
        return {"viewer": self.viewer, "day": self.day, "team": self.team}

    def users(self, params=False):
        if self.kind == "team":
            return teams.members_of(TEAM if params else self.team)
        return teams.members_of_teams_in_charge(VIEWER if params else self.viewer, DAY if params else self.day)

    def filter(self, queryset, params=False):
        """The forms (or tally rows) of the queryset whose Responsible User is in the scope."""
        if self.kind == "all":
            return queryset
        return queryset.filter(responsible_user_id__in=self.users(params))


EVERY_TEAM = Scope("all")


def band_counts(today, scope=EVERY_TEAM):
    """The number of forms in every waiting band, in one query: from the per-day tally (every team), or counted."""
    if tallied() and scope.kind == "all":
        return AwaitingByDay.objects.aggregate(
            **{
                band[0]: Coalesce(Sum("count", filter=_tally_days(*band_days(band, today))), 0)
                for band in WAITING_BANDS
            }
        )
    # completed_at is in the partial indexes (by age, and by user for a team's) and never null on a Complete form:
    # an index-only count.
    return scope.filter(Form.objects.awaiting_sign_off()).aggregate(
        **{band[0]: Count("completed_at", filter=waiting(band, today)) for band in WAITING_BANDS}
    )


NAMES = {  # what a bar of each group counts by, and what names it
    "type": ("form_type", FormType, ("name",)),
    "user": ("responsible_user", User, ("first_name", "last_name", "username")),
}


def named_counts(group, scope=EVERY_TEAM):
    """(id, name, count) for the bars of the chart by form type or by responsible user, in name order: two queries,
    the counts (from the tallies on PostgreSQL, or counted) and then the names of what they count.

    (The names joined into the counts' query cost PostgreSQL more than a second query: it joined the 3,600 tally
    rows of 300 users before adding them up, 1.1 ms against 0.6 + 0.2 ms at 1,000,000 forms.)"""
    key, model, names = NAMES[group]
    if tallied():
        counted = scope.filter(AwaitingByOwner.objects.filter(count__gt=0)).values_list(key).annotate(n=Sum("count"))
    else:
        counted = scope.filter(Form.objects.awaiting_sign_off()).values_list(key).annotate(n=Count("*"))
    counts = dict(counted.order_by())
    found = model._default_manager.filter(pk__in=counts).order_by(*names, "pk").values_list("pk", *names)
    if group == "user":
        return [(pk, display_name(first, last, username), counts[pk]) for pk, first, last, username in found]
    return [(pk, name, counts[pk]) for pk, name in found]


# The name of the bar a list shows, on every view of it: compiled once (caredirector/prepared.py)
BAR_PK = Param("pk", BigIntegerField())
TYPE_NAME = Prepared(lambda: FormType.objects.filter(pk=BAR_PK).values_list("pk", "name"))
USER_NAME = Prepared(lambda: User.objects.filter(pk=BAR_PK).values_list("pk", "first_name", "last_name", "username"))


def bar(selection, today):
    """The kind of the bar named by a selection, and the values its queries take."""
    if "type" in selection:
        return "type", {"type": selection["type"]}
    if "user" in selection:
        return "user", {"user": selection["user"]}
    if "age" in selection:
        first, last = band_days(waiting_band_named(selection["age"]), today)
        until = {"until": _start_of_day(last + datetime.timedelta(days=1))}
        return ("age-open", until) if first is None else ("age", {**until, "since": _start_of_day(first)})
    return "all", {}


def awaiting(kind, scope_kind="all"):
    """The forms awaiting sign-off behind a kind of bar (bar()) in a kind of scope, with a Param for each value they
    take."""
    forms = Scope(scope_kind).filter(Form.objects.awaiting_sign_off(), params=True)
    if kind == "type":
        return forms.filter(form_type_id=Param("type", BigIntegerField()))
    if kind == "user":
        return forms.filter(responsible_user_id=Param("user", BigIntegerField()))
    if kind in ("age", "age-open"):
        forms = forms.filter(completed_at__lt=Param("until", DateTimeField()))
    if kind == "age":
        forms = forms.filter(completed_at__gte=Param("since", DateTimeField()))
    return forms


def awaiting_total(selection, today, scope=EVERY_TEAM):
    """The exact number of forms behind a bar, and whether it is capped: from the tallies (PostgreSQL), or counted up
    to a cap elsewhere.

    Counting the forms themselves walks up to 10,000 index entries per page view (4 ms at 1,000,000 forms); a tally
    sum reads a few dozen rows, and it is exact however many forms wait.
    """
    kind, values = bar(selection, today)
    if not tallied():
        counted = len(_up_to_the_cap(kind, scope.kind).rows(limit=COUNT_CAP + 1, **values, **scope.values))
        return min(counted, COUNT_CAP), counted > COUNT_CAP
    if "age" in selection and scope.kind != "all":
        # no tally by day and team (a tally by day and user had as many rows as the forms it counted): a team's forms
        # of the band counted, exactly, from the partial index of Complete forms by Responsible User, which carries
        # their completion time (a team of fifteen has a few thousand awaiting; 1 ms). The plan PostgreSQL keeps for
        # the statement walks that index too (tests/dashboards/test_explain.py).
        return _counted_total(kind, scope.kind).rows(**values, **scope.values)[0].total, False
    if "age" in selection:
        first, last = band_days(waiting_band_named(selection["age"]), today)
        days = {"last": last} if first is None else {"first": first, "last": last}
        return _day_tally_total(first is None).rows(**days)[0].total, False
    return _tally_total(kind, scope.kind).rows(**values, **scope.values)[0].total, False


# The sign-off list's reads: compiled once for each kind of bar, sort and way of walking (caredirector/prepared.py)
@functools.cache
def _counted_total(kind, scope_kind):
    """The number of the forms behind a bar of waiting time in a team's queue, counted member by member: a count of
    each member's forms, which only the index by Responsible User (and completion time) serves, summed. (Counted
    as one set of forms, the plan PostgreSQL keeps for the statement walked the band's forms of every team.)"""

    def build():
        forms = awaiting(kind, "all").filter(responsible_user_id=OuterRef("pk")).order_by().values("responsible_user")
        each = Coalesce(Subquery(forms.annotate(count=Count("*")).values("count")), 0)
        members = User.objects.filter(pk__in=Scope(scope_kind).users(params=True))
        return one_group(members).annotate(total=Coalesce(Sum(each), 0)).values_list("total")

    return Prepared(build)


@functools.cache
def _day_tally_total(open_ended):
    """The sum of the tallies by day of a band of waiting time: from its first day to its last (both included), or up
    to its last (the open-ended band)."""

    def build():
        first = None if open_ended else Param("first", DateField())
        days = _tally_days(first, Param("last", DateField()))
        return (
            one_group(AwaitingByDay.objects.filter(days)).annotate(total=Coalesce(Sum("count"), 0)).values_list("total")
        )

    return Prepared(build)


@functools.cache
def _tally_total(kind, scope_kind):
    """The sum of the tallies of the forms by type and user behind a bar of a type, of a user, or of all."""

    def build():
        tallies = Scope(scope_kind).filter(AwaitingByOwner.objects.all(), params=True)
        if kind == "type":
            tallies = tallies.filter(form_type_id=Param("type", BigIntegerField()))
        if kind == "user":
            tallies = tallies.filter(responsible_user_id=Param("user", BigIntegerField()))
        return one_group(tallies).annotate(total=Coalesce(Sum("count"), 0)).values_list("total")

    return Prepared(build)


@functools.cache
def _up_to_the_cap(kind, scope_kind):
    return Prepared(lambda: awaiting(kind, scope_kind).order_by().values_list("pk"))


@functools.cache
def _keys(kind, scope_kind, field, later, from_cursor):
    sort = _sort_field(field)
    cursor = (Param("key", sort), Param("key_pk", BigIntegerField())) if from_cursor else None
    return Prepared(lambda: keys_query(awaiting(kind, scope_kind), field, later=later, cursor=cursor))


# with the revision each row was read at, which a bulk sign-off sends back (a form changed since is refused)
SIGN_OFF_ROWS = Prepared(lambda: rows(Form.objects.filter(pk__in=ids_param()), *CASE, *RESPONSIBLE, "revision"))


def _sort_field(path):
    model = Form
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def sign_off_page(selection, today, field, scope=EVERY_TEAM, **paging):
    """A keyset page of the forms behind a bar, sorted by `field`, as list rows with case, client and user.

    The page's ids and sort keys come from the form table (and the sort's) alone, then its rows by id: PostgreSQL
    keeps one plan for each, where it replanned the whole list joined to four tables (2 ms) on every view.
    """
    kind, values = bar(selection, today)
    values |= scope.values

    def keys(later, cursor, limit):
        if cursor is None:
            return [tuple(row) for row in _keys(kind, scope.kind, field, later, False).rows(limit=limit, **values)]
        key, key_pk = cursor
        found = _keys(kind, scope.kind, field, later, True).rows(limit=limit, key=key, key_pk=key_pk, **values)
        return [tuple(row) for row in found]

    sort_kind = datetime.datetime if _sort_field(field).get_internal_type() == "DateTimeField" else str
    page = keyset_page(keys, sort_kind, **paging)
    page.rows = by_ids(SIGN_OFF_ROWS, page.ids)
    return page
