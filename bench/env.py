"""Where a benchmark runs: pick the database, create it if needed, start Django, migrate.

Benchmarks never read the ambient DATABASE_URL: a forgotten export must not send 10,000 generated
people into a development or production database. They take ``--database-url`` or use their own
SQLite file under bench/var/, and refuse a database whose name does not contain "bench".
"""

import os
from pathlib import Path

import dj_database_url

from bench.scale import Scale

BENCH_DIR = Path(__file__).resolve().parent
VAR_DIR = BENCH_DIR / "var"
RESULTS_DIR = BENCH_DIR / "results"

VENDORS = {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgresql"}


class BenchSetupError(Exception):
    """A reason not to run, printed to the person who started the benchmark."""


def default_database_url(scale: Scale) -> str:
    # One file per scale, so runs at different scales do not regenerate each other's data.
    return f"sqlite:///{VAR_DIR / f'bench-{scale.label()}.sqlite3'}"


def vendor_of(url: str) -> str:
    engine = dj_database_url.parse(url)["ENGINE"]
    if engine not in VENDORS:
        raise BenchSetupError(f"unsupported database {engine}; use sqlite:/// or postgres://")
    return VENDORS[engine]


def _database_name(url: str) -> str:
    return dj_database_url.parse(url)["NAME"]


def check_is_bench_database(url: str) -> None:
    name = Path(_database_name(url)).name
    if "bench" not in name:
        raise BenchSetupError(
            f"database {name!r} does not look like a benchmark database: its name must contain 'bench'"
        )


def setup_django(url: str) -> None:
    """Point the settings at ``url`` and start Django. Does not connect to the database yet."""
    check_is_bench_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "salesdesk.settings"
    # Keeps the generated SECRET_KEY (and anything else the settings write) out of the app's var/.
    os.environ.setdefault("SALESDESK_DATA_DIR", str(VAR_DIR))
    # WhiteNoise warns on every start when STATIC_ROOT (under the data dir) does not exist.
    (Path(os.environ["SALESDESK_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)
    import django
    from django.conf import settings

    django.setup()
    # The app's URLs plus the scenarios' baseline views (see bench/urls.py), in this process only.
    settings.ROOT_URLCONF = "bench.urls"


def prepare_database(url: str, *, reset: bool) -> None:
    """Create the database if it is missing; with ``reset``, drop it first."""
    if vendor_of(url) == "sqlite":
        _prepare_sqlite(Path(_database_name(url)), reset=reset)
    else:
        _prepare_postgresql(url, reset=reset)


def _prepare_sqlite(path: Path, *, reset: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if reset:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _prepare_postgresql(url: str, *, reset: bool) -> None:
    import psycopg
    from psycopg import sql

    params = dj_database_url.parse(url)
    # CREATE / DROP DATABASE cannot run inside the database itself: connect to the maintenance db.
    with psycopg.connect(
        dbname="postgres",
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        autocommit=True,
    ) as conn:
        name = params["NAME"]
        if reset:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def add_arguments(parser) -> None:
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="sqlite:///path or postgres://user@host:port/name (its name must contain 'bench'; "
        "a PostgreSQL database is created if missing); default: bench/var/bench-<scale>.sqlite3",
    )
    parser.add_argument(
        "--reset", action="store_true", help="drop the bench database first and build it anew"
    )


def start(url: str, *, reset: bool) -> None:
    """Everything before generating data: settings, the database itself, its tables."""
    setup_django(url)
    prepare_database(url, reset=reset)
    migrate()
