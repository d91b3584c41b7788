"""The permission matrix of budgets and expenses: role × record × verb → outcome, over real HTTP
with each persona's token where a route exists.

Visibility: budgets — everyone sees their unit's and those above it (the ones that pay for their
expenses), a manager also the units below, the director, admins and finance all. Expenses — the
spender's data scope (rep own, supervisor team, manager subtree, director and admin all) and
finance all. Setting budgets: director and admin any unit, a manager the units below their own.
Expenses are changed by their spender only; approval goes up the spender's reporting line;
finance pays. Out of scope answers 404, a forbidden verb 403."""

import pytest

from salesdesk.budgets import services
from salesdesk.core import access
from tests.budgets import factories as f
from tests.conftest import build_personas
from tests.http import ApiClient

COVERED_RULES = [
    "budgets.view_budgets",
    "budgets.configure_expenses",
    "budgets.set_budget",
    "budgets.view_expenses",
    "budgets.file_expense",
    "budgets.work_expense",
    "budgets.approve_expense",
    "budgets.pay_expense",
    "budgets.view_cost_analysis",
]
ACTORS = [
    "rep",
    "teammate",
    "supervisor",
    "supervisor_e2",
    "rep_e2",
    "manager",
    "manager_n",
    "other_rep",
    "director",
    "admin",
    "finance",
    "outsider",
]
SPENDERS = ["rep", "rep_e2", "other_rep"]
EXPENSES_SEEN = {
    "rep": {"rep"},
    "teammate": set(),
    "supervisor": {"rep"},
    "supervisor_e2": {"rep_e2"},
    "rep_e2": {"rep_e2"},
    "manager": {"rep", "rep_e2"},
    "manager_n": {"other_rep"},
    "other_rep": {"other_rep"},
    "director": set(SPENDERS),
    "admin": set(SPENDERS),
    "finance": set(SPENDERS),
}
UNITS = ["e1", "e2", "east", "n1"]
BUDGETS_SEEN = {
    "rep": {"e1", "east"},
    "teammate": {"e1", "east"},
    "supervisor": {"e1", "east"},
    "supervisor_e2": {"e2", "east"},
    "rep_e2": {"e2", "east"},
    "manager": {"e1", "e2", "east"},
    "manager_n": {"n1"},
    "other_rep": {"n1"},
    "director": set(UNITS),
    "admin": set(UNITS),
    "finance": set(UNITS),
}

# Rules without an object: who may at all.
GLOBAL = {
    "budgets.view_budgets": {"rep": True, "finance": True, "admin": True, "outsider": False},
    "budgets.view_expenses": {"rep": True, "finance": True, "director": True, "outsider": False},
    "budgets.configure_expenses": {
        "director": True,
        "admin": True,
        "manager": False,
        "finance": False,
        "rep": False,
        "outsider": False,
    },
    "budgets.set_budget": {
        "director": True,
        "admin": True,
        "manager": True,
        "supervisor": False,
        "rep": False,
        "finance": False,
        "outsider": False,
    },
    "budgets.file_expense": {
        "rep": True,
        "supervisor": True,
        "manager": True,
        "director": True,
        "admin": False,
        "finance": False,
        "outsider": False,
    },
    "budgets.approve_expense": {
        "supervisor": True,
        "manager": True,
        "director": True,
        "finance": True,
        "rep": False,
        "admin": False,
        "outsider": False,
    },
    "budgets.pay_expense": {
        "finance": True,
        "director": False,
        "admin": False,
        "rep": False,
        "outsider": False,
    },
    "budgets.view_cost_analysis": {
        "supervisor": True,
        "manager": True,
        "director": True,
        "admin": True,
        "finance": True,
        "rep": False,
        "outsider": False,
    },
}
# On the E1 budget (the rep's team) and the East budget (the manager's own unit).
SET_BUDGET = {
    "e1": {
        "director": True,
        "admin": True,
        "manager": True,
        "manager_n": False,
        "supervisor": False,
        "rep": False,
    },
    "east": {"director": True, "admin": True, "manager": False, "manager_n": False, "finance": False},
    "n1": {"director": True, "manager": False, "manager_n": True, "supervisor_n": False},
}
# On the rep's submitted ¥300 expense (one supervisor step) and the rep's approved expense.
ON_REPS_EXPENSE = {
    "budgets.work_expense": {
        "rep": True,
        "teammate": False,
        "supervisor": False,
        "manager": False,
        "director": False,
        "finance": False,
    },
    "budgets.approve_expense": {
        "rep": False,
        "teammate": False,
        "supervisor": True,
        "supervisor_e2": False,
        "manager": True,
        "manager_n": False,
        "director": True,
        "admin": False,
        "finance": False,
        "other_rep": False,
    },
}
ON_APPROVED_EXPENSE = {
    "budgets.pay_expense": {"finance": True, "director": False, "supervisor": False, "rep": False},
    "budgets.approve_expense": {"supervisor": False, "manager": False, "director": False},
}


