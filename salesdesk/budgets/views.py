"""Budget and expense pages: fetch-and-authorize, one service or selector, render.

Workflow buttons are small POST forms; a refused action comes back as a message on the record's
page (the service's translated reason, with the budget figures when a budget stops it)."""

from collections.abc import Callable

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.budgets import forms, selectors, services
from salesdesk.budgets.models import ExpenseStatus
from salesdesk.core import access, periods
from salesdesk.core.access import permission
from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.core.forms import add_service_error
from salesdesk.core.history import record_history
from salesdesk.core.paging import page_slice

SERVICE_ERRORS = (BusinessRuleViolation, StaleVersion)


def _act(request, record, call: Callable, done: str, form=None):
    """Run one service call from a small POST form; report the outcome on the record's page."""
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(record.get_absolute_url())
    try:
        call()
    except SERVICE_ERRORS as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)  # a budget warning shows on the expense's page itself
    return redirect(record.get_absolute_url())


def _unit_choices(units) -> list[tuple[int, str]]:
    """Units indented by depth, in tree order."""
    return [(unit.pk, "\u3000" * unit.depth + unit.name) for unit in units.order_by("path")]


def _category_choices(categories) -> list[tuple[int, str]]:
    return [(category.pk, f"{category.label} ({category.code})") for category in categories]


# Budgets


def _budget_filters(request) -> tuple[forms.BudgetFilterForm, selectors.BudgetFilters]:
    data = request.GET.copy()
    if "fiscal_year" not in data:
        data["fiscal_year"] = str(selectors.current_fiscal_year(timezone.localdate()))
    form = forms.BudgetFilterForm(data)
    form.fields["unit"].choices = [
        ("", _("All units")),
        *_unit_choices(selectors.visible_units(request.user)),
    ]
    form.fields["category"].choices = [
        ("", _("All categories")),
        *_category_choices(selectors.categories(request.user)),
    ]
    if not form.is_valid():
        return form, selectors.BudgetFilters()
    data = form.cleaned_data
    return form, selectors.BudgetFilters(
        fiscal_year=data["fiscal_year"],
        unit=data["unit"],
        category=data["category"],
        control_mode=data["control_mode"],
    )


@permission("budgets.view_budgets")
def budget_list(request):
    form, filters = _budget_filters(request)
    page = page_slice(selectors.budget_list(request.user, filters), request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": request.GET.urlencode(),
        "can_set": access.can(request.user, "budgets.set_budget"),
        "can_configure": access.can(request.user, "budgets.configure_expenses"),
    }
    template = "budgets/_budget_rows.html" if request.htmx else "budgets/budget_list.html"
    return render(request, template, context)


def _budget(request, pk: int):
    return get_object_or_404(selectors.budget_detail_queryset(request.user), pk=pk)


def _months_context(request, budget) -> dict:
    return {
        "budget": budget,
        "lines": selectors.budget_lines(budget),
        "can_set": access.can(request.user, "budgets.set_budget", budget),
    }


@permission("budgets.view_budgets")
def budget_detail(request, pk: int):
    budget = _budget(request, pk)
    context = _months_context(request, budget) | {"history": record_history(budget)}
    return render(request, "budgets/budget_detail.html", context)


def _budget_form(request, form: forms.BudgetForm, *, editing: bool) -> forms.BudgetForm:
    if not editing:
        form.fields["unit"].choices = [("", "—"), *_unit_choices(selectors.budget_units(request.user))]
        form.fields["category"].choices = [
            ("", "—"),
            *_category_choices(selectors.active_categories(request.user)),
        ]
    form.fields["distribution"].choices = [
        ("", _("None")),
        *selectors.distributions(request.user).values_list("pk", "name"),
    ]
    return form


@permission("budgets.set_budget")
def budget_create(request):
    initial = {
        "fiscal_year": selectors.current_fiscal_year(timezone.localdate()),
        "split_method": "even",
        "control_mode": "warn",
        "unit": request.GET.get("unit"),
    }
    form = _budget_form(request, forms.BudgetForm(request.POST or None, initial=initial), editing=False)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version")
        try:
            distribution_id = data.pop("distribution")
            budget = services.create_budget(
                acting_user=request.user,
                unit=selectors.unit_choice(request.user, data.pop("unit")),
                category=selectors.category_choice(request.user, data.pop("category")),
                distribution=selectors.distribution_choice(request.user, distribution_id)
                if distribution_id
                else None,
                **data,
            )
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The budget %(budget)s was added.") % {"budget": budget})
            return redirect(budget.get_absolute_url())
    return render(request, "budgets/budget_form.html", {"form": form, "budget": None})


