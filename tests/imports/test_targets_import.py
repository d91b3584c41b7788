"""Targets through the importer: every bad row reported, all or nothing, re-import changes
nothing new, and nobody sets a number outside their reach."""

from decimal import Decimal

import pytest

from salesdesk.imports import selectors
from salesdesk.planning.models import Target
from tests.imports.conftest import run
from tests.planning import factories

HEADER = "metric,unit_code,employee_no,period,floor,goal,stretch\n"


@pytest.fixture
def plan(org):
    return factories.plan(org.director, org.company)


def _errors(job):
    return [(e["row"], e["column"], e["reason"]) for e in selectors.report_lines(job, severity="error")]


def test_a_file_of_targets_is_imported_and_re_importing_it_duplicates_nothing(org, plan):
    content = HEADER + "won_amount,EAST,,2026,500000,600000,700000\nwon_amount,,rep,2026-03,,50000,\n"
    job = run(org.director, "targets", content)
    assert (job.status, job.created_count) == ("succeeded", 2), _errors(job)
    east = Target.objects.get(owner_unit=org.units.east)
    assert (east.floor, east.goal, east.stretch) == (Decimal(500000), Decimal(600000), Decimal(700000))
    rep_march = Target.objects.get(owner_user=org.rep)
    assert (rep_march.floor, rep_march.stretch, rep_march.period_start.month) == (50000, 50000, 3)
    again = run(org.director, "targets", content.replace("600000", "650000"))
    assert (again.created_count, again.updated_count) == (0, 2)
    assert Target.objects.count() == 2
    east.refresh_from_db()
    assert (east.goal, east.version) == (Decimal(650000), 2)
    assert east.history.count() == 2


def test_every_bad_row_is_reported_and_nothing_is_written(org, plan):
    content = HEADER + (
        "won_amount,EAST,,2026,0,100,200\n"
        "won_amount,EAST,,2027,0,100,200\n"  # no plan for 2027
        "happiness,EAST,,2026,0,100,200\n"  # not a target metric
        "won_amount,EAST,rep,2026,0,100,200\n"  # two owners
        "won_amount,NOPE,,2026,0,100,200\n"  # unknown unit
        "won_amount,EAST,,2025-01,0,100,200\n"  # outside the plan's year
        "won_amount,NORTH,,2026,300,100,200\n"  # floor above goal
        "new_customers,NORTH,,2026,1,2.5,3\n"  # counts are whole
    )
    job = run(org.director, "targets", content)
    assert job.status == "failed" and Target.objects.count() == 0
    assert [(row, column) for row, column, _reason in _errors(job)] == [
        (3, "period"),
        (4, "metric"),
        (5, "unit_code"),
        (6, "unit_code"),
        (7, "period"),
        (8, "goal"),
        (9, "goal"),
    ]


def test_a_manager_imports_only_numbers_below_them(org, plan):
    content = HEADER + "won_amount,E1,,2026,0,100,100\nwon_amount,EAST,,2026,0,100,100\n"
    content += "won_amount,N1,,2026,0,100,100\n"
    job = run(org.manager, "targets", content, partial=True)
    assert job.created_count == 1
    assert _errors(job) == [
        (3, "unit_code", "you may not set this owner's target"),
        (4, "unit_code", "you may not set this owner's target"),
    ]
