"""What every benchmark shares: the scenario registry, timing, query counting and the JSON report.

A scenario module builds a ``Case`` — the real code path and a hand-written baseline that return
the same rows — and registers a ``Scenario`` under its name. ``measure()`` checks both answer the
same, counts the scenario's queries at two page sizes, times both interleaved, and returns the
report that bench.run writes to bench/results/.
"""

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.env import BenchSetupError
from bench.scale import Scale

# The page sizes whose query counts are compared: a list must cost the same number of queries
# whatever its page size, or it has an N+1 somewhere.
QUERY_PAGE_SIZES = (10, 50)

# A call takes a page size and answers with an HttpResponse (or anything ``Case.ids`` can read).
Call = Callable[[int], Any]


@dataclass(frozen=True)
class Case:
    """A scenario ready to run against the generated data."""

    scenario: Call
    baseline: Call
    # Reads the compared rows (their ids) from an answer of either call.
    ids: Callable[[Any], list[int]]
    # The request in words, e.g. "GET /api/v1/org/employees?status=active&page_size=50&page=2".
    request: str
    page_size: int = 50
    # Other ways of doing the same work, timed alongside for information only (not in the ratio).
    extras: dict[str, Call] = field(default_factory=dict)
    # How the baseline is called and what it leaves out, so a reader can judge the ratio.
    notes: str = ""
    # A list answers a full page; an aggregate or an import answers whatever it answers.
    full_page: bool = True
    # The page sizes whose query counts are recorded (one size for calls that take none).
    query_page_sizes: tuple[int, ...] = QUERY_PAGE_SIZES
    # Run untimed after every call, e.g. to delete what an import wrote so the next one starts alike.
    after_each: Callable[[], None] | None = None
    # A memory goal: the peak Python heap of one scenario call (tracemalloc) stays under this.
    memory_limit_mb: float | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    prepare: Callable[[Scale], Case]
    # The goal: the scenario's throughput is at least this share of the baseline's (a goal put as
    # "at most 1.2 × the baseline's time" is min_ratio 1 / 1.2).
    min_ratio: float = 0.8
    # Repetitions when the command line does not say: slow calls (an import of 100,000 rows) take fewer.
    repeat: int = 30
    warmup: int = 5


_REGISTRY: dict[str, Scenario] = {}


def register(scenario: Scenario) -> Scenario:
    if scenario.name in _REGISTRY:
        raise ValueError(f"benchmark scenario {scenario.name!r} is registered twice")
    _REGISTRY[scenario.name] = scenario
    return scenario


def names() -> list[str]:
    return sorted(_REGISTRY)


def get(name: str) -> Scenario:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise BenchSetupError(f"no scenario {name!r}; known: {', '.join(names())}") from None


def _check_status(response: Any) -> Any:
    status = getattr(response, "status_code", 200)
    if status != 200:
        body = getattr(response, "content", b"")[:300]
        raise AssertionError(f"expected 200, got {status}: {body!r}")
    return response


def _call(case: Case, call: Call, page_size: int) -> Any:
    response = _check_status(call(page_size))
    if case.after_each is not None:
        case.after_each()
    return response


def check_same_rows(case: Case) -> list:
    """Both calls must return the same full page of rows, or the timing compares different work."""
    scenario_ids = case.ids(_call(case, case.scenario, case.page_size))
    baseline_ids = case.ids(_call(case, case.baseline, case.page_size))
    if scenario_ids != baseline_ids:
        raise AssertionError(f"scenario and baseline disagree:\n  {scenario_ids}\n  {baseline_ids}")
    if case.full_page and len(scenario_ids) != case.page_size:
        raise AssertionError(f"expected a full page of {case.page_size} rows, got {len(scenario_ids)}")
    return scenario_ids


def captured_queries(case: Case, call: Call, page_size: int) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        _check_status(call(page_size))
    if case.after_each is not None:
        case.after_each()
    return [query["sql"] for query in captured.captured_queries]


@dataclass
class Samples:
    wall: list[float] = field(default_factory=list)
    # CPU seconds of this process only: on SQLite that is all the work, on PostgreSQL it leaves
    # out the server's. Less disturbed than wall time when other programs load the machine.
    cpu: list[float] = field(default_factory=list)


def time_calls(
    calls: dict[str, Call], page_size: int, *, repeat: int, warmup: int, after_each: Callable | None = None
) -> dict[str, Samples]:
    """Seconds per call. The calls take turns within each repetition, so whatever drifts during the
    run (caches, CPU clock, a background vacuum, other programs) affects all of them alike."""

    def tidy() -> None:
        if after_each is not None:
            after_each()

    for _ in range(warmup):
        for call in calls.values():
            _check_status(call(page_size))
            tidy()
    samples = {name: Samples() for name in calls}
    for _ in range(repeat):
        for name, call in calls.items():
            wall, cpu = time.perf_counter(), time.process_time()
            response = call(page_size)
            samples[name].cpu.append(time.process_time() - cpu)
            samples[name].wall.append(time.perf_counter() - wall)
            _check_status(response)
            tidy()
    return samples


