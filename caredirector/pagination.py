"""Pagination for pages that learn their total from a query they run anyway, so they do not count again."""

from django.core.paginator import Page, Paginator


class KnownCountPaginator(Paginator):
    """A paginator told its total by an aggregate the page has already run."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


def windowed_page(ids, count, number, per_page, rows_for):
    """Page `number` of a list from one query that reads the page's ids and counts the list (COUNT(*) OVER ()).

    `ids(limit, offset)` returns (id, total) pairs in the list's order, `count()` counts the list, and `rows_for(ids)`
    turns the page's ids into its rows. A number that is not a page gives the first page, and one past the end the
    last, as Paginator.get_page does.
    """
    try:
        number = min(max(1, int(number)), 10**9)  # beyond any real page, within the database's OFFSET
    except (TypeError, ValueError):
        number = 1
    found = ids(per_page, (number - 1) * per_page)
    if not found and number > 1:  # past the end: count, then the last page
        number = max(1, -(-count() // per_page))
        found = ids(per_page, (number - 1) * per_page)
    paginator = KnownCountPaginator([], per_page, count=found[0][1] if found else 0)
    return Page(rows_for([pk for pk, _total in found]) if found else [], number, paginator)
