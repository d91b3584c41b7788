"""The collection settings page: aging buckets and their provision, the dunning ladder, and the
collection policy. Finance and administrators change them; the sales director reads them. Each
POST calls one service; a refused change re-renders the page with the reason next to the field
(or, for a row somebody changed meanwhile, who did it and when)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core import access
from salesdesk.core.access import company_id_of, permission
from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.core.forms import add_service_error
from salesdesk.org.models import Company
from salesdesk.receivables import aging, baddebt, dunning
from salesdesk.receivables import forms_settings as forms
from salesdesk.receivables.models import AgingBucket, DunningStep

SERVICE_ERRORS = (BusinessRuleViolation, StaleVersion)


def _company(request) -> Company:
    return get_object_or_404(Company, pk=company_id_of(request.user))


def _back(section: str):
    return redirect(f"{reverse('receivables:collection_settings')}#{section}")


def _policy_form(company_id: int, data=None, policy=None) -> forms.PolicyForm:
    candidates = [(user.pk, str(user)) for user in dunning.legal_candidates(company_id)]
    initial = (
        {
            "version": policy.version,
            "doubtful_after_days": policy.doubtful_after_days,
            "bad_after_days": policy.bad_after_days,
            "legal_user": policy.legal_user_id,
            "legal_role": policy.legal_role,
        }
        if policy is not None
        else None
    )
    return forms.PolicyForm(data, initial=initial, legal_candidates=candidates)


def _page(request, company: Company, *, status: int = 200, **given):
    """The page, with ``given`` forms (that failed) in place of the fresh ones. A fixed number of
    queries whatever the number of buckets and steps."""
    bucket_forms, step_forms = given.get("bucket_forms", {}), given.get("step_forms", {})
    buckets = aging.bucket_settings(company.pk)
    steps = list(dunning.ladder_settings(company.pk))
    policy = dunning.ensure_policy(company.pk)
    context = {
        "can_edit": access.can(request.user, "receivables.configure_collections"),
        "bucket_rows": [
            (
                b,
                bucket_forms.get(b.pk)
                or forms.BucketForm(
                    initial={
                        "version": b.version,
                        "max_days": b.max_days,
                        "provision_percent": b.provision_percent,
                    }
                ),
            )
            for b in buckets
        ],
        "step_rows": [
            (
                s,
                step_forms.get(s.pk)
                or forms.StepForm(
                    initial={"version": s.version, "days_overdue": s.days_overdue, "notify": s.notify}
                ),
            )
            for s in steps
        ],
        "policy": policy,
        "policy_form": given.get("policy_form") or _policy_form(company.pk, policy=policy),
        "new_bucket_form": given.get("new_bucket_form") or forms.NewBucketForm(prefix="new-bucket"),
        "new_step_form": given.get("new_step_form") or forms.NewStepForm(prefix="new-step"),
    }
    return render(request, "receivables/collection_settings.html", context, status=status)


@permission("receivables.view_collection_settings")
def collection_settings(request):
    return _page(request, _company(request))


# Aging buckets


def _bucket(request, pk: int) -> AgingBucket:
    return get_object_or_404(AgingBucket.objects.filter(company_id=company_id_of(request.user)), pk=pk)


@require_POST
@permission("receivables.configure_collections")
def bucket_create(request):
    company = _company(request)
    form = forms.NewBucketForm(request.POST, prefix="new-bucket")
    if form.is_valid():
        try:
            aging.add_aging_bucket(acting_user=request.user, company=company, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The aging buckets were saved."))
            return _back("aging-buckets")
    return _page(request, company, status=422, new_bucket_form=form)


@require_POST
@permission("receivables.configure_collections")
def bucket_update(request, pk: int):
    bucket = _bucket(request, pk)
    form = forms.BucketForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            aging.change_aging_bucket(
                acting_user=request.user,
                bucket=bucket,
                expected_version=data["version"],
                max_days=data["max_days"],
                provision_percent=data["provision_percent"],
            )
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The aging buckets were saved."))
            return _back("aging-buckets")
    return _page(request, _company(request), status=422, bucket_forms={bucket.pk: form})


@require_POST
@permission("receivables.configure_collections")
def bucket_delete(request, pk: int):
    bucket = _bucket(request, pk)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page was out of date; here is the current one."))
        return _back("aging-buckets")
    try:
        aging.delete_aging_bucket(
            acting_user=request.user, bucket=bucket, expected_version=form.cleaned_data["version"]
        )
    except SERVICE_ERRORS as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The bucket was removed."))
    return _back("aging-buckets")


# The dunning ladder


def _step(request, pk: int) -> DunningStep:
    return get_object_or_404(DunningStep.objects.filter(company_id=company_id_of(request.user)), pk=pk)


@require_POST
@permission("receivables.configure_collections")
def step_create(request):
    company = _company(request)
    form = forms.NewStepForm(request.POST, prefix="new-step")
    if form.is_valid():
        try:
            dunning.add_dunning_step(acting_user=request.user, company=company, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The dunning ladder was saved."))
            return _back("dunning-ladder")
    return _page(request, company, status=422, new_step_form=form)


@require_POST
@permission("receivables.configure_collections")
def step_update(request, pk: int):
    step = _step(request, pk)
    form = forms.StepForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            dunning.change_dunning_step(
                acting_user=request.user,
                step=step,
                expected_version=data["version"],
                days_overdue=data["days_overdue"],
                notify=data["notify"],
            )
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The dunning ladder was saved."))
            return _back("dunning-ladder")
    return _page(request, _company(request), status=422, step_forms={step.pk: form})


@require_POST
@permission("receivables.configure_collections")
def step_state(request, pk: int, action: str):
    """Take a step off the ladder (``remove``: deleted, or deactivated when it has notified
    someone) or put a deactivated one back (``reactivate``)."""
    step = _step(request, pk)
    form = forms.VersionForm(request.POST)
    if action not in ("remove", "reactivate"):
        raise Http404
    if not form.is_valid():
        messages.error(request, _("The page was out of date; here is the current one."))
        return _back("dunning-ladder")
    version = form.cleaned_data["version"]
    try:
        if action == "reactivate":
            dunning.reactivate_dunning_step(acting_user=request.user, step=step, expected_version=version)
            done = _("The step is active again.")
        elif dunning.remove_dunning_step(acting_user=request.user, step=step, expected_version=version):
            done = _("The step was deleted.")
        else:
            done = _("The step has sent notices, so it was deactivated; its notices stay.")
    except SERVICE_ERRORS as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _back("dunning-ladder")


# The collection policy


@require_POST
@permission("receivables.configure_collections")
def policy_update(request):
    company = _company(request)
    form = _policy_form(company.pk, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            baddebt.set_policy(
                acting_user=request.user,
                company=company,
                expected_version=data["version"],
                doubtful_after_days=data["doubtful_after_days"],
                bad_after_days=data["bad_after_days"],
                legal_user_id=data["legal_user"],
                legal_role=data["legal_role"],
            )
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The collection policy was saved."))
            return _back("collection-policy")
    return _page(request, company, status=422, policy_form=form)
