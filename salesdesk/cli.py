"""The ``salesdesk`` command: the demo, the server, the worker and administration."""

import argparse
import os
import sys

DEMO_ADDRESS = "127.0.0.1:8000"


def _django(settings_overrides: dict[str, str] | None = None) -> None:
    for key, value in (settings_overrides or {}).items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesdesk.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def _serve(address: str, workers: int) -> None:
    from gunicorn.app.wsgiapp import run

    sys.argv = [
        "gunicorn",
        "salesdesk.wsgi:application",
        "--bind",
        address,
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--timeout",
        "120",
    ]
    run()


def cmd_demo(args: argparse.Namespace) -> None:
    _django({"DEBUG": "true"})
    from django.conf import settings
    from django.utils import translation

    from salesdesk import demo
    from salesdesk.org.demo import DEMO_PASSWORD

    if args.reset:
        _manage("flush", "--no-input", "-v", "0")
    _manage("migrate", "--no-input", "-v", "0")
    _manage("collectstatic", "--no-input", "-v", "0")
    with translation.override("zh-hans"):
        logins = demo.build_demo(args.seed)
    print(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
    for login in logins:
        print(f"  {login.username:<12} {login.role:<10} {login.full_name} · {login.unit}")
    if args.no_serve:
        return
    print(
        f"\nSalesDesk demo: http://{args.address}/   (data in {settings.DATA_DIR}; Ctrl+C stops)\n",
        flush=True,
    )
    _serve(args.address, args.workers)


def cmd_serve(args: argparse.Namespace) -> None:
    _django()
    _manage("migrate", "--no-input", "-v", "0")
    _manage("collectstatic", "--no-input", "-v", "0")
    _serve(args.address, args.workers)


def cmd_worker(args: argparse.Namespace) -> None:
    _django()
    from django.conf import settings

    if settings.REDIS_URL:
        _manage("rqworker", "default")
    else:
        _manage("db_worker")


def cmd_createadmin(args: argparse.Namespace) -> None:
    _django()
    _manage("createadmin", "--username", args.username, *(["--email", args.email] if args.email else []))


def _command(name: str, rest: list[str]) -> None:
    """Run a management command with its own argument parser (so `--help` shows its options)."""
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["salesdesk", name, *rest])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="salesdesk", description="SalesDesk: the system a sales department runs on."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="migrate, build the demo company and serve it (DEBUG on)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed: the same seed gives the same data")
    demo.add_argument("--reset", action="store_true", help="delete the demo company first and build it again")
    demo.add_argument(
        "--address", default=DEMO_ADDRESS, help=f"host:port to serve on (default {DEMO_ADDRESS})"
    )
    demo.add_argument("--workers", type=int, default=2)
    demo.add_argument("--no-serve", action="store_true", help="build the data and stop")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser(
        "serve", help="migrate and serve with gunicorn (production settings from the environment)"
    )
    serve.add_argument("--address", default="127.0.0.1:8000")
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser(
        "worker", help="run background jobs (RQ when REDIS_URL is set, else the database queue)"
    )
    worker.set_defaults(func=cmd_worker)

    admin = sub.add_parser("createadmin", help="create a system administrator (asks for the password)")
    admin.add_argument("--username", required=True)
    admin.add_argument("--email", default="")
    admin.set_defaults(func=cmd_createadmin)

    metrics = sub.add_parser(
        "metrics", help="compute a metric: salesdesk metrics --metric NAME --by employee --period 2026"
    )
    metrics.add_argument("options", nargs="*", help="see: salesdesk metrics --help")

    targets = sub.add_parser(
        "targets",
        help="targets: salesdesk targets attainment --period 2026-11 [--by employee|unit] --format json",
    )
    targets.add_argument("options", nargs="*", help="see: salesdesk targets attainment --help")

    importer = sub.add_parser(
        "import", help="import a CSV/XLSX file: salesdesk import KIND FILE [--mapping F] [--dry-run]"
    )
    importer.add_argument("options", nargs="*", help="see: salesdesk import --help")

    manage = sub.add_parser("manage", help="any Django management command, e.g. 'salesdesk manage migrate'")
    manage.add_argument("options", nargs="*", help="the command and its options")
    return parser


# Subcommands whose options belong to a management command: everything after the name is passed on.
PASS_THROUGH = {"metrics": "metrics", "targets": "targets", "import": "import_data", "manage": None}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in PASS_THROUGH:
        name, rest = PASS_THROUGH[argv[0]], argv[1:]
        if name is None:  # salesdesk manage COMMAND [options]
            name, rest = (rest[0], rest[1:]) if rest else ("help", [])
        _command(name, rest)
        return
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
