"""The price policy pages: price lists with prices and floors (director), discount limits (admin)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from salesdesk.core.access import permission
from salesdesk.orders import forms, selectors, services
from salesdesk.orders.transitions import call
from salesdesk.orders.views.common import attempt
from salesdesk.products import selectors as products


@permission("orders.manage_price_lists")
def price_list_list(request):
    form = forms.PriceListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        company = selectors.company_of(request.user)
        price_list = attempt(
            form,
            lambda: call(
                services.create_price_list, user=request.user, values=form.cleaned_data, company=company
            ),
        )
        if price_list is not None:
            messages.success(request, _("Price list %(name)s was added.") % {"name": price_list})
            return redirect("orders:price_list_detail", pk=price_list.pk)
    return render(
        request,
        "orders/price_list_list.html",
        {"form": form, "price_lists": selectors.price_lists(request.user)},
    )


@permission("orders.manage_price_lists")
def price_list_detail(request, pk: int):
    price_list = get_object_or_404(selectors.price_lists(request.user), pk=pk)
    catalogue = products.product_list(request.user).filter(is_active=True)
    form = forms.PriceForm(request.POST or None, products=catalogue)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        product = get_object_or_404(catalogue, pk=data.pop("product"))
        item = attempt(
            form,
            lambda: call(
                services.set_price, user=request.user, values=data, price_list=price_list, product=product
            ),
        )
        if item is not None:
            messages.success(request, _("The price was saved."))
            return redirect("orders:price_list_detail", pk=price_list.pk)
    return render(
        request,
        "orders/price_list_detail.html",
        {"price_list": price_list, "items": selectors.price_list_items(price_list), "form": form},
    )


@permission("orders.configure_orders")
def discount_limits(request):
    company = selectors.company_of(request.user)
    limits = selectors.discount_limits(company.pk)
    form = forms.DiscountLimitsForm(request.POST or None, limits=limits)
    if request.method == "POST" and form.is_valid():
        limits = attempt(
            form,
            lambda: services.set_discount_limits(
                acting_user=request.user, company=company, limits=form.cleaned_data
            ),
        )
        if limits is not None:
            messages.success(request, _("The discount limits were saved."))
            return redirect("orders:discount_limits")
    return render(request, "orders/discount_limits.html", {"form": form})
