# ruff: noqa: E501  (test tables and SQL read better unwrapped)
"""collections_workbench: one rep's collections workbench at 1,000,000 invoices.

Scenario: ``salesdesk.receivables.workbench.workbench(user=bench_rep, today=ANCHOR)`` — the
rep's overdue invoices (oldest first, with the latest contact attempt's next action and outcome
and the highest dunning rung reached, first 100), promises to pay due, instalment reminders due,
what the ladder escalates tomorrow (one query over all the rungs: a CASE over the due date gives
the rung, ROW_NUMBER per rung keeps 100 of each), and the notices that escalated a colleague's
open invoice to the rep. Every list answers small frozen dataclasses read with values_list().

Baseline: the same lists by hand-written SQL through a cursor (``OVERDUE_SQL``, ``PROMISES_SQL``,
one ``ESCALATION_SQL`` per rung, ``ESCALATED_SQL``), tuples, no scope computation (the rep's own
invoices by owner id). Compared by the overdue list's invoice ids before timing.
"""

from datetime import timedelta

from django.db import connection

from bench.datagen import org as org_data
from bench.datagen.receivables import ANCHOR
from bench.env import BenchSetupError
from bench.harness import Case, Scenario, register
from bench.scale import Scale
from salesdesk.org.models import User
from salesdesk.receivables import dunning
from salesdesk.receivables import workbench as workbench_selectors

OVERDUE_SQL = """
SELECT i.id, i.number, c.name, i.due_on, i.amount - i.allocated,
       (SELECT a.next_action_on FROM receivables_contactattempt a WHERE a.invoice_id = i.id
        ORDER BY a.at DESC, a.id DESC LIMIT 1),
       (SELECT a.outcome FROM receivables_contactattempt a WHERE a.invoice_id = i.id
        ORDER BY a.at DESC, a.id DESC LIMIT 1),
       (SELECT MAX(s.days_overdue) FROM receivables_dunningnotice n
        JOIN receivables_dunningstep s ON s.id = n.step_id WHERE n.invoice_id = i.id)
FROM receivables_invoice i JOIN customers_customer c ON c.id = i.customer_id
WHERE i.owner_id = %s AND i.company_id = %s AND i.status = 'open' AND i.allocated < i.amount
  AND i.due_on < %s
ORDER BY i.due_on, i.id LIMIT 100
"""
PROMISES_SQL = """
SELECT a.id, a.promised_on, a.promised_amount, i.number FROM receivables_contactattempt a
JOIN receivables_invoice i ON i.id = a.invoice_id
WHERE i.owner_id = %s AND i.status = 'open' AND i.allocated < i.amount AND a.outcome = 'promised'
  AND a.promised_on <= %s AND a.promised_on >= %s
ORDER BY a.promised_on, a.id LIMIT 100
"""
ESCALATION_SQL = """
SELECT i.id, i.number, c.name FROM receivables_invoice i JOIN customers_customer c ON c.id = i.customer_id
WHERE i.owner_id = %s AND i.company_id = %s AND i.status = 'open' AND i.allocated < i.amount
  AND i.due_on <= %s AND i.due_on > %s
  AND NOT EXISTS (SELECT 1 FROM receivables_dunningnotice n WHERE n.invoice_id = i.id AND n.step_id = %s)
LIMIT 100
"""
ESCALATED_SQL = """
SELECT n.id, i.id, i.number, c.name, u.full_name, i.amount - i.allocated, i.due_on, n.days_overdue,
       n.level, s.name, n.run_on
FROM receivables_dunningnotice n JOIN receivables_invoice i ON i.id = n.invoice_id
JOIN customers_customer c ON c.id = i.customer_id JOIN org_user u ON u.id = i.owner_id
JOIN receivables_dunningstep s ON s.id = n.step_id
WHERE n.notified_id = %s AND i.status = 'open' AND i.allocated < i.amount AND i.owner_id <> %s
ORDER BY n.run_on DESC, n.id DESC LIMIT 100
"""


def prepare(scale: Scale) -> Case:
    if not scale.invoices:
        raise BenchSetupError("collections_workbench needs invoices: pass --customers N --invoices N")
    user = User.objects.get(username=org_data.REP)
    company_id = user.employee.company_id
    steps = dunning.ensure_steps(company_id)
    tomorrow = ANCHOR + timedelta(days=1)

    def scenario(_size):
        return workbench_selectors.workbench(user=user, today=ANCHOR)

    def baseline(_size):
        with connection.cursor() as cursor:
            cursor.execute(OVERDUE_SQL, [user.pk, company_id, ANCHOR])
            overdue = cursor.fetchall()
            cursor.execute(PROMISES_SQL, [user.pk, ANCHOR, ANCHOR - timedelta(days=14)])
            promises = cursor.fetchall()
            tomorrow_rows = []
            for step, following in zip(steps, [*steps[1:], None], strict=True):
                upper = tomorrow - timedelta(days=step.days_overdue)
                lower = tomorrow - timedelta(days=following.days_overdue) if following else None
                if lower is None:
                    cursor.execute(
                        ESCALATION_SQL.replace("AND i.due_on > %s", ""), [user.pk, company_id, upper, step.pk]
                    )
                else:
                    cursor.execute(ESCALATION_SQL, [user.pk, company_id, upper, lower, step.pk])
                tomorrow_rows.extend(cursor.fetchall())
            cursor.execute(ESCALATED_SQL, [user.pk, user.pk])
            escalated = cursor.fetchall()
        return {"overdue": overdue, "promises": promises, "tomorrow": tomorrow_rows, "escalated": escalated}

    def ids(answer) -> list[int]:
        if isinstance(answer, dict):
            return [row[0] for row in answer["overdue"]]
        return [invoice.pk for invoice in answer.overdue]

    return Case(
        scenario=scenario,
        baseline=baseline,
        ids=ids,
        request=f"workbench(user={org_data.REP}, today={ANCHOR})",
        page_size=100,
        full_page=False,
        query_page_sizes=(100,),
        memory_limit_mb=300,
        notes=(
            "scenario: receivables.workbench.workbench(): overdue list (100, with latest contact and "
            "top dunning rung as subqueries), promises due, instalment reminders due (contract plan "
            "vs money applied), tomorrow's escalations (one query: CASE rung, ROW_NUMBER per rung), "
            "notices escalated to the user; frozen dataclass rows from values_list(). "
            "baseline: the overdue, promise, escalation and escalated-to-me lists by raw SQL on the "
            "owner id, tuples only; it leaves out the instalment reminders (the bench data has no "
            "collection plans), reading the ladder's steps (done once before timing) and the "
            "user's access profile."
        ),
    )


SCENARIO = register(
    Scenario(
        name="collections_workbench",
        description="One rep's collections workbench (overdue, promises, instalments, tomorrow's escalations).",
        prepare=prepare,
        # Goal: at most 2 × the hand-written SQL's time, and peak memory ≤ 300 MB.
        min_ratio=0.5,
        repeat=15,
        warmup=2,
    )
)
