"""Writing many rows the fastest plain way each database takes them: COPY on PostgreSQL (psycopg's
``cursor.copy``), one ``executemany`` INSERT per chunk on SQLite. Django's ``bulk_create`` builds
and compiles a parameterised statement per thousand instances, which costs more than the database
work itself at import scale; here rows are tuples and the statement is prepared once.

History: simple-history's bulk helpers build one historical instance per row in Python. A
historical row is a copy of the row plus who/when/why, so ``write_history`` copies it inside the
database with one INSERT … SELECT per chunk of ids.

Callers run inside their service's transaction; nothing here commits.
"""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from django.db import connection
from django.db.models import Max, Model

SQLITE_CHUNK = 20_000
ID_CHUNK = 5_000  # stays under SQLite's bound-parameter limit
# SQLite's page cache while bulk-inserting (negative: KiB). The default 2 MB makes every insert into
# a dozen randomly ordered indexes a disk read: a million deals took over ten minutes instead of one.
SQLITE_CACHE_KIB = 1_000_000
# Field types whose Python values both drivers take as they are; the rest go through Django's
# get_db_prep_save (aware datetimes to naive UTC text on SQLite, decimals, JSON…).
PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateField",
        "EmailField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
    }
)


def next_id(model: type[Model]) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def timestamp(value: datetime) -> Any:
    """A timestamp as each database takes it raw: aware on PostgreSQL; naive UTC text on SQLite,
    which is how Django stores it there with USE_TZ."""
    value = value.astimezone(UTC)
    if connection.vendor == "sqlite":
        return value.replace(tzinfo=None).isoformat(" ")
    return value


def insert(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (tuples in the order of ``columns``, raw database values) into the model's
    table; returns how many went in. With an ``id`` column the PostgreSQL sequence is moved past
    the ids given."""
    table = model._meta.db_table
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            statement = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
            with cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            if "id" in columns:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM {table}))",
                    [table],
                )
        else:
            quoted = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" * len(columns))
            statement = f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})'
            raw = cursor.cursor  # the sqlite3 cursor: "?" placeholders, no per-row Django wrapping
            raw.execute("PRAGMA cache_size")
            cache_size = raw.fetchone()[0]
            raw.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
            iterator = iter(rows)
            while chunk := list(islice(iterator, SQLITE_CHUNK)):
                raw.executemany(statement, chunk)
                count += len(chunk)
            raw.execute(f"PRAGMA cache_size = {cache_size}")
    return count


def insert_instances(model: type[Model], objs: Sequence[Model]) -> int:
    """Insert unsaved instances (their ids are left to the database, as ``bulk_create`` would;
    read them back by a natural key). ``auto_now``/``auto_now_add`` and defaults apply."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    prepared = [f.get_internal_type() not in PLAIN_TYPES for f in fields]

    def rows():
        for obj in objs:
            row = []
            for f, prepare in zip(fields, prepared, strict=True):
                value = f.pre_save(obj, add=True)
                row.append(f.get_db_prep_save(value, connection) if prepare else value)
            yield row

    return insert(model, [f.column for f in fields], rows())


def write_history(
    model: type[Model], ids: Iterable[int], *, user_id: int | None, reason: str, when: datetime, kind: str
) -> None:
    """Copy the rows ``ids`` into the model's simple-history table as of now: ``kind`` is
    simple-history's type ("+" created, "~" changed)."""
    historical = model.history.model
    columns = [f.column for f in historical._meta.concrete_fields if not f.name.startswith("history_")]
    quote = connection.ops.quote_name
    listed = ", ".join(quote(c) for c in columns)
    head = (
        f"INSERT INTO {quote(historical._meta.db_table)} ({listed}, history_date, "
        f"history_change_reason, history_type, history_user_id) "
        f"SELECT {listed}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} WHERE id IN "
    )
    stamp = connection.ops.adapt_datetimefield_value(when)
    iterator = iter(sorted(ids))
    with connection.cursor() as cursor:
        while chunk := list(islice(iterator, ID_CHUNK)):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"{head}({marks})", [stamp, reason, kind, user_id, *chunk])
