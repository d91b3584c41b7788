"""The planning grid: a node's parts by owner and month, typed cell by cell, split, reconciled."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core import access
from salesdesk.core.access import permission
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.planning import forms, selectors, services
from salesdesk.planning.models import (
    PlanStatus,
    Proposal,
    SplitMethod,
    Target,
)
from salesdesk.planning.services import Owner, SplitInto
from salesdesk.planning.views.common import (
    SERVICE_ERRORS,
    error_message,
    error_status,
    owner_label,
    show_error,
    target_in_scope,
)


def _split_intos(node: Target, grid) -> list[tuple[str, list[str]]]:
    """What the node can split into, each with the keys of its parts (for the weight inputs)."""
    intos = []
    if node.owner_unit_id and grid.rows:
        intos.append((SplitInto.UNITS, [row.owner_key for row in grid.rows]))
    for into in (SplitInto.QUARTERS, SplitInto.MONTHS):
        try:
            intos.append((into, [part.key for part in services.split_parts(node, into)]))
        except BusinessRuleViolation:
            continue  # a quarter has no quarters, a month no months
    return intos


def _editable_keys(node: Target, grid) -> set[str]:
    """The rows whose numbers the user may type (a plan in planning only)."""
    if node.plan.status != PlanStatus.PLANNING:
        return set()
    return {row.owner_key for row in [grid.node_row, *grid.rows] if row.can_set}


def _split_form(request, node: Target, intos, data=None) -> forms.SplitForm:
    return forms.SplitForm(
        data,
        initial={"version": node.version, "into": intos[0][0] if intos else None},
        intos=[into for into, _keys in intos],
        part_keys=sorted({key for _into, keys in intos for key in keys}),
        distributions=selectors.visible_distributions(request.user),
    )


def _grid_context(request, node: Target, grid=None, **extra) -> dict:
    grid = grid or selectors.grid(request.user, node)
    intos = _split_intos(node, grid)
    editable = _editable_keys(node, grid)
    can_split = bool(intos) and node.plan.status == PlanStatus.PLANNING and grid.can_split
    context = {
        "node": node,
        "plan": node.plan,
        "grid": grid,
        "editable_keys": editable,
        "can_split": can_split,
        "can_decide": node.plan.status == PlanStatus.PLANNING
        and access.can(request.user, "planning.decide_proposal"),
        "intos": intos,
        "split_form": _split_form(request, node, intos) if can_split else None,
        "error_key": None,
        "error": None,
    }
    return context | extra


@permission("planning.view_plans")
def grid(request, pk: int):
    node = target_in_scope(request, pk)
    return render(request, "planning/grid.html", _grid_context(request, node))


@require_POST
@permission("planning.set_target")
def grid_cell(request, pk: int):
    """One cell typed in the grid: save it, answer with its row and the footer."""
    node = target_in_scope(request, pk)
    form = forms.GridCellForm(request.POST)
    before = selectors.grid(request.user, node)
    rows = {row.owner_key: row for row in [before.node_row, *before.rows]}
    row = rows.get(request.POST.get("owner", ""))
    if row is None:
        raise Http404("not a row of this grid")
    error, status = None, 200
    if not form.is_valid():
        error, status = _("Type a number of at least zero."), 422
    else:
        data = form.cleaned_data
        if data["period"] not in {node.period_key, *(cell.period.key for cell in row.cells)}:
            raise Http404("not a period of this grid")
        try:
            services.set_target_goal(
                acting_user=request.user,
                plan=node.plan,
                metric=node.metric,
                owner=Owner(unit=row.owner) if row.owner_key.startswith("unit:") else Owner(user=row.owner),
                period_key=data["period"],
                goal=data["goal"],
                expected_version=data["version"],
                like=node,
                product_series=node.product_series,
            )
        except SERVICE_ERRORS as exc:
            error, status = error_message(request, exc), error_status(exc)
    node.refresh_from_db()  # the node row's own cell may have moved its version (the split form's)
    after = selectors.grid(request.user, node)
    row = next(r for r in [after.node_row, *after.rows] if r.owner_key == row.owner_key)
    context = _grid_context(request, node, after, row=row, error_key=row.owner_key if error else None)
    context["error"] = error
    context["is_node_row"] = row.owner_key == after.node_row.owner_key
    return render(request, "planning/_grid_update.html", context, status=status)


@require_POST
@permission("planning.split_target")
def grid_split(request, pk: int):
    node = target_in_scope(request, pk)
    context = _grid_context(request, node)
    form = _split_form(request, node, context["intos"], request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        method = data["method"]
        distribution = (
            get_object_or_404(selectors.visible_distributions(request.user), pk=data["distribution"])
            if method == SplitMethod.DISTRIBUTION
            else None
        )
        try:
            parts = services.split_target(
                acting_user=request.user,
                target=node,
                expected_version=data["version"],
                into=data["into"],
                method=method,
                distribution=distribution,
                weights=form.parts() if method == SplitMethod.POTENTIAL else None,
                amounts=form.parts() if method == SplitMethod.MANUAL else None,
            )
        except SERVICE_ERRORS as exc:
            status = show_error(request, form, exc)
        else:
            messages.success(request, _("The target was split into %(count)s parts.") % {"count": len(parts)})
            return redirect("planning:grid", node.pk)
    node.refresh_from_db()
    return render(request, "planning/grid.html", context | {"split_form": form, "node": node}, status=status)


@require_POST
@permission("planning.decide_proposal")
def grid_decide(request, pk: int, proposal_pk: int):
    """Accept or decline a row's open proposal from the grid."""
    node = target_in_scope(request, pk)
    proposal = get_object_or_404(
        Proposal.objects.visible_to(request.user).select_related("plan", "owner_unit", "owner_user"),
        pk=proposal_pk,
        plan=node.plan,
    )
    form = forms.ProposalDecisionForm(request.POST)
    error, status = _("Accept or decline the proposal."), 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decide_proposal(
                acting_user=request.user,
                proposal=proposal,
                expected_version=data["version"],
                accept=data["decision"] == "accept",
                note=data["note"],
            )
        except SERVICE_ERRORS as exc:
            error, status = error_message(request, exc), error_status(exc)
        else:
            if data["decision"] == "accept":
                messages.success(
                    request, _("The proposal of %(owner)s was accepted.") % {"owner": owner_label(proposal)}
                )
            else:
                messages.success(
                    request, _("The proposal of %(owner)s was declined.") % {"owner": owner_label(proposal)}
                )
            return redirect("planning:grid", node.pk)
    key = (
        forms.owner_key("unit", proposal.owner_unit_id)
        if proposal.owner_unit_id
        else (forms.owner_key("user", proposal.owner_user_id))
    )
    node.refresh_from_db()
    context = _grid_context(request, node, error_key=key, error=error)
    return render(request, "planning/grid.html", context, status=status)
