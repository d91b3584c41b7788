"""How much data a benchmark runs against. One field per generated kind of record; each field is
also a command-line flag of bench.generate and bench.run, so a new kind is one line here."""

import argparse
from dataclasses import asdict, dataclass, fields

# The help text of each flag; a Scale field without an entry here fails loudly at start-up.
HELP = {
    "employees": "people in the bench company, all roles together (default: %(default)s)",
    "customers": "customers of the bench company, owned by its reps or in the pool (default: %(default)s)",
    "opportunities": "deals of those customers over three years, open, won and lost (default: %(default)s)",
    "invoices": "invoices of those customers over two years, with ~3 allocations each (default: %(default)s)",
}


@dataclass(frozen=True)
class Scale:
    employees: int = 10_000
    customers: int = 0
    opportunities: int = 0
    invoices: int = 0

    def label(self) -> str:
        """A short name for file names: ``employees10000`` (kinds left at 0 are not named, so the
        file of an org-only scale keeps its name when kinds are added)."""
        return "-".join(f"{name}{value}" for name, value in asdict(self).items() if value)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    for field in fields(Scale):
        parser.add_argument(
            f"--{field.name}", type=int, default=field.default, metavar="N", help=HELP[field.name]
        )


def from_args(args: argparse.Namespace) -> Scale:
    return Scale(**{field.name: getattr(args, field.name) for field in fields(Scale)})