@pytest.fixture
def world(transactional_db, live_server):
    org = build_personas()
    travel = f.category(org.company)
    budgets = {name: f.budget(getattr(org.units, name), travel, by=org.director) for name in UNITS}
    expenses = {name: f.expense(getattr(org, name), travel, "300.00", submit=True) for name in SPENDERS}
    approved = f.approve(f.expense(org.rep, travel, "200.00", submit=True), org.supervisor)
    return org, travel, budgets, expenses, approved


def test_lists_and_details_show_exactly_the_permitted_records(world, live_server):
    org, _travel, budgets, expenses, _approved = world
    failures = []
    for actor in ACTORS:
        api = ApiClient.for_user(live_server, getattr(org, actor))
        if actor == "outsider":
            for path in ("/budgets", "/budgets/expenses", f"/budgets/{budgets['e1'].pk}"):
                if api.get(path).status_code != 403:
                    failures.append(f"outsider opens {path}")
            continue
        got = {item["id"] for item in api.all_items("/budgets")}
        want = {budgets[name].pk for name in BUDGETS_SEEN[actor]}
        if got != want:
            failures.append(f"{actor} lists budgets {sorted(got)}, want {sorted(want)}")
        for name, budget in budgets.items():
            status = api.get(f"/budgets/{budget.pk}").status_code
            if status != (200 if name in BUDGETS_SEEN[actor] else 404):
                failures.append(f"{actor} opens the {name} budget: {status}")
        got = {item["id"] for item in api.all_items("/budgets/expenses") if item["number"] != world[4].number}
        want = {expenses[name].pk for name in EXPENSES_SEEN[actor]}
        if got != want:
            failures.append(f"{actor} lists expenses {sorted(got)}, want {sorted(want)}")
        for name, expense in expenses.items():
            status = api.get(f"/budgets/expenses/{expense.pk}").status_code
            if status != (200 if name in EXPENSES_SEEN[actor] else 404):
                failures.append(f"{actor} opens {name}'s expense: {status}")
    assert not failures, "\n".join(failures)


def test_who_may_do_what(world):
    org, _travel, budgets, expenses, approved = world
    failures = []
    for rule, expectations in GLOBAL.items():
        for actor, allowed in expectations.items():
            if access.can(getattr(org, actor), rule) != allowed:
                failures.append(f"{actor} {rule}: want {allowed}")
    for unit, expectations in SET_BUDGET.items():
        for actor, allowed in expectations.items():
            if access.can(getattr(org, actor), "budgets.set_budget", budgets[unit]) != allowed:
                failures.append(f"{actor} sets the {unit} budget: want {allowed}")
    for record, table in ((expenses["rep"], ON_REPS_EXPENSE), (approved, ON_APPROVED_EXPENSE)):
        for rule, expectations in table.items():
            for actor, allowed in expectations.items():
                if access.can(getattr(org, actor), rule, record) != allowed:
                    failures.append(f"{actor} {rule} on {record.status}: want {allowed}")
    assert not failures, "\n".join(failures)