@permission("budgets.set_budget")
def budget_edit(request, pk: int):
    budget = _budget(request, pk)
    initial = {
        "version": budget.version,
        "amount": budget.amount,
        "split_method": budget.split_method,
        "distribution": budget.distribution_id,
        "control_mode": budget.control_mode,
        "note": budget.note,
    }
    form = _budget_form(
        request, forms.BudgetForm(request.POST or None, initial=initial, editing=True), editing=True
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        try:
            distribution_id = data.pop("distribution")
            data["distribution"] = (
                selectors.distribution_choice(request.user, distribution_id) if distribution_id else None
            )
            changes = {name: value for name, value in data.items() if value != getattr(budget, name)}
            services.update_budget(
                acting_user=request.user, budget=budget, expected_version=version, changes=changes
            )
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The budget %(budget)s was saved.") % {"budget": budget})
            return redirect(budget.get_absolute_url())
    return render(request, "budgets/budget_form.html", {"form": form, "budget": budget})


@require_POST
@permission("budgets.set_budget")
def budget_line_edit(request, pk: int):
    line = get_object_or_404(selectors.line_detail_queryset(request.user), pk=pk)
    form = forms.BudgetLineForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.set_budget_line(
                acting_user=request.user,
                line=line,
                expected_version=form.cleaned_data["version"],
                amount=form.cleaned_data["amount"],
            )
        except SERVICE_ERRORS as exc:
            error = exc.message
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("%(month)s was saved.") % {"month": line.month_key})
        return redirect(line.budget.get_absolute_url())
    budget = _budget(request, line.budget_id)
    context = _months_context(request, budget) | {
        "line_error": error,
        "error_line": line.pk,
        "saved_line": None,
    }
    if error is None:
        context["saved_line"] = line.pk
    return render(request, "budgets/_budget_months.html", context)


# Settings: categories and approval limits


@permission("budgets.configure_expenses")
def expense_settings(request):
    company = selectors.company_of(request.user)
    limits = selectors.approval_limits(company.pk)
    return render(
        request,
        "budgets/settings.html",
        {
            "categories": [
                (category, forms.CategoryForm(initial=_category_initial(category), prefix=f"c{category.pk}"))
                for category in selectors.categories(request.user)
            ],
            "new_form": forms.CategoryForm(initial={"is_active": True}, prefix="new"),
            "limits_form": forms.LimitsForm(initial=limits),
        },
    )


def _category_initial(category) -> dict:
    return {
        "version": category.version,
        "code": category.code,
        "name": category.name,
        "name_en": category.name_en,
        "is_active": category.is_active,
    }


def _form_errors(form) -> str:
    return " ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {e}".lstrip(": ")
        for name, errors in form.errors.items()
        for e in errors
    )


@require_POST
@permission("budgets.configure_expenses")
def category_create(request):
    form = forms.CategoryForm(request.POST, prefix="new")
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("budgets:settings")
    data = dict(form.cleaned_data)
    data.pop("version")
    try:
        category = services.create_category(
            acting_user=request.user, company=selectors.company_of(request.user), **data
        )
    except BusinessRuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The category %(name)s was added.") % {"name": category.label})
    return redirect("budgets:settings")


@require_POST
@permission("budgets.configure_expenses")
def category_edit(request, pk: int):
    category = get_object_or_404(selectors.categories(request.user), pk=pk)
    form = forms.CategoryForm(request.POST, prefix=f"c{pk}")
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("budgets:settings")
    data = dict(form.cleaned_data)
    version = data.pop("version") or 0
    try:
        services.update_category(
            acting_user=request.user, category=category, expected_version=version, changes=data
        )
    except SERVICE_ERRORS as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The category %(name)s was saved.") % {"name": category.label})
    return redirect("budgets:settings")


@require_POST
@permission("budgets.configure_expenses")
def limits_edit(request):
    form = forms.LimitsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("budgets:settings")
    try:
        services.set_approval_limits(
            acting_user=request.user, company=selectors.company_of(request.user), limits=form.cleaned_data
        )
    except BusinessRuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The approval limits were saved."))
    return redirect("budgets:settings")


