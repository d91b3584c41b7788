"""Plans and targets for planning tests, made through the services the planner uses."""

from decimal import Decimal

from salesdesk.planning import services
from salesdesk.planning.rules import Levels


def levels(goal, floor=None, stretch=None) -> Levels:
    goal = Decimal(goal)
    return Levels(
        Decimal(floor if floor is not None else goal), goal, Decimal(stretch if stretch is not None else goal)
    )


def plan(director, company, *, year: int = 2026, name: str = "Plan"):
    return services.create_plan(acting_user=director, company=company, fiscal_year=year, name=name)


def company_target(
    director, plan, root, *, goal="1200000", metric: str = "won_amount", period: str | None = None
):
    return services.set_target(
        acting_user=director,
        plan=plan,
        metric=metric,
        owner=services.Owner(unit=root),
        period_key=period or str(plan.fiscal_year),
        levels=levels(goal, Decimal(goal) * Decimal("0.8"), Decimal(goal) * Decimal("1.2")),
    )
