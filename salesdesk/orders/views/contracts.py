"""Contract pages: list, export, create, detail with review, comments, files and versions,
renewals due, and the transitions (submit, review, sign, terminate)."""

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core import access
from salesdesk.core.access import permission
from salesdesk.core.exports import stream_csv
from salesdesk.core.history import record_history
from salesdesk.core.paging import page_slice
from salesdesk.orders import forms, rules, selectors, services
from salesdesk.orders.models import ContractStatus
from salesdesk.orders.transitions import call
from salesdesk.orders.views.common import act, attempt, filters_from, list_page, submit, transition_view


def _contract(request, pk: int):
    return get_object_or_404(selectors.contract_detail_queryset(request.user), pk=pk)


@permission("orders.view_orders")
def contract_list(request):
    form, filters = filters_from(request, forms.ContractFilterForm, selectors.ContractFilters)
    return list_page(
        request,
        selectors.contract_list(request.user, filters),
        template="orders/contract_list.html",
        fragment="orders/_contract_rows.html",
        form=form,
        can_create=access.can(request.user, "orders.create_contract"),
        can_configure_review=access.can(request.user, "orders.configure_contract_review"),
    )


@permission("orders.view_orders")
def contract_export(request):
    _form, filters = filters_from(request, forms.ContractFilterForm, selectors.ContractFilters)
    return stream_csv(
        "contracts.csv",
        [
            _("Contract"),
            _("Title"),
            _("Customer"),
            _("Owner"),
            _("Status"),
            _("Contract value"),
            _("Signed on"),
            _("Ends on"),
        ],
        selectors.contract_list(request.user, filters),
        lambda c: [
            c.number,
            c.title,
            str(c.customer),
            str(c.owner),
            c.get_status_display(),
            c.amount,
            c.signed_on.isoformat() if c.signed_on else "",
            c.ends_on.isoformat() if c.ends_on else "",
        ],
    )


@permission("orders.create_contract")
def contract_create(request):
    opportunities = selectors.won_opportunities(request.user).select_related("customer")[:500]
    quotes = selectors.approved_quotes(request.user)[:500]
    initial = {
        "opportunity": request.GET.get("opportunity"),
        "quote": request.GET.get("quote"),
        "payment_days": services.contracts.STANDARD_PAYMENT_DAYS,
    }
    form = forms.ContractCreateForm(
        request.POST or None, initial=initial, opportunities=opportunities, quotes=quotes
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("source")
        quote_pk, opportunity_pk = data.pop("quote"), data.pop("opportunity")
        quote = get_object_or_404(selectors.approved_quotes(request.user), pk=quote_pk) if quote_pk else None
        opportunity = (
            get_object_or_404(selectors.won_opportunities(request.user), pk=opportunity_pk)
            if opportunity_pk and quote is None
            else None
        )
        contract = attempt(
            form,
            lambda: call(
                services.create_contract, user=request.user, values=data, quote=quote, opportunity=opportunity
            ),
        )
        if contract is not None:
            messages.success(request, _("Contract %(number)s was added.") % {"number": contract.number})
            return redirect(contract.get_absolute_url())
    return render(request, "orders/contract_form.html", {"form": form})


@permission("orders.view_orders")
def contract_detail(request, pk: int):
    contract = _contract(request, pk)
    today = timezone.localdate()
    can_work = access.can(request.user, "orders.work_contract", contract)
    editable = contract.status in ("draft", "rejected")
    reviews = list(selectors.contract_reviews(contract))
    latest_round = reviews[0].round if reviews else 0
    context = {
        "contract": contract,
        "reviews": [r for r in reviews if r.round == latest_round],
        "earlier_reviews": [r for r in reviews if r.round != latest_round],
        "comments": selectors.contract_comments(contract),
        "versions": selectors.contract_versions(contract),
        "attachments": selectors.contract_attachments(contract),
        "orders": selectors.order_list(request.user, selectors.OrderFilters(contract=contract.pk)),
        "ordered": selectors.contract_ordered_amount(contract),
        "can_work": can_work,
        "can_edit": can_work and editable,
        "can_submit": can_work and editable,
        "can_sign": can_work and contract.status == "approved",
        "can_order": can_work
        and rules.order_refusal(contract.status, contract.ends_on, today) is None
        and access.can(request.user, "orders.create_order"),
        "can_review": access.can(request.user, "orders.review_contract", contract),
        "can_terminate": contract.status == ContractStatus.SIGNED
        and access.can(request.user, "orders.terminate_contract", contract),
        "can_comment": access.can(request.user, "orders.comment_contract", contract),
        "edit_form": forms.ContractEditForm(
            initial={f: getattr(contract, f) for f in services.contracts.TERM_FIELDS}
            | {"version": contract.version}
        ),
        "sign_form": forms.SignForm(initial={"version": contract.version, "signed_on": today}),
        "terminate_form": forms.TerminateForm(initial={"version": contract.version, "terminated_on": today}),
        "history": record_history(contract),
    }
    return render(request, "orders/contract_detail.html", context)


@require_POST
@permission("orders.view_orders")
def contract_edit(request, pk: int):
    contract = _contract(request, pk)
    form = forms.ContractEditForm(request.POST)
    if not form.is_valid():
        return act(request, contract, lambda: None, "", form=form)
    data = dict(form.cleaned_data)
    version = data.pop("version")
    return act(
        request,
        contract,
        lambda: services.update_contract(
            acting_user=request.user, contract=contract, expected_version=version, changes=data
        ),
        _("The contract was saved."),
    )


@require_POST
@permission("orders.view_orders")
def contract_comment(request, pk: int):
    contract = _contract(request, pk)
    form = forms.CommentForm(request.POST)
    return submit(
        request, contract, form, services.add_comment, _("Your comment was added."), contract=contract
    )


@require_POST
@permission("orders.view_orders")
def contract_attach(request, pk: int):
    contract = _contract(request, pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    return submit(
        request, contract, form, services.add_attachment, _("The file was attached."), contract=contract
    )


@permission("orders.view_orders")
def attachment_download(request, pk: int):
    attachment = selectors.attachment_for(request.user, pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@permission("orders.view_orders")
def renewal_list(request):
    try:
        days = max(1, min(int(request.GET.get("days", 60)), 365))
    except ValueError:
        days = 60
    today = timezone.localdate()
    return render(
        request,
        "orders/renewal_list.html",
        {
            "page": page_slice(
                selectors.renewals(request.user, today=today, within_days=days), request.GET.get("page")
            ),
            "days": days,
            "query": f"days={days}",
            "today": today,
        },
    )


contract_submit = transition_view("submit_contract", forms.VersionForm)
contract_review = transition_view("review_contract", forms.DecisionForm)
contract_sign = transition_view("sign_contract", forms.SignForm)
contract_terminate = transition_view("terminate_contract", forms.TerminateForm)