# verb → (method, path, body) on the rep's submitted expense
VERBS = {
    "edit": ("PATCH", "/budgets/expenses/{id}", {"version": 2, "amount": "1"}),
    "withdraw": ("POST", "/budgets/expenses/{id}/withdraw", {"version": 2}),
    "approve": ("POST", "/budgets/expenses/{id}/approve", {"version": 2, "comment": ""}),
    "reject": ("POST", "/budgets/expenses/{id}/reject", {"version": 2, "comment": "no"}),
    "pay": ("POST", "/budgets/expenses/{id}/pay", {"version": 2, "paid_on": "2026-11-20"}),
}
# verb → {actor: status} (200 the verb works; 403 forbidden; 404 the record is not there for them;
# 422 the expense is not in a state for it).
VERB_OUTCOMES = {
    "edit": {"other_rep": 404, "teammate": 404, "supervisor": 403, "finance": 403, "rep": 422},
    "withdraw": {"other_rep": 404, "supervisor": 403, "rep": 200},
    "approve": {"other_rep": 403, "manager_n": 404, "supervisor_e2": 404, "rep": 403, "supervisor": 200},
    "reject": {"other_rep": 403, "manager_n": 404, "teammate": 403, "supervisor": 200},
    "pay": {"other_rep": 403, "supervisor": 403, "finance": 422},
}


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_every_verb_over_http(world, live_server, verb):
    org, _travel, _budgets, expenses, _approved = world
    method, path, body = VERBS[verb]
    failures = []
    for actor, want in sorted(VERB_OUTCOMES[verb].items(), key=lambda item: item[1] == 200):
        api = ApiClient.for_user(live_server, getattr(org, actor))
        response = api.request(method, path.format(id=expenses["rep"].pk), json=body)
        if response.status_code != want:
            failures.append(f"{actor} {verb}: {response.status_code}, want {want}: {response.text[:200]}")
    assert not failures, "\n".join(failures)


def test_budget_and_settings_verbs_over_http(world, live_server):
    org, _travel, budgets, _expenses, _approved = world
    line = budgets["e1"].lines.order_by("month").first()
    outcomes = [
        (
            ("PATCH", f"/budgets/lines/{line.pk}", {"version": 1, "amount": "5"}),
            {
                "other_rep": 403,
                "manager_n": 404,
                "supervisor": 403,
                "manager": 200,
            },
        ),
        (
            ("PATCH", f"/budgets/{budgets['east'].pk}", {"version": 1, "note": "x"}),
            {
                "manager": 403,
                "manager_n": 404,
                "director": 200,
            },
        ),
        (
            ("POST", "/budgets/categories", {"code": "X", "name": "X"}),
            {
                "manager": 403,
                "rep": 403,
                "admin": 201,
            },
        ),
        (("GET", "/budgets/cost-analysis/weekly", None), {"rep": 403, "other_rep": 403, "supervisor": 200}),
        (("GET", "/budgets/approvals", None), {"rep": 403, "supervisor": 200, "finance": 200}),
    ]
    failures = []
    for (method, path, body), expected in outcomes:
        for actor, want in expected.items():
            api = ApiClient.for_user(live_server, getattr(org, actor))
            status = api.request(method, path, json=body).status_code
            if status != want:
                failures.append(f"{actor} {method} {path}: {status}, want {want}")
    assert not failures, "\n".join(failures)


def test_attachments_follow_the_expense(world, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org, _travel, _budgets, expenses, _approved = world
    from django.core.files.uploadedfile import SimpleUploadedFile

    attachment = services.add_attachment(
        acting_user=org.rep, expense=expenses["rep"], upload=SimpleUploadedFile("r.pdf", b"receipt")
    )
    for actor, want in {
        "rep": 200,
        "supervisor": 200,
        "finance": 200,
        "teammate": 404,
        "other_rep": 404,
    }.items():
        status = ApiClient.for_user(live_server, getattr(org, actor)).get(
            f"/budgets/attachments/{attachment.pk}"
        )
        assert status.status_code == want, actor
