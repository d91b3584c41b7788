"""Pipeline pages: fetch-and-authorize, one service or selector, render."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core import access
from salesdesk.core.access import permission
from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.core.exports import stream_csv
from salesdesk.core.forms import add_service_error
from salesdesk.core.paging import page_slice
from salesdesk.customers import selectors as customers
from salesdesk.pipeline import forms, selectors, services
from salesdesk.pipeline.models import LeadStatus, StageOutcome
from salesdesk.pipeline.querysets import company_id_of
from salesdesk.products import selectors as products


def _lead(request, pk: int):
    return get_object_or_404(selectors.lead_detail_queryset(request.user), pk=pk)


def _opportunity(request, pk: int):
    return get_object_or_404(selectors.opportunity_detail_queryset(request.user), pk=pk)


def _people(request):
    return selectors.assignable_people(request.user)


def _my_customers(request):
    return customers.customer_list(request.user, customers.CustomerFilters(holder="owned"))[:500]


def _stages(request):
    company_id = company_id_of(request.user)
    if company_id is not None:
        services.ensure_stages(request.user.employee.company)
    return list(selectors.stages(company_id))


def _back(request, default: str):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(default)


# Leads


def _lead_filters(request) -> tuple[forms.LeadFilterForm, selectors.LeadFilters]:
    form = forms.LeadFilterForm(request.GET or None, people=_people(request))
    if form.is_valid():
        data = form.cleaned_data
        return form, selectors.LeadFilters(
            q=data["q"], status=data["status"], source=data["source"], owner=data["owner"]
        )
    return form, selectors.LeadFilters()


@permission("pipeline.view_pipeline")
def lead_list(request):
    form, filters = _lead_filters(request)
    page = page_slice(selectors.lead_list(request.user, filters), request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": request.GET.urlencode(),
        "can_create": access.can(request.user, "pipeline.create_lead"),
    }
    template = "pipeline/_lead_rows.html" if request.htmx else "pipeline/lead_list.html"
    return render(request, template, context)


@permission("pipeline.view_pipeline")
def lead_export(request):
    _form, filters = _lead_filters(request)
    headers = [
        _("Lead"),
        _("Company name"),
        _("Contact name"),
        _("Phone"),
        _("Source"),
        _("Campaign"),
        _("Status"),
        _("Owner"),
        _("Team"),
        _("Estimated amount"),
        _("Created at"),
    ]
    return stream_csv(
        "leads.csv",
        headers,
        selectors.lead_list(request.user, filters),
        lambda lead: [
            lead.pk,
            lead.company_name,
            lead.contact_name,
            lead.phone,
            lead.get_source_display(),
            lead.campaign,
            lead.get_status_display(),
            str(lead.owner or ""),
            str(lead.team or ""),
            lead.estimated_amount or "",
            timezone.localtime(lead.created_at).strftime("%Y-%m-%d %H:%M"),
        ],
    )


@permission("pipeline.create_lead")
def lead_create(request):
    form = forms.LeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.create_lead(
                acting_user=request.user, company=selectors.company_of(request.user), **form.cleaned_data
            )
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Lead %(name)s was added.") % {"name": lead})
            return redirect(lead.get_absolute_url())
    return render(request, "pipeline/lead_form.html", {"form": form})


def _lead_context(request, lead, **forms_given):
    can_assign = access.can(request.user, "pipeline.assign_lead", lead)
    is_open = lead.status not in {LeadStatus.CONVERTED}
    context = {
        "lead": lead,
        "is_open": is_open,
        "can_work": is_open and access.can(request.user, "pipeline.work_lead", lead),
        "can_assign": is_open and can_assign,
        "qualify_form": forms.QualifyForm(initial={"version": lead.version, "status": lead.status}),
        "opportunities": selectors.opportunity_list(request.user).filter(lead=lead),
    }
    if context["can_assign"]:
        context["assign_form"] = forms.AssignForm(
            initial={"version": lead.version, "owner": lead.owner_id}, people=_people(request)
        )
        context["round_robin_form"] = forms.RoundRobinForm(
            initial={"version": lead.version, "team": lead.team_id}, teams=selectors.teams(request.user)
        )
    return context | forms_given


@permission("pipeline.view_pipeline")
def lead_detail(request, pk: int):
    lead = _lead(request, pk)
    return render(request, "pipeline/lead_detail.html", _lead_context(request, lead))


@require_POST
@permission("pipeline.view_pipeline")
def lead_qualify(request, pk: int):
    lead = _lead(request, pk)
    form = forms.QualifyForm(request.POST)
    if form.is_valid():
        try:
            services.qualify_lead(
                acting_user=request.user,
                lead=lead,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except (BusinessRuleViolation, StaleVersion) as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("The lead is now %(status)s.") % {"status": lead.get_status_display()}
            )
            return redirect(lead.get_absolute_url())
    return render(
        request, "pipeline/lead_detail.html", _lead_context(request, lead, qualify_form=form), status=422
    )


@require_POST
@permission("pipeline.assign_lead")
def lead_assign(request, pk: int):
    lead = _lead(request, pk)
    form = forms.AssignForm(request.POST, people=_people(request))
    if form.is_valid():
        owner = get_object_or_404(_people(request), user_id=form.cleaned_data["owner"]).user
        try:
            services.assign_lead(
                acting_user=request.user,
                lead=lead,
                owner=owner,
                expected_version=form.cleaned_data["version"],
            )
        except (BusinessRuleViolation, StaleVersion) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The lead was handed to %(person)s.") % {"person": owner})
            return redirect(lead.get_absolute_url())
    return render(
        request, "pipeline/lead_detail.html", _lead_context(request, lead, assign_form=form), status=422
    )


@require_POST
@permission("pipeline.assign_lead")
def lead_round_robin(request, pk: int):
    lead = _lead(request, pk)
    form = forms.RoundRobinForm(request.POST, teams=selectors.teams(request.user))
    if form.is_valid():
        team = get_object_or_404(selectors.teams(request.user), pk=form.cleaned_data["team"])
        try:
            services.assign_lead_round_robin(
                acting_user=request.user, lead=lead, team=team, expected_version=form.cleaned_data["version"]
            )
        except (BusinessRuleViolation, StaleVersion) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The lead was handed to %(person)s.") % {"person": lead.owner})
            return redirect(lead.get_absolute_url())
    return render(
        request, "pipeline/lead_detail.html", _lead_context(request, lead, round_robin_form=form), status=422
    )


@permission("pipeline.view_pipeline")
def lead_convert(request, pk: int):
    lead = _lead(request, pk)
    access.require(request.user, "pipeline.work_lead", lead)
    candidates = _my_customers(request)
    initial = {
        "version": lead.version,
        "opportunity_name": lead.company_name,
        "amount": lead.estimated_amount,
    }
    form = forms.ConvertForm(request.POST or None, initial=initial, customers=candidates)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        customer = None
        if data["customer"]:
            customer = get_object_or_404(
                customers.customer_detail_queryset(request.user), pk=data["customer"]
            )
        try:
            opportunity = services.convert_lead(
                acting_user=request.user,
                lead=lead,
                expected_version=data["version"],
                customer=customer,
                confirm_not_duplicate=data["confirm_not_duplicate"],
                opportunity_name=data["opportunity_name"],
                amount=data["amount"],
                expected_close_on=data["expected_close_on"],
            )
        except (BusinessRuleViolation, StaleVersion) as exc:
            details = exc.details if isinstance(exc.details, dict) else {}
            duplicates = details.get("duplicates", [])
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The lead was converted; here is the new opportunity."))
            return redirect(opportunity.get_absolute_url())
    return render(
        request,
        "pipeline/lead_convert.html",
        {
            "lead": lead,
            "form": form,
            "duplicates": duplicates,
            "same_name_only": all(d["same"] == "name" for d in duplicates),
        },
    )


# The board


def _board_context(request, **extra):
    stages = _stages(request)
    company_id = company_id_of(request.user)
    return {
        "columns": selectors.board(request.user, today=timezone.localdate()),
        "stages": stages,
        "loss_reasons": list(selectors.loss_reasons(company_id)),
        **extra,
    }


@permission("pipeline.view_pipeline")
def board(request):
    can_configure = access.can(request.user, "pipeline.configure_pipeline")
    return render(request, "pipeline/board.html", _board_context(request, can_configure=can_configure))


def _loss_dialog(request, deal, stage, form, status=200):
    context = _board_context(request, dialog_deal=deal, dialog_stage=stage, dialog_form=form)
    if request.htmx:
        return render(request, "pipeline/_loss_dialog.html", context | {"oob": True}, status=status)
    return render(request, "pipeline/board.html", context, status=status)


@require_POST
@permission("pipeline.view_pipeline")
def opportunity_move(request, pk: int):
    deal = _opportunity(request, pk)
    stages = _stages(request)
    form = forms.MoveForm(
        request.POST, stages=stages, loss_reasons=selectors.loss_reasons(company_id_of(request.user))
    )
    from_stage_id = deal.stage_id
    error = None
    stage = None
    if form.is_valid():
        stage = next(s for s in stages if s.pk == form.cleaned_data["stage"])
        reason_id = form.cleaned_data["loss_reason"]
        reason = (
            selectors.loss_reasons(company_id_of(request.user)).filter(pk=reason_id).first()
            if reason_id
            else None
        )
        try:
            services.move_opportunity(
                acting_user=request.user,
                opportunity=deal,
                stage=stage,
                expected_version=form.cleaned_data["version"],
                loss_reason=reason,
                loss_note=form.cleaned_data["loss_note"],
            )
        except (BusinessRuleViolation, StaleVersion) as exc:
            details = exc.details if isinstance(exc.details, dict) else {}
            if details.get("field") == "loss_reason":
                return _loss_dialog(request, deal, stage, form)
            error = exc.message
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if request.htmx:
        stage_ids = {from_stage_id} | ({stage.pk} if stage else set())
        columns = selectors.board(request.user, today=timezone.localdate(), stage_ids=stage_ids)
        return render(
            request,
            "pipeline/_board_move.html",
            {"columns": columns, "stages": stages, "error": error, "oob": True},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("%(deal)s moved to %(stage)s.") % {"deal": deal, "stage": stage})
    return _back(request, reverse("pipeline:board"))


# Opportunities


def _opportunity_filters(request, stages) -> tuple[forms.OpportunityFilterForm, selectors.OpportunityFilters]:
    form = forms.OpportunityFilterForm(request.GET or None, people=_people(request), stages=stages)
    if form.is_valid():
        data = form.cleaned_data
        return form, selectors.OpportunityFilters(
            q=data["q"],
            owner=data["owner"],
            stage=data["stage"],
            customer=data["customer"],
            close_from=data["close_from"],
            close_to=data["close_to"],
            outcome=data["outcome"],
        )
    return form, selectors.OpportunityFilters()


@permission("pipeline.view_pipeline")
def opportunity_list(request):
    form, filters = _opportunity_filters(request, selectors.stages(company_id_of(request.user)))
    page = page_slice(selectors.opportunity_list(request.user, filters), request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": request.GET.urlencode(),
        "can_create": access.can(request.user, "pipeline.create_opportunity"),
        "can_configure": access.can(request.user, "pipeline.configure_pipeline"),
    }
    template = "pipeline/_opportunity_rows.html" if request.htmx else "pipeline/opportunity_list.html"
    return render(request, template, context)


@permission("pipeline.view_pipeline")
def opportunity_export(request):
    _form, filters = _opportunity_filters(request, selectors.stages(company_id_of(request.user)))
    headers = [
        _("Opportunity"),
        _("Name"),
        _("Customer"),
        _("Owner"),
        _("Stage"),
        _("Amount"),
        _("Probability (%)"),
        _("Expected close"),
        _("Closed on"),
        _("Competitor"),
        _("Loss reason"),
    ]
    return stream_csv(
        "opportunities.csv",
        headers,
        selectors.opportunity_list(request.user, filters),
        lambda d: [
            d.pk,
            d.name,
            str(d.customer or ""),
            str(d.owner),
            str(d.stage),
            d.amount,
            d.probability,
            d.expected_close_on or "",
            d.closed_on or "",
            d.competitor,
            str(d.loss_reason or ""),
        ],
    )


@permission("pipeline.create_opportunity")
def opportunity_create(request):
    candidates = _my_customers(request)
    form = forms.OpportunityForm(
        request.POST or None, customers=candidates, initial={"customer": request.GET.get("customer")}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version")
        customer = get_object_or_404(
            customers.customer_detail_queryset(request.user), pk=data.pop("customer")
        )
        try:
            deal = services.create_opportunity(acting_user=request.user, customer=customer, **data)
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Opportunity %(name)s was added.") % {"name": deal})
            return redirect(deal.get_absolute_url())
    return render(request, "pipeline/opportunity_form.html", {"form": form, "deal": None})


@permission("pipeline.view_pipeline")
def opportunity_edit(request, pk: int):
    deal = _opportunity(request, pk)
    access.require(request.user, "pipeline.work_opportunity", deal)
    initial = {name: getattr(deal, name) for name in services.OPPORTUNITY_FIELDS} | {"version": deal.version}
    form = forms.OpportunityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        try:
            services.update_opportunity(
                acting_user=request.user, opportunity=deal, expected_version=version, changes=data
            )
        except (BusinessRuleViolation, StaleVersion) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": deal})
            return redirect(deal.get_absolute_url())
    return render(request, "pipeline/opportunity_form.html", {"form": form, "deal": deal})


def _detail_context(request, deal, **extra):
    can_work = access.can(request.user, "pipeline.work_opportunity", deal)
    company_id = company_id_of(request.user) or deal.company_id
    stages = list(selectors.stages(company_id))
    splits = list(selectors.credit_splits(deal))
    context = {
        "deal": deal,
        "lines": selectors.lines(deal),
        "splits": splits,
        "timeline": selectors.timeline(request.user, deal),
        "can_work": can_work,
        "lost_outcome": StageOutcome.LOST,
    }
    if can_work:
        people = list(selectors.split_candidates(request.user))
        split_initial = {"version": deal.version}
        for row, split in enumerate(splits[: forms.CreditSplitForm.ROWS]):
            split_initial |= {f"person_{row}": split.user_id, f"percent_{row}": split.percent}
        context |= {
            "move_form": forms.MoveForm(
                initial={"version": deal.version, "stage": deal.stage_id},
                stages=stages,
                loss_reasons=selectors.loss_reasons(company_id),
            ),
            "line_form": forms.LineForm(
                initial={"version": deal.version},
                products=products.product_list(request.user).filter(is_active=True),
            ),
            "split_form": forms.CreditSplitForm(initial=split_initial, people=people),
        }
    return context | extra


@permission("pipeline.view_pipeline")
def opportunity_detail(request, pk: int):
    deal = _opportunity(request, pk)
    return render(request, "pipeline/opportunity_detail.html", _detail_context(request, deal))


@require_POST
@permission("pipeline.view_pipeline")
def opportunity_line_add(request, pk: int):
    deal = _opportunity(request, pk)
    catalogue = products.product_list(request.user)
    form = forms.LineForm(request.POST, products=catalogue.filter(is_active=True))
    if form.is_valid():
        data = form.cleaned_data
        product = get_object_or_404(catalogue, pk=data["product"])
        keep = [
            services.LineInput(line.product, line.quantity, line.unit_price) for line in selectors.lines(deal)
        ]
        try:
            services.set_lines(
                acting_user=request.user,
                opportunity=deal,
                expected_version=data["version"],
                lines=[*keep, services.LineInput(product, data["quantity"], data["unit_price"])],
            )
        except (BusinessRuleViolation, StaleVersion) as exc:
            add_service_error(form, exc)
        else:
            return redirect(deal.get_absolute_url())
    return render(
        request,
        "pipeline/opportunity_detail.html",
        _detail_context(request, deal, line_form=form),
        status=422,
    )


@require_POST
@permission("pipeline.view_pipeline")
def opportunity_line_remove(request, pk: int, line_pk: int):
    deal = _opportunity(request, pk)
    lines = list(selectors.lines(deal))
    get_object_or_404(deal.lines.all(), pk=line_pk)
    try:
        services.set_lines(
            acting_user=request.user,
            opportunity=deal,
            expected_version=int(request.POST.get("version") or 0),
            lines=[services.LineInput(x.product, x.quantity, x.unit_price) for x in lines if x.pk != line_pk],
        )
    except (BusinessRuleViolation, StaleVersion) as exc:
        messages.error(request, exc.message)
    return redirect(deal.get_absolute_url())


@require_POST
@permission("pipeline.view_pipeline")
def opportunity_splits(request, pk: int):
    deal = _opportunity(request, pk)
    people = list(selectors.split_candidates(request.user))
    form = forms.CreditSplitForm(request.POST, people=people)
    if form.is_valid():
        by_user = {e.user_id: e.user for e in people}
        try:
            services.set_credit_splits(
                acting_user=request.user,
                opportunity=deal,
                expected_version=form.cleaned_data["version"],
                splits=[(by_user[user_id], percent) for user_id, percent in form.splits()],
            )
        except (BusinessRuleViolation, StaleVersion) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The credit split was saved."))
            return redirect(deal.get_absolute_url())
    return render(
        request,
        "pipeline/opportunity_detail.html",
        _detail_context(request, deal, split_form=form),
        status=422,
    )


# Pipeline settings (administrators)


def _settings_context(request, *, stage_forms=None, reason_forms=None, **extra):
    """The settings page: every stage and loss reason with its form; ``stage_forms`` and
    ``reason_forms`` replace a row's form with one that failed, so it shows its errors."""
    company = selectors.company_of(request.user)
    services.ensure_stages(company)
    stages = list(selectors.stage_settings(company.pk))
    stage_forms = stage_forms or {}
    reason_forms = reason_forms or {}
    fields = ("name", "name_en", "probability", "forecast_category")
    context = {
        "stage_rows": [
            (s, stage_forms.get(s.pk) or forms.StageForm(initial={f: getattr(s, f) for f in fields}))
            for s in stages
        ],
        "reason_rows": [
            (
                r,
                reason_forms.get(r.pk)
                or forms.LossReasonForm(initial={"name": r.name, "name_en": r.name_en}),
            )
            for r in selectors.loss_reason_settings(company.pk)
        ],
        "new_stage_form": forms.NewStageForm(open_stages=_open_stages(stages)),
        "new_reason_form": forms.LossReasonForm(prefix="new-reason"),
    }
    return context | extra


