"""Planning pages: fetch-and-authorize, one service or selector, render.

Route decorators check a rule without an object; the services check it again on the object. A
refused, stale or rule-breaking write is shown next to the form (or in the grid row) that sent it,
with the status the API would answer (403 / 409 / 422).
"""

from salesdesk.planning.views.action_plans import (
    action_item_done,
    action_plan_check,
    action_plan_create,
    action_plan_detail,
    action_plan_list,
    action_plan_submit,
)
from salesdesk.planning.views.adjustments import (
    adjustment_decide,
    adjustment_inbox,
    adjustment_list,
    adjustment_request,
    adjustment_withdraw,
    target_detail,
)
from salesdesk.planning.views.attainment import (
    attainment,
)
from salesdesk.planning.views.distributions import (
    distribution_create,
    distribution_edit,
    distribution_list,
)
from salesdesk.planning.views.grid import (
    grid,
    grid_cell,
    grid_decide,
    grid_split,
)
from salesdesk.planning.views.numbers import (
    my_numbers,
    proposal_decide,
    propose,
)
from salesdesk.planning.views.plans import (
    plan_activate,
    plan_archive,
    plan_create,
    plan_detail,
    plan_export,
    plan_list,
    target_create,
)

__all__ = [
    "action_item_done",
    "action_plan_check",
    "action_plan_create",
    "action_plan_detail",
    "action_plan_list",
    "action_plan_submit",
    "adjustment_decide",
    "adjustment_inbox",
    "adjustment_list",
    "adjustment_request",
    "adjustment_withdraw",
    "attainment",
    "distribution_create",
    "distribution_edit",
    "distribution_list",
    "grid",
    "grid_cell",
    "grid_decide",
    "grid_split",
    "my_numbers",
    "plan_activate",
    "plan_archive",
    "plan_create",
    "plan_detail",
    "plan_export",
    "plan_list",
    "proposal_decide",
    "propose",
    "target_create",
    "target_detail",
]
