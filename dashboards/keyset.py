"""Keyset pagination: each page starts after (or ends before) a row's sort key, so page 1,000 costs what page 1 does.

Django's Paginator counts every row and walks an OFFSET to reach a page; on the 100,000 forms a large council has
awaiting sign-off that is slow for deep pages. Here a page is 'the next N rows after this key', served by an index.
"""

import base64
import datetime
import json
from dataclasses import dataclass

from django.db.models import Q

from caredirector.statements import Param, RowsById, Statement

COUNT_CAP = 10_000


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None
    total: int
    total_capped: bool

    @property
    def has_other_pages(self):
        return bool(self.next_cursor or self.previous_cursor)


def _encode(value, pk):
    if isinstance(value, datetime.datetime):
        value = {"dt": value.isoformat()}
    raw = json.dumps([value, pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw)
        if isinstance(value, dict):
            value = datetime.datetime.fromisoformat(value["dt"])
        if not isinstance(pk, int) or not -(2**63) <= pk < 2**63 or not isinstance(value, (str, datetime.datetime)):
            raise ValueError(cursor)  # an id no column can hold would be an error in the database, not a page
        return value, pk
    except (ValueError, TypeError, KeyError, json.JSONDecodeError):
        return None


def _value(row, field):
    for part in field.split("__"):
        row = getattr(row, part)
    return row


def capped_count(queryset):
    """The number of rows up to COUNT_CAP, and whether there are more."""
    counted = queryset.order_by()[: COUNT_CAP + 1].count()
    return min(counted, COUNT_CAP), counted > COUNT_CAP


def _ordering(field, later):
    return [field, "pk"] if later else [f"-{field}", "-pk"]


def _after_cursor(field, later, value, pk):
    """Rows after (later: beyond) the cursor's (value, pk) in the walk's direction.

    The first, redundant condition is the one an index can start from: without it PostgreSQL walks the index from the
    beginning and filters out every earlier row (page 1,000 of 100,000 forms: 136 ms instead of 1).
    """
    if later:
        return Q(**{f"{field}__gte": value}) & (Q(**{f"{field}__gt": value}) | Q(**{field: value, "pk__gt": pk}))
    return Q(**{f"{field}__lte": value}) & (Q(**{f"{field}__lt": value}) | Q(**{field: value, "pk__lt": pk}))


def paginate(fetch, key, descending, after, before, size, fits=None):
    """The rows, next cursor and previous cursor of a keyset page.

    `fetch(later, cursor, limit)` returns up to `limit` rows in the walk's order: ascending keys when `later`, from
    just beyond `cursor` (a (value, pk) pair, or None for an end of the list); `key(row)` is a row's (value, pk).
    A cursor that `fits` refuses is ignored, as one that cannot be read is: the page starts at the list's end.
    """
    forward = before is None
    cursor = _decode(after) if forward and after else (_decode(before) if before else None)
    if cursor is not None and fits is not None and not fits(cursor):
        cursor = None
    later = (not descending) == forward  # walking towards larger keys?
    rows = fetch(later, cursor, size + 1)
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    first, last = (rows[0], rows[-1]) if rows else (None, None)
    if forward:
        next_cursor = _encode(*key(last)) if more and last else None
        previous_cursor = _encode(*key(first)) if cursor is not None and first else None
    else:
        previous_cursor = _encode(*key(first)) if more and first else None
        next_cursor = _encode(*key(last)) if last else None
    return rows, next_cursor, previous_cursor


class CompiledKeyset:
    """Keyset pages of a list whose queries are compiled once (caredirector.statements), for the busiest lists.

    `build()` gives the list's queryset (of `model`) with Params for what changes between views. A page is read in two
    statements: the ids and sort keys of its rows, from the list's own table (and the sort's); then those rows'
    `columns` (which must include "id"), by id. PostgreSQL plans the first in a tenth of a millisecond, and keeps one
    plan for the second, where the whole list joined to its four other tables took 2 ms to plan on every view (its
    kept plan, made without the cursor's values, never looked cheaper than a new one). A statement is compiled for
    each shape of page (which way it walks, from a cursor or from an end) on first use; `page(values, ...)` returns
    a KeysetPage of `row_factory(columns, rows)`.
    """

    def __init__(self, model, build, field, columns, row_factory):
        self.model, self.build, self.field, self.columns, self.row_factory = model, build, field, columns, row_factory
        self.key_field, self.pk_field = field_at(model, field), model._meta.pk
        self._statements = {}  # the (id, sort key) statements, by (later, from a cursor)
        self._rows_by_size = {}

    def _statement(self, shape, build):
        statement = self._statements.get(shape)
        if statement is None:
            statement = self._statements[shape] = Statement(build)
        return statement

    def _keys(self, later, from_cursor):
        """The statement of a page's (id, sort key) pairs."""

        def build():
            query = self.build()
            if from_cursor:
                query = query.filter(
                    _after_cursor(self.field, later, Param("key", self.key_field), Param("key_pk", self.pk_field))
                )
            return query.order_by(*_ordering(self.field, later)).values_list("id", self.field)

        return self._statement((later, from_cursor), build)

    def _rows(self, ids, size):
        """The rows with these ids, in their order: one statement for any page of this size."""
        rows = self._rows_by_size.get(size)
        if rows is None:
            rows = self._rows_by_size[size] = RowsById(self.model, self.columns, size)
        return rows.run(ids)

    def _fits(self, cursor):
        """Whether a cursor's value is of the sort field's kind (a cursor is the user's to change)."""
        expected = datetime.datetime if self.key_field.get_internal_type() == "DateTimeField" else str
        return isinstance(cursor[0], expected)

    def page(self, values, *, descending=False, after=None, before=None, size=25, total, capped=False):
        def fetch(later, cursor, limit):
            if cursor is None:
                return self._keys(later, False).run(limit=limit, **values)
            key, key_pk = cursor
            return self._keys(later, True).run(limit=limit, key=key, key_pk=key_pk, **values)

        keys, next_cursor, previous_cursor = paginate(
            fetch, lambda row: (row[1], row[0]), descending, after, before, size, self._fits
        )
        rows = self._rows([pk for pk, _key in keys], size)
        return KeysetPage(self.row_factory(self.columns, rows), next_cursor, previous_cursor, total, capped)


def field_at(model, path):
    """The model field at the end of a lookup path ("case__person__family_name")."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def cursor_for(row, field):
    """The cursor that starts a page just after this row (used by the benchmark to reach deep pages)."""
    return _encode(_value(row, field), row.pk)