def peak_memory(case: Case) -> dict[str, Any]:
    """Peak memory of one scenario call: the Python heap high-water mark (tracemalloc, everything
    the call allocates: rows, decimals, the driver's buffers) and the process's peak resident set
    so far (ru_maxrss, includes Django, the data generator if it ran, and SQLite's page cache)."""
    import resource
    import tracemalloc

    tracemalloc.start()
    try:
        _check_status(case.scenario(case.page_size))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    if case.after_each is not None:
        case.after_each()
    peak_mb = peak / 2**20
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    limit = case.memory_limit_mb
    return {
        "scenario_peak_python_mb": round(peak_mb, 1),
        "process_peak_rss_mb": round(rss_mb, 1),
        "limit_mb": limit,
        # Both: the call's own allocations and the whole process (generate the data in a separate
        # run: the generator's 1 GB SQLite insert cache would otherwise count here).
        "met": limit is None or (peak_mb <= limit and rss_mb <= limit),
    }


def _timing(samples: Samples) -> dict[str, float]:
    median = statistics.median(samples.wall)
    return {
        "median_seconds": round(median, 6),
        "min_seconds": round(min(samples.wall), 6),
        "max_seconds": round(max(samples.wall), 6),
        # One client calling in a loop: requests per second at the median.
        "throughput_rps": round(1 / median, 1),
        "cpu_median_seconds": round(statistics.median(samples.cpu), 6),
    }


def measure(
    scenario: Scenario, scale: Scale, *, repeat: int | None = None, warmup: int | None = None
) -> dict[str, Any]:
    repeat = scenario.repeat if repeat is None else repeat
    warmup = scenario.warmup if warmup is None else warmup
    case = scenario.prepare(scale)
    ids = check_same_rows(case)
    sizes = case.query_page_sizes
    scenario_queries = {size: captured_queries(case, case.scenario, size) for size in sizes}
    baseline_queries = {size: captured_queries(case, case.baseline, size) for size in sizes}
    calls = {"scenario": case.scenario, "baseline": case.baseline, **case.extras}
    samples = time_calls(calls, case.page_size, repeat=repeat, warmup=warmup, after_each=case.after_each)
    timings = {name: _timing(s) for name, s in samples.items()}
    memory = peak_memory(case) if case.memory_limit_mb is not None else None

    # Throughput is 1 / median, so the throughput ratio is the inverse ratio of the medians.
    ratio = timings["baseline"]["median_seconds"] / timings["scenario"]["median_seconds"]
    counts = {f"page_size_{size}": len(queries) for size, queries in scenario_queries.items()}
    flat = len(set(counts.values())) == 1
    return {
        "scenario": scenario.name,
        "description": scenario.description,
        "request": case.request,
        "database": connection.vendor,
        "database_version": _database_version(),
        "scale": scale.as_dict(),
        "repetitions": {"warmup": warmup, "timed": repeat},
        "rows_compared": len(ids),
        "median_seconds": {name: t["median_seconds"] for name, t in timings.items()},
        "throughput_rps": {name: t["throughput_rps"] for name, t in timings.items()},
        "ratio": round(ratio, 3),
        # The same comparison as time: scenario median / baseline median (1.2: 20 % slower).
        "time_ratio": round(1 / ratio, 3),
        "query_count": counts,
        "baseline_query_count": {
            f"page_size_{size}": len(queries) for size, queries in baseline_queries.items()
        },
        "goal": {
            "min_ratio": scenario.min_ratio,
            "ratio_met": ratio >= scenario.min_ratio,
            "query_count_independent_of_page_size": flat,
            "met": ratio >= scenario.min_ratio and flat and (memory is None or memory["met"]),
        },
        **({"memory": memory} if memory is not None else {}),
        "timings": timings,
        "queries": {
            "scenario": scenario_queries[case.page_size if case.page_size in sizes else sizes[-1]],
            "baseline": baseline_queries[case.page_size if case.page_size in sizes else sizes[-1]],
        },
        "notes": case.notes,
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
    }


def _database_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        return cursor.fetchone()[0]


def machine_info() -> dict[str, Any]:
    import django
    import ninja
    import pydantic

    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "django_ninja": ninja.__version__,
        "pydantic": pydantic.VERSION,
        "cpu_count": os.cpu_count(),
        # Other work on the machine skews timings; a high load here means "rerun when it is quiet".
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpu_model": _cpu_model(),
        "platform": platform.platform(),
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            return next(
                (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), ""
            )
    except OSError:
        return platform.processor()


def write_report(report: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


def summary(report: dict[str, Any]) -> str:
    median, rps, counts = report["median_seconds"], report["throughput_rps"], report["query_count"]
    lines = [
        f"{report['scenario']} on {report['database']} at {report['scale']}:",
        *(f"  {name:<22} median {median[name] * 1000:8.2f} ms  {rps[name]:8.1f} req/s" for name in median),
        f"  ratio {report['ratio']:.3f} (goal >= {report['goal']['min_ratio']}),"
        f" queries {', '.join(f'{k}={v}' for k, v in counts.items())},"
        f" goal {'met' if report['goal']['met'] else 'NOT met'}",
    ]
    if "memory" in report:
        memory = report["memory"]
        lines.append(
            f"  peak memory {memory['scenario_peak_python_mb']} MB (Python heap of one call, limit "
            f"{memory['limit_mb']} MB), process peak RSS {memory['process_peak_rss_mb']} MB"
        )
    return "\n".join(lines)
