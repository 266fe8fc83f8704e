"""The queries of the busiest dashboard pages, compiled once (caredirector.statements) and read as plain rows."""

import datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, DateField, DateTimeField, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from caredirector.statements import Param, Statement
from dashboards.keyset import CompiledKeyset
from forms_engine.models import (
    CASE_COLUMNS,
    RECENTLY_CLOSED_DAYS,
    ROW_COLUMNS,
    USER_COLUMNS,
    Form,
    FormRow,
    MyFormsFilter,
    MyFormsTally,
    waiting_band_named,
    waiting_bounds,
)

MY_FORMS_COLUMNS = (*ROW_COLUMNS, *CASE_COLUMNS, "cld_quality__fields")


def _my_forms(chosen=None):
    """A user's forms; under one My Forms filter when `chosen` is given."""
    forms = Form.objects.filter(responsible_user_id=Param("user", IntegerField()))
    if chosen is not None:
        forms = forms.filter(_my_forms_filters()[chosen])
    return forms


def _my_forms_filters():
    return Form.objects.my_forms_filters(closed_since=Param("closed_since", DateField()))


def _my_forms_page(chosen):
    return Statement(lambda: _my_forms(chosen).order_by("-created_at", "-id").values_list(*MY_FORMS_COLUMNS))


_MY_FORMS_PAGES = {key: _my_forms_page(key) for key in MyFormsFilter.values}
_MY_FORMS_COUNTS = Statement(
    lambda: (
        _my_forms()
        .values("responsible_user_id")  # one group: the user's
        .annotate(**{key: Count("pk", filter=condition) for key, condition in _my_forms_filters().items()})
        .order_by()
        .values_list(*MyFormsFilter.values)
    )
)


def closed_since(today):
    """The first closing date that counts as "Closed recently" on My Forms."""
    return today - datetime.timedelta(days=RECENTLY_CLOSED_DAYS)


def _tallied_counts():
    """A user's forms in each state, from the tallies (PostgreSQL), and their recently closed forms, counted."""
    tallies = MyFormsTally.objects.filter(responsible_user_id=OuterRef("pk"))
    recently_closed = (
        Form.objects.filter(
            responsible_user_id=OuterRef("pk"),
            status__is=Form.Status.CLOSED,  # form_closed_by_user_idx, in a prepared statement's kept plan too
            closed_on__gte=Param("closed_since", DateField()),
        )
        .order_by()
        .values("responsible_user_id")
        .annotate(count=Count("*"))
        .values("count")
    )
    buckets = {
        bucket: Coalesce(Subquery(tallies.filter(bucket=bucket).values("count")), 0)
        for bucket in MyFormsTally.Bucket.values
    }
    return (
        get_user_model()
        .objects.filter(pk=Param("user", IntegerField()))
        .order_by()
        .annotate(**{f"tally_{bucket}": count for bucket, count in buckets.items()})
        .annotate(closed_recently=Coalesce(Subquery(recently_closed), 0))
        .values_list(*(f"tally_{bucket}" for bucket in MyFormsTally.Bucket.values), "closed_recently")
    )


_MY_FORMS_TALLIED_COUNTS = Statement(_tallied_counts)


def my_forms_counts(user, today):
    """The number of the user's forms under every My Forms filter, in one query.

    On PostgreSQL the tallies give all but "Closed recently", which an index of closed forms by user and date counts;
    elsewhere the forms themselves are counted.
    """
    values = {"user": user.pk, "closed_since": closed_since(today)}
    if connection.vendor != "postgresql":
        rows = _MY_FORMS_COUNTS.run(**values)
        return dict(zip(MyFormsFilter.values, rows[0] if rows else [0] * len(MyFormsFilter.values), strict=True))
    (in_progress, returned, complete, closed, closed_recently) = _MY_FORMS_TALLIED_COUNTS.run(**values)[0]
    counts = (in_progress + returned + complete + closed, in_progress, returned, complete, closed_recently)
    return dict(zip(MyFormsFilter.values, counts, strict=True))  # all, in progress, returned, awaiting, closed lately


class MyFormsPage:
    """The user's forms under one filter, newest first, as FormRows; sliced by a paginator, one query per slice."""

    def __init__(self, user, today, chosen):
        self.values = {"user": user.pk, "closed_since": closed_since(today)}
        self.statement = _MY_FORMS_PAGES[chosen]

    def __getitem__(self, page):
        if not isinstance(page, slice) or page.step is not None:
            raise TypeError("My Forms are read a page (a slice) at a time.")
        start = page.start or 0
        rows = self.statement.run(limit=page.stop - start, offset=start, **self.values)
        return FormRow.many(MY_FORMS_COLUMNS, rows)


SIGN_OFF_COLUMNS = (*ROW_COLUMNS, *CASE_COLUMNS, *USER_COLUMNS)


def _awaiting(kind):
    """The forms awaiting sign-off behind one kind of bar: all, a type's, a user's, or a waiting band's."""
    awaiting = Form.objects.awaiting_sign_off()
    if kind == "type":
        return awaiting.filter(form_type_id=Param("type", IntegerField()))
    if kind == "user":
        return awaiting.filter(responsible_user_id=Param("user", IntegerField()))
    if kind in ("age", "age-open"):
        awaiting = awaiting.filter(completed_at__lt=Param("until", DateTimeField()))
        if kind == "age":
            awaiting = awaiting.filter(completed_at__gte=Param("since", DateTimeField()))
    return awaiting


_SIGN_OFF_PAGES = {}


def sign_off_page(selection, today, field, **paging):
    """A keyset page (dashboards.keyset) of the forms behind a bar of Forms to Sign-Off, sorted by `field`."""
    kind, values = "all", {}
    if "type" in selection:
        kind, values = "type", {"type": selection["type"]}
    elif "user" in selection:
        kind, values = "user", {"user": selection["user"]}
    elif "age" in selection:
        since, until = waiting_bounds(waiting_band_named(selection["age"]), today)
        kind, values = ("age-open", {"until": until}) if since is None else ("age", {"since": since, "until": until})
    keyset = _SIGN_OFF_PAGES.get((kind, field))
    if keyset is None:
        keyset = _SIGN_OFF_PAGES[(kind, field)] = CompiledKeyset(
            Form, lambda: _awaiting(kind), field, SIGN_OFF_COLUMNS, FormRow.many
        )
    return keyset.page(values, **paging)
