"""Quote pages: list, export, create, detail with its lines, the PDF, and the transitions."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core import access
from salesdesk.core.access import permission
from salesdesk.core.exports import stream_csv
from salesdesk.core.history import record_history
from salesdesk.orders import forms, selectors, services
from salesdesk.orders.models import QuoteStatus
from salesdesk.orders.pdf import quote_pdf
from salesdesk.orders.transitions import call
from salesdesk.orders.views.common import act, attempt, filters_from, list_page, transition_view, version_of
from salesdesk.products import selectors as products


def _quote(request, pk: int):
    return get_object_or_404(selectors.quote_detail_queryset(request.user), pk=pk)


@permission("orders.view_orders")
def quote_list(request):
    form, filters = filters_from(request, forms.QuoteFilterForm, selectors.QuoteFilters)
    return list_page(
        request,
        selectors.quote_list(request.user, filters),
        template="orders/quote_list.html",
        fragment="orders/_quote_rows.html",
        form=form,
        can_create=access.can(request.user, "orders.create_quote"),
    )


@permission("orders.view_orders")
def quote_export(request):
    _form, filters = filters_from(request, forms.QuoteFilterForm, selectors.QuoteFilters)
    return stream_csv(
        "quotes.csv",
        [
            _("Quote"),
            _("Customer"),
            _("Owner"),
            _("Status"),
            _("Discount (%)"),
            _("Quote total"),
            _("Valid until"),
        ],
        selectors.quote_list(request.user, filters),
        lambda q: [
            q.number,
            str(q.customer),
            str(q.owner),
            q.get_status_display(),
            q.discount_percent,
            q.amount,
            q.valid_until.isoformat(),
        ],
    )


@permission("orders.create_quote")
def quote_create(request):
    opportunities = selectors.quotable_opportunities(request.user).select_related("customer")[:500]
    initial = {"opportunity": request.GET.get("opportunity")}
    form = forms.QuoteCreateForm(request.POST or None, initial=initial, opportunities=opportunities)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        opportunity = get_object_or_404(
            selectors.quotable_opportunities(request.user), pk=data.pop("opportunity")
        )
        quote = attempt(
            form, lambda: call(services.create_quote, user=request.user, values=data, opportunity=opportunity)
        )
        if quote is not None:
            messages.success(request, _("Quote %(number)s was added.") % {"number": quote.number})
            return redirect(quote.get_absolute_url())
    return render(request, "orders/quote_form.html", {"form": form})


@permission("orders.view_orders")
def quote_detail(request, pk: int):
    quote = _quote(request, pk)
    can_work = quote.status in ("draft", "rejected") and access.can(request.user, "orders.work_quote", quote)
    context = {
        "quote": quote,
        "lines": selectors.quote_lines(quote),
        "approvals": selectors.quote_approvals(quote),
        "can_work": can_work,
        "can_submit": can_work,
        "can_approve": access.can(request.user, "orders.approve_quote", quote),
        "can_contract": quote.status == QuoteStatus.APPROVED
        and access.can(request.user, "orders.create_contract"),
        "line_form": forms.QuoteLineForm(
            initial={"version": quote.version},
            products=products.product_list(request.user).filter(is_active=True),
        ),
        "history": record_history(quote),
    }
    return render(request, "orders/quote_detail.html", context)


def _line_inputs(quote) -> list:
    return [
        services.QuoteLineInput(
            product=line.product, quantity=line.quantity, discount_percent=line.discount_percent
        )
        for line in selectors.quote_lines(quote)
    ]


@require_POST
@permission("orders.view_orders")
def quote_line_add(request, pk: int):
    quote = _quote(request, pk)
    form = forms.QuoteLineForm(request.POST, products=products.product_list(request.user))
    if not form.is_valid():
        return act(request, quote, lambda: None, "", form=form)
    product = get_object_or_404(products.product_list(request.user), pk=form.cleaned_data["product"])
    new = services.QuoteLineInput(
        product=product,
        quantity=form.cleaned_data["quantity"],
        discount_percent=form.cleaned_data["discount_percent"],
    )
    return act(
        request,
        quote,
        lambda: services.set_quote_lines(
            acting_user=request.user,
            quote=quote,
            expected_version=form.cleaned_data["version"],
            lines=[*_line_inputs(quote), new],
        ),
        _("The line was added."),
    )


@require_POST
@permission("orders.view_orders")
def quote_line_remove(request, pk: int, line_pk: int):
    quote = _quote(request, pk)
    kept = [
        line
        for line, row in zip(_line_inputs(quote), selectors.quote_lines(quote), strict=True)
        if row.pk != line_pk
    ]
    return act(
        request,
        quote,
        lambda: services.set_quote_lines(
            acting_user=request.user, quote=quote, expected_version=version_of(request), lines=kept
        ),
        _("The line was removed."),
    )


@permission("orders.view_orders")
def quote_download(request, pk: int):
    quote = _quote(request, pk)
    language = "en" if request.GET.get("lang") == "en" else "zh"
    body = quote_pdf(quote, list(selectors.quote_lines(quote)), language=language)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{quote.number}-{language}.pdf"'
    return response


quote_submit = transition_view("submit_quote", forms.VersionForm)
quote_decide = transition_view("decide_quote", forms.DecisionForm)
