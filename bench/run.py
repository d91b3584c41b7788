"""Time a scenario against its hand-written baseline: ``python -m bench.run employee_list_api``.

Sets up the bench database (generating data at the asked scale if it is missing), measures, and
writes bench/results/<scenario>-<sqlite|postgresql>.json.
"""

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    # Run as ``python bench/run.py``: make the checkout importable, as ``python -m`` does.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import env, generate, harness
from bench import scale as scales


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("scenario", help="the scenario's name, e.g. employee_list_api")
    parser.add_argument(
        "--repeat", type=int, metavar="R", help="timed repetitions (default: the scenario's, mostly 30)"
    )
    parser.add_argument(
        "--warmup", type=int, metavar="W", help="untimed first calls (default: the scenario's, mostly 5)"
    )
    parser.add_argument("--output", type=Path, help="where to write the JSON (default: bench/results/)")
    scales.add_arguments(parser)
    env.add_arguments(parser)
    args = parser.parse_args(argv)
    if (args.repeat is not None and args.repeat < 1) or (args.warmup is not None and args.warmup < 0):
        parser.error("--repeat must be at least 1 and --warmup at least 0")
    scale = scales.from_args(args)
    url = args.database_url or env.default_database_url(scale)
    try:
        env.setup_django(url)
        from bench import scenarios  # noqa: F401  (registers the scenarios; they import models)

        scenario = harness.get(args.scenario)
        env.prepare_database(url, reset=args.reset)
        env.migrate()
        generation_seconds = generate.ensure(scale)
        if generation_seconds is not None:
            print(f"generated {scale.as_dict()} in {generation_seconds:.1f} s")
        report = harness.measure(scenario, scale, repeat=args.repeat, warmup=args.warmup)
    except env.BenchSetupError as exc:
        parser.exit(2, f"error: {exc}\n")
    report["generation_seconds"] = None if generation_seconds is None else round(generation_seconds, 1)
    output = args.output or env.RESULTS_DIR / f"{scenario.name}-{report['database']}.json"
    harness.write_report(report, output)
    print(harness.summary(report))
    print(f"written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
