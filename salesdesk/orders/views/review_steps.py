"""The contract review settings page (director, administrators): the steps a contract goes
through, each edited in its own row, added below, deactivated and reactivated. An edit names the
version the page showed; if someone saved the step in between, the row says who and when."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core.access import permission
from salesdesk.orders import forms, selectors, services
from salesdesk.orders.transitions import call
from salesdesk.orders.views.common import act, attempt

RULE = "orders.configure_contract_review"
STEP_FIELDS = ("name", "reviewer_role", "min_amount", "only_non_standard", "version")


def _page(request, *, status: int = 200, step_forms=None, new_form=None):
    company = selectors.company_of(request.user)
    services.ensure_review_steps(company)
    steps = list(selectors.review_steps(company.pk).order_by("sequence", "id"))
    # Evaluated once: every row offers the same people (the forms' querysets only validate a post).
    reviewers = list(selectors.reviewer_choices(company.pk))
    step_forms = step_forms or {}
    rows = [
        (
            step,
            step_forms.get(step.pk)
            or forms.ReviewStepForm(
                initial={f: getattr(step, f) for f in STEP_FIELDS} | {"reviewer": step.reviewer_id},
                reviewers=selectors.reviewer_choices(company.pk),
            ),
        )
        for step in steps
    ]
    next_sequence = (max((s.sequence for s in steps), default=0) // 10 + 1) * 10
    new_form = new_form or forms.NewReviewStepForm(
        initial={"sequence": next_sequence, "min_amount": 0}, reviewers=selectors.reviewer_choices(company.pk)
    )
    context = {"rows": rows, "reviewers": reviewers, "new_form": new_form}
    return render(request, "orders/review_steps.html", context, status=status)


def _step(request, pk: int):
    return get_object_or_404(selectors.review_steps(selectors.company_of(request.user).pk), pk=pk)


@permission(RULE)
def review_steps(request):
    return _page(request)


def _saved(request, form, action, done: str, **page):
    """Run the service for a valid ``form``; back to the page saying it is done, or showing why not."""
    step = attempt(form, action) if form.is_valid() else None
    if step is None:
        return _page(request, status=422, **page)
    messages.success(request, done % {"step": step})
    return redirect("orders:review_steps")


@require_POST
@permission(RULE)
def review_step_add(request):
    company = selectors.company_of(request.user)
    form = forms.NewReviewStepForm(request.POST, reviewers=selectors.reviewer_choices(company.pk))
    return _saved(
        request,
        form,
        lambda: call(services.add_review_step, user=request.user, values=form.cleaned_data, company=company),
        _("Step %(step)s was added."),
        new_form=form,
    )


@require_POST
@permission(RULE)
def review_step_update(request, pk: int):
    step = _step(request, pk)
    form = forms.ReviewStepForm(request.POST, reviewers=selectors.reviewer_choices(step.company_id))

    def save():
        changes = dict(form.cleaned_data)
        version = changes.pop("version")
        return services.update_review_step(
            acting_user=request.user, step=step, expected_version=version, changes=changes
        )

    return _saved(request, form, save, _("Step %(step)s was saved."), step_forms={step.pk: form})


@require_POST
@permission(RULE)
def review_step_active(request, pk: int):
    step = _step(request, pk)
    form = forms.ActiveForm(request.POST)
    is_active = form.is_valid() and form.cleaned_data["is_active"]
    done = _("Step %(step)s is active again.") if is_active else _("Step %(step)s was deactivated.")
    return act(
        request,
        step,
        lambda: services.update_review_step(
            acting_user=request.user,
            step=step,
            expected_version=form.cleaned_data["version"],
            changes={"is_active": is_active},
        ),
        done % {"step": step},
        form,
    )
