""" "My numbers": bottom-up proposals, and the leaders' decisions on them."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core import access
from salesdesk.core.access import permission
from salesdesk.planning import forms, permissions, selectors, services
from salesdesk.planning.models import (
    PlanStatus,
    Proposal,
)
from salesdesk.planning.views.common import (
    SERVICE_ERRORS,
    error_message,
    error_status,
    owner_label,
    owner_of,
    target_in_scope,
)


def _numbers_context(request, plan_pk=None, **extra) -> dict:
    user = request.user
    plans = list(selectors.plans(user).filter(status=PlanStatus.PLANNING))
    plan = next((p for p in plans if p.pk == plan_pk), plans[0] if plans else None)
    context = {
        "plans": plans,
        "plan": plan,
        "mine": [],
        "to_decide": [],
        "error_id": None,
        "decide_error_id": None,
        "error": None,
    }
    if plan is None:
        return context | extra
    targets = list(selectors.targets_to_propose(user, plan))
    proposals = {
        (p.metric, p.product_series, p.owner_unit_id, p.owner_user_id, p.period_key): p
        for p in selectors.proposals(user, plan).filter(
            Q(owner_user=user) | Q(owner_unit_id=permissions.own_unit_id(user))
        )
    }
    context["mine"] = [
        {
            "target": t,
            "proposal": proposals.get(
                (t.metric, t.product_series, t.owner_unit_id, t.owner_user_id, t.period_key)
            ),
        }
        for t in targets
    ]
    if access.can(user, "planning.decide_proposal"):
        context["to_decide"] = (
            selectors.proposals(user, plan)
            .filter(status=Proposal.Status.OPEN)
            .exclude(Q(owner_user=user) | Q(owner_unit_id=permissions.own_unit_id(user)))[:200]
        )
    return context | extra


def _plan_param(request) -> int | None:
    value = request.GET.get("plan") or request.POST.get("plan") or ""
    return int(value) if value.isdigit() else None


@permission("planning.propose")
def my_numbers(request):
    return render(request, "planning/my_numbers.html", _numbers_context(request, _plan_param(request)))


@require_POST
@permission("planning.propose")
def propose(request):
    form = forms.ProposeForm(request.POST)
    if not form.is_valid():
        target_id = request.POST.get("target", "")
        context = _numbers_context(
            request,
            _plan_param(request),
            error_id=int(target_id) if target_id.isdigit() else None,
            error=" ".join(str(e) for errors in form.errors.values() for e in errors),
        )
        return render(request, "planning/my_numbers.html", context, status=422)
    data = form.cleaned_data
    target = target_in_scope(request, data["target"])
    try:
        services.propose(
            acting_user=request.user,
            plan=target.plan,
            metric=target.metric,
            owner=owner_of(target),
            period_key=target.period_key,
            amount=data["amount"],
            note=data["note"],
            expected_version=data["version"],
            product_series=target.product_series,
        )
    except SERVICE_ERRORS as exc:
        context = _numbers_context(
            request, target.plan_id, error_id=target.pk, error=error_message(request, exc)
        )
        return render(request, "planning/my_numbers.html", context, status=error_status(exc))
    messages.success(request, _("Your number for %(period)s was sent.") % {"period": target.period_key})
    return redirect(f"{reverse('planning:my_numbers')}?plan={target.plan_id}")


@require_POST
@permission("planning.decide_proposal")
def proposal_decide(request, pk: int):
    proposal = get_object_or_404(
        Proposal.objects.visible_to(request.user).select_related("plan", "owner_unit", "owner_user"), pk=pk
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
            messages.success(
                request, _("The proposal of %(owner)s was decided.") % {"owner": owner_label(proposal)}
            )
            return redirect(f"{reverse('planning:my_numbers')}?plan={proposal.plan_id}")
    context = _numbers_context(request, proposal.plan_id, decide_error_id=proposal.pk, error=error)
    return render(request, "planning/my_numbers.html", context, status=status)