# Expenses


def _expense_filters(request) -> tuple[forms.ExpenseFilterForm, selectors.ExpenseFilters]:
    form = forms.ExpenseFilterForm(request.GET or None)
    form.fields["category"].choices = [
        ("", _("All categories")),
        *_category_choices(selectors.categories(request.user)),
    ]
    if request.GET and form.is_valid():
        data = form.cleaned_data
        return form, selectors.ExpenseFilters(
            q=data["q"],
            status=data["status"],
            category=data["category"],
            incurred_from=data["incurred_from"],
            incurred_until=data["incurred_until"],
        )
    return form, selectors.ExpenseFilters()


@permission("budgets.view_expenses")
def expense_list(request):
    form, filters = _expense_filters(request)
    page = page_slice(selectors.expense_list(request.user, filters), request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": request.GET.urlencode(),
        "can_file": access.can(request.user, "budgets.file_expense"),
    }
    template = "budgets/_expense_rows.html" if request.htmx else "budgets/expense_list.html"
    return render(request, template, context)


def _expense(request, pk: int):
    return get_object_or_404(selectors.expense_detail_queryset(request.user), pk=pk)


def _expense_form(request, form: forms.ExpenseForm) -> forms.ExpenseForm:
    form.fields["category"].choices = [
        ("", "—"),
        *_category_choices(selectors.active_categories(request.user)),
    ]
    form.fields["customer"].choices = [("", _("No customer")), *selectors.customer_choices(request.user)]
    return form


def _expense_values(request, data: dict) -> dict:
    category_id, customer_id = data.pop("category"), data.pop("customer")
    data["category"] = selectors.category_choice(request.user, category_id)
    data["customer"] = selectors.customer_choice(request.user, customer_id) if customer_id else None
    return data