def _open_stages(stages):
    return [s for s in stages if s.outcome == StageOutcome.OPEN]


def _setting_stage(request, pk: int):
    return get_object_or_404(selectors.stage_settings(company_id_of(request.user)), pk=pk)


def _setting_reason(request, pk: int):
    return get_object_or_404(selectors.loss_reason_settings(company_id_of(request.user)), pk=pk)


def _settings_page(request, status=200, **context):
    return render(request, "pipeline/settings.html", _settings_context(request, **context), status=status)


@permission("pipeline.configure_pipeline")
def pipeline_settings(request):
    return _settings_page(request)


@require_POST
@permission("pipeline.configure_pipeline")
def stage_create(request):
    company = selectors.company_of(request.user)
    stages = list(selectors.stage_settings(company.pk))
    form = forms.NewStageForm(request.POST, open_stages=_open_stages(stages))
    if form.is_valid():
        try:
            stage = services.create_stage(acting_user=request.user, company=company, **form.cleaned_data)
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Stage %(stage)s was added.") % {"stage": stage})
            return redirect("pipeline:settings")
    return _settings_page(request, status=422, new_stage_form=form)


@require_POST
@permission("pipeline.configure_pipeline")
def stage_update(request, pk: int):
    stage = _setting_stage(request, pk)
    form = forms.StageForm(request.POST)
    if form.is_valid():
        try:
            stage = services.update_stage(acting_user=request.user, stage=stage, changes=form.cleaned_data)
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Stage %(stage)s was saved.") % {"stage": stage})
            return redirect("pipeline:settings")
    return _settings_page(request, status=422, stage_forms={stage.pk: form})


