"""A target's page, and the adjustments of an active plan: request, approve, withdraw."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core import access
from salesdesk.core.access import permission
from salesdesk.core.history import record_history
from salesdesk.core.paging import page_slice
from salesdesk.planning import forms, selectors, services
from salesdesk.planning.models import (
    Adjustment,
    AdjustmentStatus,
    PlanStatus,
    Target,
)
from salesdesk.planning.views.common import (
    SERVICE_ERRORS,
    error_message,
    error_status,
    levels_from,
    show_error,
    target_in_scope,
)


def _target_context(request, target: Target, **extra) -> dict:
    user = request.user
    can_request = target.plan.status == PlanStatus.ACTIVE and access.can(
        user, "planning.request_adjustment", target
    )
    visible = selectors.targets(user, target.plan)
    context = {
        "target": target,
        "plan": target.plan,
        "parent_visible": target.parent_id is not None and visible.filter(pk=target.parent_id).exists(),
        "parts": visible.filter(parent=target),
        "adjustments": selectors.adjustments(user).filter(target=target),
        "action_plans": selectors.action_plans(user).filter(target=target),
        "history": record_history(target),
        "adjustment_form": None,
        "adjustment_error": None,
        "can_write_action_plan": target.owner_user_id is not None
        and access.can(user, "planning.work_action_plan"),
    }
    if can_request:
        context["adjustment_form"] = forms.AdjustmentRequestForm(
            initial={
                "floor": target.floor,
                "goal": target.goal,
                "stretch": target.stretch,
                "effective_from": min(max(timezone.localdate(), target.period_start), target.period_end),
            }
        )
    return context | extra


@permission("planning.view_plans")
def target_detail(request, pk: int):
    target = target_in_scope(request, pk)
    return render(request, "planning/target_detail.html", _target_context(request, target))


@require_POST
@permission("planning.request_adjustment")
def adjustment_request(request, pk: int):
    target = target_in_scope(request, pk)
    form = forms.AdjustmentRequestForm(request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.request_adjustment(
                acting_user=request.user,
                target=target,
                levels=levels_from(data),
                reason=data["reason"],
                effective_from=data["effective_from"],
            )
        except SERVICE_ERRORS as exc:
            status = show_error(request, form, exc)
        else:
            messages.success(request, _("Your change was sent for approval."))
            return redirect("planning:target_detail", target.pk)
    context = _target_context(request, target)
    context["adjustment_form"] = form
    return render(request, "planning/target_detail.html", context, status=status)


def _adjustment(request, pk: int) -> Adjustment:
    return get_object_or_404(
        Adjustment.objects.visible_to(request.user).select_related(
            "target", "target__plan", "target__owner_unit", "target__owner_user", "requested_by"
        ),
        pk=pk,
    )


@require_POST
@permission("planning.request_adjustment")
def adjustment_withdraw(request, pk: int):
    adjustment = _adjustment(request, pk)
    try:
        services.withdraw_adjustment(acting_user=request.user, adjustment=adjustment)
    except SERVICE_ERRORS as exc:
        target = target_in_scope(request, adjustment.target_id)
        context = _target_context(request, target, adjustment_error=error_message(request, exc))
        return render(request, "planning/target_detail.html", context, status=error_status(exc))
    messages.success(request, _("Your request was withdrawn."))
    return redirect("planning:target_detail", adjustment.target_id)


@permission("planning.view_plans")
def adjustment_list(request):
    status = request.GET.get("status", "")
    adjustments = selectors.adjustments(request.user)
    if status in AdjustmentStatus.values:
        adjustments = adjustments.filter(status=status)
    page = page_slice(adjustments, request.GET.get("page"))
    return render(
        request,
        "planning/adjustment_list.html",
        {
            "page": page,
            "status": status,
            "statuses": AdjustmentStatus.choices,
            "query": request.GET.urlencode(),
            "can_approve": access.can(request.user, "planning.approve_adjustment"),
        },
    )


def _inbox(request, status: int = 200, **extra):
    page = page_slice(selectors.adjustments_to_decide(request.user), request.GET.get("page"))
    context = {
        "page": page,
        "query": "",
        "error_id": None,
        "error": None,
    }
    return render(request, "planning/adjustment_inbox.html", context | extra, status=status)


@permission("planning.approve_adjustment")
def adjustment_inbox(request):
    return _inbox(request)


@require_POST
@permission("planning.approve_adjustment")
def adjustment_decide(request, pk: int):
    adjustment = _adjustment(request, pk)
    form = forms.AdjustmentDecisionForm(request.POST)
    if not form.is_valid():
        return _inbox(request, 422, error_id=adjustment.pk, error=_("Approve or reject the change."))
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.decide_adjustment(
            acting_user=request.user, adjustment=adjustment, approve=approve, note=form.cleaned_data["note"]
        )
    except SERVICE_ERRORS as exc:
        return _inbox(request, error_status(exc), error_id=adjustment.pk, error=error_message(request, exc))
    if approve:
        messages.success(request, _("The change to %(target)s was approved.") % {"target": adjustment.target})
    else:
        messages.success(request, _("The change to %(target)s was rejected.") % {"target": adjustment.target})
    return redirect("planning:adjustment_inbox")
