from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from salesdesk.core import periods
from salesdesk.customers import selectors, services
from salesdesk.customers.models import Customer
from salesdesk.org.models import User
from tests.customers.factories import CustomerFactory, VisitFactory, pooled

TODAY = date(2026, 6, 17)  # a Wednesday in ISO week 2026-W25


def _ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_scope_rep_own_supervisor_team_manager_subtree_director_all_and_the_pool(org):
    mine = CustomerFactory(owner=org.rep)
    team = CustomerFactory(owner=org.teammate)
    e2 = CustomerFactory(owner=org.rep_e2)
    north = CustomerFactory(owner=org.other_rep)
    pool = pooled(org.company)
    expected = {
        org.rep: {mine.pk, pool.pk},
        org.supervisor: {mine.pk, team.pk, pool.pk},
        org.manager: {mine.pk, team.pk, e2.pk, pool.pk},
        org.manager_n: {north.pk, pool.pk},
        org.director: {mine.pk, team.pk, e2.pk, north.pk, pool.pk},
        org.finance: set(),
        org.outsider: set(),
    }
    for user, ids in expected.items():
        assert _ids(selectors.customer_list(user)) == ids, user
    assert _ids(selectors.pool(org.rep)) == {pool.pk}
    assert _ids(selectors.customer_list(org.supervisor, selectors.CustomerFilters(holder="mine"))) == set()


def test_another_companys_customers_are_invisible_even_to_a_director(org):
    from tests.org.factories import CompanyFactory

    stranger = pooled(CompanyFactory())
    assert stranger.pk not in _ids(selectors.customer_list(org.director))


def test_filters_and_search_ignore_width_and_case(org):
    a = CustomerFactory(owner=org.rep, name="ＡＢＣ 科技", tier="key", value_class="A")
    CustomerFactory(owner=org.rep, name="Other", tier="general")
    assert _ids(selectors.customer_list(org.rep, selectors.CustomerFilters(q="abc科技"))) == {a.pk}
    assert _ids(selectors.customer_list(org.rep, selectors.CustomerFilters(tier="key", value_class="A"))) == {
        a.pk
    }


def test_the_list_reads_in_a_constant_number_of_queries(org):
    services.ensure_customer_policies(org.company)

    def count():
        manager = User.objects.get(pk=org.manager.pk)  # a fresh access profile each time
        with CaptureQueriesContext(connection) as ctx:
            for c in selectors.customer_list(manager)[:50]:
                assert c.pool_after_days and c.service_plan
                assert c.owner is None or c.owner.username  # the owner comes with the row
        return len(ctx)

    CustomerFactory(owner=org.rep)
    few = count()
    for _ in range(20):
        CustomerFactory(owner=org.rep_e2)
        pooled(org.company)
    assert count() == few


def test_visits_due_and_pool_warnings(org):
    services.ensure_customer_policies(org.company)
    due = CustomerFactory(owner=org.rep, tier="key")  # monthly visit, pool after 120
    fresh = CustomerFactory(owner=org.rep, tier="key")
    warned = CustomerFactory(owner=org.rep, tier="general")  # pool after 90, warn 7 before
    Customer.objects.filter(pk=due.pk).update(activity_on=TODAY - timedelta(days=35))
    Customer.objects.filter(pk=fresh.pk).update(activity_on=TODAY - timedelta(days=5))
    Customer.objects.filter(pk=warned.pk).update(activity_on=TODAY - timedelta(days=85))
    rows = {c.pk: c for c in selectors.visits_due(org.rep, TODAY)}
    assert set(rows) == {due.pk, warned.pk}
    assert rows[due.pk].visit_interval_days == 30
    assert _ids(selectors.pool_warnings(today=TODAY, user=org.rep)) == {warned.pk}
    assert _ids(selectors.pool_warnings(today=TODAY, user=org.other_rep)) == set()
    assert _ids(selectors.visits_due(org.teammate, TODAY)) == set()


def test_visit_report_per_rep_per_day_and_week_and_scoped(org):
    customer = CustomerFactory(owner=org.rep)
    other = CustomerFactory(owner=org.rep)
    monday = date(2026, 6, 15)
    VisitFactory(customer=customer, planned_on=monday, status="done", done_on=monday, outcome="Quote asked")
    VisitFactory(customer=other, planned_on=monday, status="done", done_on=monday, outcome="Met the buyer")
    VisitFactory(customer=other, planned_on=TODAY, status="cancelled")
    VisitFactory(customer=CustomerFactory(owner=org.teammate), planned_on=TODAY)
    VisitFactory(customer=CustomerFactory(owner=org.other_rep), planned_on=TODAY)
    week = periods.parse("2026-W25")
    by_day = {(str(r.owner), r.start): r for r in selectors.visit_report(org.supervisor, period=week)}
    assert set(by_day) == {("Rep", monday), ("Rep", TODAY), ("Teammate", TODAY)}
    first = by_day[("Rep", monday)]
    assert (first.planned, first.done, first.cancelled, first.customers_touched) == (2, 2, 0, 2)
    assert [o for _n, o in first.outcomes] == ["Quote asked", "Met the buyer"]
    assert by_day[("Rep", TODAY)].cancelled == 1
    by_week = selectors.visit_report(org.rep, period=week, by="week")
    assert [(r.start, r.planned, r.done, r.customers_touched) for r in by_week] == [(monday, 3, 2, 2)]


def test_visit_report_reads_in_a_constant_number_of_queries(org):
    week = periods.period_of(timezone.localdate(), periods.Granularity.WEEK)

    def count():
        manager = User.objects.get(pk=org.manager.pk)
        with CaptureQueriesContext(connection) as ctx:
            selectors.visit_report(manager, period=week)
        return len(ctx)

    VisitFactory(customer=CustomerFactory(owner=org.rep), planned_on=week.start)
    few = count()
    for owner in (org.rep, org.teammate, org.rep_e2, org.supervisor):
        for day in range(7):
            VisitFactory(customer=CustomerFactory(owner=owner), planned_on=week.start + timedelta(days=day),
                         status="done", done_on=week.start + timedelta(days=day), outcome="ok")  # fmt: skip
    assert count() == few


@pytest.mark.parametrize("user_name", ["rep", "teammate"])
def test_visits_are_seen_by_their_author_and_the_customers_owner(org, user_name):
    customer = CustomerFactory(owner=org.rep)
    visit = VisitFactory(customer=customer, owner=org.teammate)
    assert visit.pk in _ids(selectors.visit_list(getattr(org, user_name)))
    assert visit.pk not in _ids(selectors.visit_list(org.rep_e2))