@require_POST
@permission("pipeline.configure_pipeline")
def stage_active(request, pk: int):
    stage = _setting_stage(request, pk)
    form = forms.ActiveForm(request.POST)
    form.is_valid()  # a lone optional checkbox is always valid
    is_active = form.cleaned_data["is_active"]
    try:
        stage = services.update_stage(acting_user=request.user, stage=stage, changes={"is_active": is_active})
    except BusinessRuleViolation as exc:
        messages.error(request, exc.message)
    else:
        if is_active:
            messages.success(request, _("Stage %(stage)s is active again.") % {"stage": stage})
        else:
            messages.success(request, _("Stage %(stage)s was deactivated.") % {"stage": stage})
    return redirect("pipeline:settings")


@require_POST
@permission("pipeline.configure_pipeline")
def stage_move(request, pk: int):
    stage = _setting_stage(request, pk)
    form = forms.StageMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Move a stage up or down."))
        return redirect("pipeline:settings")
    try:
        services.move_stage(acting_user=request.user, stage=stage, direction=form.cleaned_data["direction"])
    except BusinessRuleViolation as exc:
        messages.error(request, exc.message)
    return redirect("pipeline:settings")


@require_POST
@permission("pipeline.configure_pipeline")
def loss_reason_create(request):
    form = forms.LossReasonForm(request.POST, prefix="new-reason")
    if form.is_valid():
        try:
            reason = services.create_loss_reason(
                acting_user=request.user, company=selectors.company_of(request.user), **form.cleaned_data
            )
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Loss reason %(reason)s was added.") % {"reason": reason})
            return redirect("pipeline:settings")
    return _settings_page(request, status=422, new_reason_form=form)


@require_POST
@permission("pipeline.configure_pipeline")
def loss_reason_update(request, pk: int):
    reason = _setting_reason(request, pk)
    form = forms.LossReasonForm(request.POST)
    if form.is_valid():
        try:
            reason = services.update_loss_reason(
                acting_user=request.user, reason=reason, changes=form.cleaned_data
            )
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Loss reason %(reason)s was saved.") % {"reason": reason})
            return redirect("pipeline:settings")
    return _settings_page(request, status=422, reason_forms={reason.pk: form})


@require_POST
@permission("pipeline.configure_pipeline")
def loss_reason_active(request, pk: int):
    reason = _setting_reason(request, pk)
    form = forms.ActiveForm(request.POST)
    form.is_valid()
    is_active = form.cleaned_data["is_active"]
    try:
        reason = services.update_loss_reason(
            acting_user=request.user, reason=reason, changes={"is_active": is_active}
        )
    except BusinessRuleViolation as exc:
        messages.error(request, exc.message)
    else:
        if is_active:
            messages.success(request, _("Loss reason %(reason)s is active again.") % {"reason": reason})
        else:
            messages.success(request, _("Loss reason %(reason)s was deactivated.") % {"reason": reason})
    return redirect("pipeline:settings")
