"""Product pages: fetch-and-authorize, one service or selector, render."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from salesdesk.core import access
from salesdesk.core.access import permission
from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.core.forms import add_service_error
from salesdesk.core.history import record_history
from salesdesk.core.paging import page_slice
from salesdesk.products import forms, selectors, services


def _filters(request) -> tuple[forms.ProductFilterForm, selectors.ProductFilters]:
    form = forms.ProductFilterForm(request.GET or None)
    if form.is_valid():
        active = form.cleaned_data["active"]
        return form, selectors.ProductFilters(
            q=form.cleaned_data["q"], active=None if active == "" else active == "1"
        )
    return form, selectors.ProductFilters()


@permission("products.view_products")
def product_list(request):
    form, filters = _filters(request)
    page = page_slice(selectors.product_list(request.user, filters), request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": request.GET.urlencode(),
        "can_manage": access.can(request.user, "products.manage_products"),
    }
    template = "products/_product_rows.html" if request.htmx else "products/product_list.html"
    return render(request, template, context)


@permission("products.view_products")
def product_detail(request, pk: int):
    product = get_object_or_404(selectors.product_detail_queryset(request.user), pk=pk)
    return render(
        request,
        "products/product_detail.html",
        {
            "product": product,
            "history": record_history(product),
            "can_manage": access.can(request.user, "products.manage_products"),
        },
    )


@permission("products.manage_products")
def product_create(request):
    form = forms.ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version")
        try:
            product = services.create_product(
                acting_user=request.user, company=selectors.company_of(request.user), **data
            )
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": product})
            return redirect(product.get_absolute_url())
    return render(request, "products/product_form.html", {"form": form, "product": None})


@permission("products.manage_products")
def product_edit(request, pk: int):
    product = get_object_or_404(selectors.product_detail_queryset(request.user), pk=pk)
    initial = {field: getattr(product, field) for field in services.EDITABLE_FIELDS} | {
        "version": product.version
    }
    form = forms.ProductForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        try:
            services.update_product(
                acting_user=request.user, product=product, expected_version=version, changes=data
            )
        except (BusinessRuleViolation, StaleVersion) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": product})
            return redirect(product.get_absolute_url())
    return render(request, "products/product_form.html", {"form": form, "product": product})