@permission("budgets.file_expense")
def expense_create(request):
    initial = {"incurred_on": timezone.localdate()}
    form = _expense_form(
        request, forms.ExpenseForm(request.POST or None, request.FILES or None, initial=initial)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version")
        submit = "submit" in request.POST
        try:
            expense = services.file_expense(
                acting_user=request.user,
                receipt=data.pop("file"),
                submit=submit,
                **_expense_values(request, data),
            )
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            if expense.status == ExpenseStatus.SUBMITTED:
                messages.success(
                    request, _("Expense %(number)s was submitted for approval.") % {"number": expense.number}
                )
            else:
                messages.success(
                    request, _("Expense %(number)s was saved as a draft.") % {"number": expense.number}
                )
            return redirect(expense.get_absolute_url())
    return render(request, "budgets/expense_form.html", {"form": form, "expense": None})


@permission("budgets.file_expense")
def expense_edit(request, pk: int):
    expense = _expense(request, pk)
    initial = {
        "version": expense.version,
        "category": expense.category_id,
        "amount": expense.amount,
        "incurred_on": expense.incurred_on,
        "customer": expense.customer_id,
        "description": expense.description,
    }
    form = _expense_form(request, forms.ExpenseForm(request.POST or None, initial=initial, with_file=False))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        try:
            services.update_expense(
                acting_user=request.user,
                expense=expense,
                expected_version=version,
                changes=_expense_values(request, data),
            )
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Expense %(number)s was saved.") % {"number": expense.number})
            return redirect(expense.get_absolute_url())
    return render(request, "budgets/expense_form.html", {"form": form, "expense": expense})


@permission("budgets.view_expenses")
def expense_detail(request, pk: int):
    expense = _expense(request, pk)
    user = request.user
    return render(
        request,
        "budgets/expense_detail.html",
        {
            "expense": expense,
            "steps": selectors.approvals(expense),
            "attachments": selectors.attachments(expense),
            "history": record_history(expense),
            "can_work": access.can(user, "budgets.work_expense", expense),
            "can_approve": access.can(user, "budgets.approve_expense", expense),
            "can_pay": access.can(user, "budgets.pay_expense", expense),
            "decision_form": forms.DecisionForm(initial={"version": expense.version}),
            "pay_form": forms.PayForm(initial={"version": expense.version, "paid_on": timezone.localdate()}),
            "attachment_form": forms.AttachmentForm(),
        },
    )


def _version(request) -> int:
    form = forms.VersionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else 0


@require_POST
@permission("budgets.file_expense")
def expense_submit(request, pk: int):
    expense = _expense(request, pk)
    return _act(
        request,
        expense,
        lambda: services.submit_expense(
            acting_user=request.user, expense=expense, expected_version=_version(request)
        ),
        _("The expense was submitted for approval."),
    )


@require_POST
@permission("budgets.file_expense")
def expense_withdraw(request, pk: int):
    expense = _expense(request, pk)
    return _act(
        request,
        expense,
        lambda: services.withdraw_expense(
            acting_user=request.user, expense=expense, expected_version=_version(request)
        ),
        _("The expense is back to draft."),
    )


@require_POST
@permission("budgets.approve_expense")
def expense_approve(request, pk: int):
    expense = _expense(request, pk)
    form = forms.DecisionForm(request.POST)
    return _act(
        request,
        expense,
        lambda: services.approve_expense(
            acting_user=request.user,
            expense=expense,
            expected_version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
        ),
        _("You approved the expense."),
        form=form,
    )


@require_POST
@permission("budgets.approve_expense")
def expense_reject(request, pk: int):
    expense = _expense(request, pk)
    form = forms.DecisionForm(request.POST)
    return _act(
        request,
        expense,
        lambda: services.reject_expense(
            acting_user=request.user,
            expense=expense,
            expected_version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
        ),
        _("You rejected the expense."),
        form=form,
    )


@require_POST
@permission("budgets.pay_expense")
def expense_pay(request, pk: int):
    expense = _expense(request, pk)
    form = forms.PayForm(request.POST)
    return _act(
        request,
        expense,
        lambda: services.pay_expense(
            acting_user=request.user,
            expense=expense,
            expected_version=form.cleaned_data["version"],
            paid_on=form.cleaned_data["paid_on"],
        ),
        _("The expense is paid."),
        form=form,
    )


@require_POST
@permission("budgets.file_expense")
def expense_delete(request, pk: int):
    expense = _expense(request, pk)
    try:
        services.delete_expense(acting_user=request.user, expense=expense, expected_version=_version(request))
    except SERVICE_ERRORS as exc:
        messages.error(request, exc.message)
        return redirect(expense.get_absolute_url())
    messages.success(request, _("Expense %(number)s was deleted.") % {"number": expense.number})
    return redirect("budgets:expense_list")


@require_POST
@permission("budgets.file_expense")
def expense_attach(request, pk: int):
    expense = _expense(request, pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    return _act(
        request,
        expense,
        lambda: services.add_attachment(
            acting_user=request.user, expense=expense, upload=form.cleaned_data["file"]
        ),
        _("The receipt was attached."),
        form=form,
    )


@permission("budgets.view_expenses")
def attachment_download(request, pk: int):
    attachment = selectors.attachment_for(request.user, pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@permission("budgets.approve_expense")
def approval_inbox(request):
    page = page_slice(selectors.approval_inbox(request.user), request.GET.get("page"))
    return render(request, "budgets/approval_inbox.html", {"page": page, "query": ""})


# Weekly cost analysis


@permission("budgets.view_cost_analysis")
def weekly_costs(request):
    units = selectors.cost_units(request.user)
    form = forms.WeeklyCostForm(request.GET or None)
    form.fields["unit"].choices = _unit_choices(units)
    this_week = periods.period_of(timezone.localdate(), periods.Granularity.WEEK).key
    unit, end_week, weeks = None, this_week, 8
    if request.GET and form.is_valid():
        data = form.cleaned_data
        unit = units.filter(pk=data["unit"]).first() if data["unit"] else None
        end_week = data["end_week"] or this_week
        weeks = data["weeks"] or 8
    unit = unit or selectors.default_cost_unit(request.user)
    costs = None
    if unit is not None:
        try:
            costs = selectors.weekly_costs(
                request.user, unit=unit, weeks=selectors.week_periods(end_week, weeks)
            )
        except ValueError:
            form.add_error(
                "end_week", _("%(key)s is not a week. Use a key like 2026-W31.") % {"key": end_week}
            )
    context = {
        "form": form,
        "costs": costs,
        "chart": costs.chart() if costs else None,
        "selected_unit": unit.pk if unit else None,
        "end_week": end_week,
        "weeks": weeks,
    }
    template = "budgets/_weekly_costs.html" if request.htmx else "budgets/weekly_costs.html"
    return render(request, template, context)
