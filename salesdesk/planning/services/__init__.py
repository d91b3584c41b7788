"""Every change to plans and targets: one transaction each, permission first, audit last.

A plan in *planning* is edited freely (set, split, accept proposals). Once *active*, a number
changes only through an approved adjustment that names its reason and the day it takes effect,
so attainment can always use the target in force at the time.
"""

from salesdesk.planning.services.action_plans import (
    ActionInput,
    check_action_plan,
    create_action_plan,
    mark_action_done,
    submit_action_plan,
)
from salesdesk.planning.services.adjustments import decide_adjustment, request_adjustment, withdraw_adjustment
from salesdesk.planning.services.common import Owner, period_for, target_metric
from salesdesk.planning.services.plans import activate_plan, archive_plan, create_plan, save_distribution
from salesdesk.planning.services.proposals import decide_proposal, propose
from salesdesk.planning.services.targets import (
    Part,
    SplitInto,
    set_target,
    set_target_goal,
    split_parts,
    split_target,
    split_weights,
)

__all__ = [
    "ActionInput",
    "Owner",
    "Part",
    "SplitInto",
    "activate_plan",
    "archive_plan",
    "check_action_plan",
    "create_action_plan",
    "create_plan",
    "decide_adjustment",
    "decide_proposal",
    "mark_action_done",
    "period_for",
    "propose",
    "request_adjustment",
    "save_distribution",
    "set_target",
    "set_target_goal",
    "split_parts",
    "split_target",
    "split_weights",
    "submit_action_plan",
    "target_metric",
    "withdraw_adjustment",
]
