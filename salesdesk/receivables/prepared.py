"""ORM queries compiled once and run many times, for lists read on every page view (the
collections workbench).

Building a queryset with subqueries, CASE and window expressions and compiling it to SQL costs
Django several times what the database then needs to run it: measured on the workbench at
1,000,000 invoices, about 4 ms of Python per list against 0.1–2 ms of SQL, and turning the rows
into model instances came on top. The lists are the same statements every time; only their
values change (who, which day). So a ``PreparedQuery`` builds its queryset with ``Param``
placeholders where the values go, compiles it once per database and shape (e.g. the number of
rungs of a dunning ladder), and then runs the SQL straight through the cursor with the values of
the call, applying the ORM's own converters to the columns (dates and decimals come back as the
ORM gives them on SQLite and PostgreSQL alike) and answering small frozen dataclasses.

The queryset stays the definition of the list, written and reviewed as ORM code; only its
compilation is cached. Queries run through ``connection.cursor()``, so they are logged and
counted like any other.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.db import connections
from django.db.models import (
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    Expression,
    Field,
    IntegerField,
    QuerySet,
    TextField,
)
from django.db.models.expressions import Col


@dataclass(frozen=True)
class _Slot:
    """Where a value goes in the compiled parameters, and how the database wants it."""

    name: str
    field: Field


class Param(Expression):
    """A value given when the prepared query runs: ``.filter(due_on__lt=Param("today", DateField()))``."""

    def __init__(self, name: str, output_field: Field):
        super().__init__(output_field=output_field)
        self.name = name

    def __repr__(self) -> str:
        return f"Param({self.name!r})"

    def as_sql(self, compiler, connection):
        return "%s", [_Slot(self.name, self.output_field)]

    @property
    def convert_value(self):
        # Selected as given: the caller passes the Python value it wants back.
        return self._convert_value_noop

    def get_group_by_cols(self):
        return []


def _to_places(places: int) -> Callable:
    """A converter giving a computed decimal (``amount − allocated``) its field's places, as a
    column reads: SQLite computes in floating point and Django rounds only plain columns there."""
    quantum = Decimal(1).scaleb(-places)

    def convert(value, expression, connection):
        return None if value is None else value.quantize(quantum)

    return convert


def _plain_type(field: Field) -> type | None:
    """The Python type a value of ``field`` has once converted, for the fields whose converters do
    nothing to a value already of that type (dates SQLite parsed from a date column, text,
    integers): such a cell is left alone. Decimals and datetimes are always converted."""
    if isinstance(field, DateTimeField):
        return None
    if isinstance(field, DateField):
        return date
    if isinstance(field, CharField | TextField):
        return str
    if isinstance(field, IntegerField):
        return int
    return None


@dataclass(frozen=True)
class _Compiled:
    alias: str
    sql: str
    params: tuple
    # (position, converters, expression, plain type) of the columns that may need converting
    converters: tuple
    order: tuple[int, ...]  # the select position of each of the row class's fields


class PreparedQuery:
    """``build(*shape)`` returns a ``values_list()`` queryset whose columns are ``row``'s fields
    (names and order), with ``Param`` where values go, or a list of such querysets to run as one
    ``UNION ALL`` statement (each branch may be ordered and sliced); ``rows(shape, **values)``
    runs it."""

    def __init__(self, row: type, build: Callable[..., QuerySet]):
        self.row = row
        self.columns = tuple(f.name for f in fields(row))
        self.build = build
        self._compiled: dict[Hashable, _Compiled] = {}

    def _compile(self, shape: tuple) -> _Compiled:
        built = self.build(*shape)
        branches = list(built) if isinstance(built, list | tuple) else [built]
        queryset = branches[0]
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        if len(branches) > 1:
            # Each branch keeps its own ORDER BY and LIMIT inside a derived table, which both
            # SQLite and PostgreSQL allow in a compound statement.
            quote = connections[queryset.db].ops.quote_name
            parts, params = [], list(params)
            parts.append(f"SELECT * FROM ({sql}) {quote('branch0')}")
            for index, branch in enumerate(branches[1:], start=1):
                branch_sql, branch_params = branch.query.get_compiler(using=queryset.db).as_sql()
                parts.append(f"SELECT * FROM ({branch_sql}) {quote(f'branch{index}')}")
                params.extend(branch_params)
            sql = " UNION ALL ".join(parts)
        selected = compiler.select[: compiler.col_count]
        aliases = [alias for _expression, _sql, alias in selected]
        if sorted(aliases) != sorted(self.columns):
            raise ValueError(f"{self.row.__name__}: the query selects {aliases}, not {list(self.columns)}")
        expressions = [expression for expression, _sql, _alias in selected]
        converters = {
            pos: (list(convs), expr) for pos, (convs, expr) in compiler.get_converters(expressions).items()
        }
        for pos, expression in enumerate(expressions):
            if isinstance(expression.output_field, DecimalField) and not isinstance(expression, Col):
                places = expression.output_field.decimal_places
                converters.setdefault(pos, ([], expression))[0].append(_to_places(places))
        return _Compiled(
            alias=queryset.db,
            sql=sql,
            params=tuple(params),
            converters=tuple(
                (pos, tuple(convs), expr, _plain_type(expr.output_field))
                for pos, (convs, expr) in sorted(converters.items())
            ),
            order=tuple(aliases.index(name) for name in self.columns),
        )

    def rows(self, shape: tuple = (), **values: Any) -> list:
        """The rows as ``row`` instances."""
        make = self.row
        return [make(*values_row) for values_row in self.tuples(shape, **values)]

    def tuples(self, shape: tuple = (), **values: Any) -> list:
        """The rows as tuples in the order of ``row``'s fields, for callers that build their own
        objects from them (one object per row, not two)."""
        compiled = self._compiled.get(shape)
        if compiled is None:  # two threads may both compile the first time: the same result
            compiled = self._compiled[shape] = self._compile(shape)
        connection = connections[compiled.alias]
        params = [
            p.field.get_db_prep_value(values[p.name], connection) if isinstance(p, _Slot) else p
            for p in compiled.params
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        if compiled.converters:
            fetched = [self._convert(raw, compiled.converters, connection) for raw in fetched]
        if compiled.order == tuple(range(len(compiled.order))):
            return fetched
        if len(compiled.order) == 1:
            return [(raw[compiled.order[0]],) for raw in fetched]
        pick = itemgetter(*compiled.order)
        return [pick(raw) for raw in fetched]

    @staticmethod
    def _convert(raw: tuple, converters: tuple, connection) -> tuple:
        row = None
        for position, functions, expression, plain in converters:
            value = raw[position]
            if plain is not None and type(value) is plain:
                continue
            for convert in functions:
                value = convert(value, expression, connection)
            if row is None:
                row = list(raw)
            row[position] = value
        return raw if row is None else tuple(row)
