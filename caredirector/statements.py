"""Querysets compiled to SQL once per process, then run again with new values: for the queries of the busiest pages.

The ORM builds and compiles a queryset afresh on every call. For My Forms' page of 25 forms that was 1.2 ms of Python
for the SQL and 2 ms more to build 100 model instances from its rows, where the database needs a fraction of a
millisecond. A Statement keeps the SQL the ORM compiled, with a `Param` wherever a value changes from one run to the
next, and returns plain rows through the ORM's own converters (aware datetimes, dates, JSON), so what comes back is
exactly what `values_list()` would give. Its text is the same on every run (but for a page's LIMIT and OFFSET), so
PostgreSQL prepares it once per connection.
"""

from django.db import connections
from django.db.models import Expression


class Param(Expression):
    """A value given when the statement runs: `.filter(responsible_user_id=Param("user", IntegerField()))`."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [_Slot(self.name, self.output_field)]

    def __repr__(self):
        return f"Param({self.name!r})"


class _Slot:
    __slots__ = ("name", "field")

    def __init__(self, name, field):
        self.name, self.field = name, field


class _Compiled:
    """The SQL of a queryset, its parameters (_Slots where a Param stands) and the expressions it selects."""

    __slots__ = ("sql", "params", "columns")

    def __init__(self, queryset):
        compiler = queryset.query.get_compiler(queryset.db)
        self.sql, params = compiler.as_sql()
        self.params = tuple(params)
        self.columns = [column[0] for column in compiler.select[: compiler.col_count]]

    def values(self, given, connection):
        values = []
        for param in self.params:
            if isinstance(param, _Slot):
                param = param.field.get_db_prep_value(given[param.name], connection, prepared=False)
            values.append(param)
        return values

    def converted(self, rows, connection):
        """The rows as the ORM reads them: each column through the database's and the field's converters.

        Found afresh on each run (a few microseconds): converters belong to the connection that asks, and one kept
        here would keep that connection alive after its thread had gone.
        """
        converters = []
        for index, column in enumerate(self.columns):
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                converters.append((index, found, column))
        if not converters:
            return [tuple(row) for row in rows]
        converted = []
        for row in rows:
            row = list(row)
            for index, found, column in converters:
                value = row[index]
                for converter in found:
                    value = converter(value, column, connection)
                row[index] = value
            converted.append(tuple(row))
        return converted


class Statement:
    """A values_list() queryset, built by `build()` with Params, compiled on first use for each database.

    `run(limit=..., offset=..., **values)` returns its rows as tuples. Slicing is a run's, not the queryset's, so one
    statement serves every page.
    """

    def __init__(self, build):
        self.build = build
        self._compiled = {}  # by database alias

    def compiled(self, using="default"):
        compiled = self._compiled.get(using)
        if compiled is None:
            queryset = self.build().using(using)
            if queryset.query.low_mark or queryset.query.high_mark is not None:
                raise ValueError("A statement is sliced when it runs, not when it is built.")
            compiled = self._compiled[using] = _Compiled(queryset)
        return compiled

    def run(self, *, limit=None, offset=0, using="default", **given):
        compiled = self.compiled(using)
        connection = connections[using]
        sql, params = compiled.sql, compiled.values(given, connection)
        if limit is not None:
            # Written into the text, not sent as parameters: the plan PostgreSQL keeps for a prepared statement is made
            # without its parameters' values, and with an unknown LIMIT it looks dearer than planning each run afresh
            # (2 ms for a five-table list), so PostgreSQL never kept it. One text per offset: page 1 is the usual one.
            sql = f"{sql} LIMIT {int(limit)}" + (f" OFFSET {int(offset)}" if offset else "")
        elif offset:
            raise ValueError("An offset needs a limit.")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return compiled.converted(rows, connection)


class RowsById:
    """A model's rows with given ids (a page's: at most `size`), in the ids' order, by one statement for every page:
    the ids are padded to `size` with the last of them, so the statement's text never changes."""

    def __init__(self, model, columns, size):
        self.size, self.pk_index = size, columns.index("id")
        pk = model._meta.pk
        self.statement = Statement(
            lambda: (
                model._default_manager.filter(pk__in=[Param(f"id{index}", pk) for index in range(size)])
                .order_by()
                .values_list(*columns)
            )
        )

    def run(self, ids):
        if not ids:
            return []
        padded = [*ids, *[ids[-1]] * (self.size - len(ids))]
        rows = self.statement.run(**{f"id{index}": pk for index, pk in enumerate(padded)})
        by_id = {row[self.pk_index]: row for row in rows}
        return [by_id[pk] for pk in ids if pk in by_id]
