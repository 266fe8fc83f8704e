"""Keyset pagination: each page starts after (or ends before) a row's sort key, so page 1,000 costs what page 1 does.

Django's Paginator counts every row and walks an OFFSET to reach a page; on the 100,000 forms a large council has
awaiting sign-off that is slow for deep pages. Here a page is 'the next N rows after this key', served by an index.
"""

import base64
import datetime
import json
from dataclasses import dataclass, field

from django.db.models import Q


@dataclass
class KeysetPage:
    ids: list  # the page's row ids, in order
    next_cursor: str | None
    previous_cursor: str | None
    rows: list = field(default_factory=list)

    @property
    def has_other_pages(self):
        return bool(self.next_cursor or self.previous_cursor)


def encode(value, pk):
    """The cursor of a row: its sort key and id."""
    if isinstance(value, datetime.datetime):
        value = {"dt": value.isoformat()}
    raw = json.dumps([value, pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor):
    """(sort key, id) of a cursor, or None for one that cannot be read (a cursor is the user's to change)."""
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


def _after(field, later, value, pk):
    """Rows after (later: beyond) the cursor's (value, pk) in the walk's direction.

    The first, redundant condition is the one an index can start from: without it PostgreSQL walks the index from the
    beginning and filters out every earlier row (page 1,000 of 100,000 forms: 136 ms instead of 1).
    """
    if later:
        return Q(**{f"{field}__gte": value}) & (Q(**{f"{field}__gt": value}) | Q(**{field: value, "pk__gt": pk}))
    return Q(**{f"{field}__lte": value}) & (Q(**{f"{field}__lt": value}) | Q(**{field: value, "pk__lt": pk}))


def keys_query(queryset, field, *, later, cursor):
    """The (id, sort key) pairs of `queryset` from just beyond `cursor` ((key, id), or None for an end of the list),
    towards larger keys when `later`."""
    if cursor is not None:
        queryset = queryset.filter(_after(field, later, *cursor))
    order = [field, "pk"] if later else [f"-{field}", "-pk"]
    return queryset.order_by(*order).values_list("pk", field)


def keyset_page(keys, kind, *, descending=False, after=None, before=None, size=25):
    """The ids and cursors of a page of a list sorted by a key then id, after or before a cursor.

    `keys(later, cursor, limit)` gives up to `limit` (id, key) pairs from just beyond `cursor` ((key, id), or None for
    an end of the list), towards larger keys when `later` (keys_query). A cursor that cannot be read, or whose key is
    not of the sort's `kind` (a datetime, or text), is ignored: the page starts at the list's end.
    """
    forward = before is None
    cursor = decode(after) if forward and after else (decode(before) if before else None)
    if cursor is not None and not isinstance(cursor[0], kind):
        cursor = None
    later = (not descending) == forward  # walking towards larger keys?
    found = keys(later, cursor, size + 1)
    more = len(found) > size
    found = found[:size]
    if not forward:
        found.reverse()
    first, last = (found[0], found[-1]) if found else (None, None)
    if forward:
        next_cursor = encode(last[1], last[0]) if more and last else None
        previous_cursor = encode(first[1], first[0]) if cursor is not None and first else None
    else:
        previous_cursor = encode(first[1], first[0]) if more and first else None
        next_cursor = encode(last[1], last[0]) if last else None
    return KeysetPage([pk for pk, _key in found], next_cursor, previous_cursor)
