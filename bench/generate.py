"""Build the bench data set at a scale: ``python -m bench.generate --employees 10000``.

Idempotent per scale: data already present at the asked scale is kept. A database holding another
scale is refused unless --reset, because results from mixed scales would mean nothing.
"""

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    # Run as ``python bench/generate.py``: make the checkout importable, as ``python -m`` does.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import env
from bench import scale as scales
from bench.scale import Scale


def _steps():
    # Imported here: the generators import models, which need Django set up first.
    from bench.datagen import org, receivables, sales

    # (Scale field, how many exist, how to build them), in dependency order: each kind is owned by
    # (or refers to) the ones before it. A kind at 0 is not generated.
    return [
        ("employees", org.existing, org.build),
        ("customers", sales.existing_customers, sales.build_customers),
        ("opportunities", sales.existing_opportunities, sales.build_opportunities),
        ("invoices", receivables.existing_invoices, receivables.build_invoices),
    ]


def ensure(scale: Scale) -> float | None:
    """Generate whatever is missing; the seconds it took, or None if everything was there."""
    started = time.perf_counter()
    built = False
    for name, existing, build in _steps():
        wanted, present = getattr(scale, name), existing(scale)
        if present == wanted:
            continue
        if present:
            raise env.BenchSetupError(
                f"the database holds {present} {name}, not {wanted}: "
                "rerun with --reset to rebuild it, or pick another --database-url"
            )
        build(scale)
        built = True
    if built:
        _analyze()
    return time.perf_counter() - started if built else None


def _analyze() -> None:
    """Give PostgreSQL's planner statistics for the new rows. Autovacuum would do it within a minute
    or so; a run started right after generation would otherwise time plans made for empty tables
    (nested loops over 10,000 rows, measured ~180 ms instead of ~10 ms). SQLite is left as the
    app leaves it: nothing runs ANALYZE there."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.splitlines()[0])
    scales.add_arguments(parser)
    env.add_arguments(parser)
    args = parser.parse_args(argv)
    scale = scales.from_args(args)
    url = args.database_url or env.default_database_url(scale)
    try:
        env.start(url, reset=args.reset)
        seconds = ensure(scale)
    except env.BenchSetupError as exc:
        parser.exit(2, f"error: {exc}\n")
    if seconds is None:
        print(f"{url}: already holds {scale.as_dict()}")
    else:
        print(f"{url}: generated {scale.as_dict()} in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
