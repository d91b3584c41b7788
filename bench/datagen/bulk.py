"""The fastest plain way each database takes many rows: COPY on PostgreSQL (psycopg's
``cursor.copy``), one ``executemany`` INSERT per chunk on SQLite. Rows carry their own ids, so the
generator knows them without reading anything back; the PostgreSQL sequence is moved past them.

Model instances, validation and history rows are skipped on purpose: this is how a million rows go
in within a minute, and none of the benchmarks reads history.
"""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from django.db import connection
from django.db.models import Max, Model

SQLITE_CHUNK = 20_000
# SQLite's page cache while bulk-inserting (negative: KiB). The default 2 MB makes every insert into
# a dozen randomly ordered indexes a disk read: a million deals took over ten minutes instead of one.
SQLITE_CACHE_KIB = 1_000_000


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
    """Insert ``rows`` (tuples in the order of ``columns``, the id first if given) into the model's
    table; returns how many went in."""
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
