"""Querysets compiled to SQL once per process, for the few reads the busiest pages make on every view.

Building a queryset and compiling it costs 0.3 to 0.6 ms of Python a query, several times what PostgreSQL takes to
run it, and the busiest pages make four or five: the benchmark's targets are not met without this
(docs/architecture.md gives each use and its gain). A `Prepared` is a values_list() queryset written once, with a
`Param` wherever a value changes from one view to the next; it is compiled by the ORM on first use and then run with
new values, each column read back through the ORM's own converters, so that its rows are what values_list() gives.
"""

import collections
import functools

from django.db import connections
from django.db.models import Expression, Value


def one_group(queryset):
    """The queryset as one group for an aggregate in values(): grouped by a constant, which Django leaves out of
    GROUP BY, so that `.annotate(total=Sum(...)).values_list("total")` is one row (or a scalar subquery) of them all."""
    return queryset.order_by().annotate(one=Value(1)).values("one")


class Param(Expression):
    """A value given when the query runs: `.filter(responsible_user_id=Param("user", IntegerField()))`."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]


class Prepared:
    """A values_list() queryset built by `build()`, compiled once per database and slice, run with new values.

    `rows(**values)` returns its rows as named tuples, as values_list(named=True) would; `rows(limit=, offset=)` a
    slice of them (each slice has its own SQL: Django writes LIMIT and OFFSET into the text).
    """

    def __init__(self, build):
        self.build = build

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one per statement and slice, for the life of the process
    def _compiled(self, using, limit, offset):
        queryset = self.build().using(using)
        if limit is not None:
            queryset = queryset[offset : offset + limit]
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        columns = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
        names = [*queryset.query.values_select, *queryset.query.annotation_select]
        return sql, tuple(params), columns, collections.namedtuple("Row", names)

    def rows(self, *, using="default", limit=None, offset=0, **values):
        if limit == 0:
            return []  # an empty slice: Django compiles no SQL for it
        sql, params, columns, row = self._compiled(using, limit, offset)
        connection = connections[using]
        prepared = [
            param.output_field.get_db_prep_value(values[param.name], connection) if isinstance(param, Param) else param
            for param in params
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, prepared)
            found = cursor.fetchall()
        # Converters belong to the connection that asks: found again on each run (a few microseconds).
        converters = [
            (index, connection.ops.get_db_converters(column) + column.get_db_converters(connection), column)
            for index, column in enumerate(columns)
        ]
        converters = [entry for entry in converters if entry[1]]
        result = []
        for values_ in found:
            values_ = list(values_)
            for index, functions, column in converters:
                for convert in functions:
                    values_[index] = convert(values_[index], column, connection)
            result.append(row(*values_))
        return result
