"""Action plans for a gap: written by the rep, ticked off, checked by the supervisor."""

from decimal import Decimal

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
    ActionItem,
    ActionPlan,
    ActionPlanStatus,
)
from salesdesk.planning.views.common import (
    SERVICE_ERRORS,
    error_message,
    error_status,
    show_error,
    target_in_scope,
)


@permission("planning.work_action_plan")
def action_plan_list(request):
    status = request.GET.get("status", "")
    plans = selectors.action_plans(request.user)
    if status in ActionPlanStatus.values:
        plans = plans.filter(status=status)
    page = page_slice(plans, request.GET.get("page"))
    return render(
        request,
        "planning/action_plan_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ActionPlanStatus.choices,
            "query": request.GET.urlencode(),
        },
    )


@permission("planning.work_action_plan")
def action_plan_create(request):
    target_id = request.GET.get("target") or request.POST.get("target") or ""
    target = target_in_scope(request, int(target_id) if target_id.isdigit() else 0)
    today = timezone.localdate()
    form = forms.ActionPlanForm(
        request.POST or None,
        initial={"gap_amount": request.GET.get("gap") or "", "next_follow_up_on": today},
    )
    items = forms.ActionItemFormSet(request.POST or None, prefix="actions")
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid() and items.is_valid():
            data = form.cleaned_data
            actions = [
                services.ActionInput(
                    item["description"], item["due_on"], item.get("expected_amount") or Decimal(0)
                )
                for item in items.cleaned_data
                if item.get("description")
            ]
            try:
                plan = services.create_action_plan(
                    acting_user=request.user,
                    target=target,
                    summary=data["summary"],
                    next_follow_up_on=data["next_follow_up_on"],
                    actions=actions,
                    gap_amount=data["gap_amount"],
                )
            except SERVICE_ERRORS as exc:
                status = show_error(request, form, exc)
            else:
                messages.success(request, _("The action plan was saved."))
                return redirect(plan.get_absolute_url())
    return render(
        request,
        "planning/action_plan_form.html",
        {"form": form, "items": items, "target": target},
        status=status,
    )


def _action_plan(request, pk: int) -> ActionPlan:
    return get_object_or_404(
        ActionPlan.objects.visible_to(request.user).select_related(
            "owner", "target", "target__plan", "checked_by", "updated_by"
        ),
        pk=pk,
    )


def _action_plan_context(request, plan: ActionPlan, **extra) -> dict:
    user = request.user
    can_check = plan.status != ActionPlanStatus.CLOSED and access.can(
        user, "planning.check_action_plan", plan
    )
    can_work = plan.status != ActionPlanStatus.CLOSED and access.can(user, "planning.work_action_plan", plan)
    context = {
        "plan": plan,
        "items": list(plan.items.all()),
        "can_work": can_work,
        "can_submit": can_work and plan.status in (ActionPlanStatus.OPEN, ActionPlanStatus.CHECKED),
        "version_form": forms.VersionForm(initial={"version": plan.version}),
        "check_form": forms.ActionCheckForm(
            initial={"version": plan.version, "next_follow_up_on": plan.next_follow_up_on}
        )
        if can_check
        else None,
        "today": timezone.localdate(),
        "history": record_history(plan),
        "error": None,
    }
    return context | extra


@permission("planning.work_action_plan")
def action_plan_detail(request, pk: int):
    plan = _action_plan(request, pk)
    return render(request, "planning/action_plan_detail.html", _action_plan_context(request, plan))


def _action_plan_error(request, plan, exc_or_message, status=None, **extra):
    if isinstance(exc_or_message, Exception):
        status, message = error_status(exc_or_message), error_message(request, exc_or_message)
    else:
        message = exc_or_message
    plan.refresh_from_db()
    context = _action_plan_context(request, plan, error=message, **extra)
    return render(request, "planning/action_plan_detail.html", context, status=status or 422)


@require_POST
@permission("planning.work_action_plan")
def action_item_done(request, pk: int, item_pk: int):
    plan = _action_plan(request, pk)
    item = get_object_or_404(ActionItem.objects.filter(plan=plan), pk=item_pk)
    item.plan = plan
    form = forms.ActionDoneForm(request.POST)
    if not form.is_valid():
        return _action_plan_error(request, plan, _("Give the day it was done."))
    try:
        services.mark_action_done(acting_user=request.user, item=item, done_on=form.cleaned_data["done_on"])
    except SERVICE_ERRORS as exc:
        return _action_plan_error(request, plan, exc)
    return redirect(plan.get_absolute_url())


@require_POST
@permission("planning.work_action_plan")
def action_plan_submit(request, pk: int):
    plan = _action_plan(request, pk)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        return _action_plan_error(request, plan, _("Reload the page and try again."))
    try:
        services.submit_action_plan(
            acting_user=request.user, plan=plan, expected_version=form.cleaned_data["version"]
        )
    except SERVICE_ERRORS as exc:
        return _action_plan_error(request, plan, exc)
    messages.success(request, _("The action plan was submitted for review."))
    return redirect(plan.get_absolute_url())


@require_POST
@permission("planning.check_action_plan")
def action_plan_check(request, pk: int):
    plan = _action_plan(request, pk)
    form = forms.ActionCheckForm(request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.check_action_plan(
                acting_user=request.user,
                plan=plan,
                expected_version=data["version"],
                comment=data["comment"],
                next_follow_up_on=data["next_follow_up_on"],
                close=data["close"],
            )
        except SERVICE_ERRORS as exc:
            status = show_error(request, form, exc)
        else:
            messages.success(request, _("Your check was saved."))
            return redirect(plan.get_absolute_url())
    plan.refresh_from_db()
    context = _action_plan_context(request, plan, check_form=form)
    return render(request, "planning/action_plan_detail.html", context, status=status)
