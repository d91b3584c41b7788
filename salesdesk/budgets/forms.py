"""Forms validate input only; cleaned_data goes to a service."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from salesdesk.budgets.models import ControlMode, ExpenseStatus, SplitMethod
from salesdesk.budgets.selectors import MAX_WEEKS

MONEY = {"max_digits": 18, "decimal_places": 2}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def _choice(label, *, required: bool = True, empty: str = "") -> forms.TypedChoiceField:
    """A choice filled in by the view from a scoped selector."""
    return forms.TypedChoiceField(
        label=label, coerce=int, required=required, empty_value=None, choices=[("", empty)]
    )


class BudgetFilterForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), required=False, min_value=2000, max_value=2100)
    unit = _choice(_("Org unit"), required=False, empty=_("All units"))
    category = _choice(_("Category"), required=False, empty=_("All categories"))
    control_mode = forms.ChoiceField(
        label=_("Control mode"), choices=[("", _("Any mode")), *ControlMode.choices], required=False
    )


class BudgetForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    unit = _choice(_("Org unit"))
    category = _choice(_("Category"))
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("Amount for the year"), min_value=0, **MONEY)
    split_method = forms.ChoiceField(label=_("Split into months"), choices=SplitMethod.choices)
    distribution = _choice(_("Seasonality template"), required=False, empty=_("None"))
    control_mode = forms.ChoiceField(
        label=_("When an expense would exceed it"),
        choices=[(ControlMode.WARN, _("Warn and let it through")), (ControlMode.STOP, _("Stop it"))],
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # a budget's unit, category and year are what it is; they do not change
            for name in ("unit", "category", "fiscal_year"):
                del self.fields[name]


class BudgetLineForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, **MONEY)


class CategoryForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name (Chinese)"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class LimitsForm(forms.Form):
    supervisor = forms.DecimalField(label=_("A supervisor approves up to"), min_value=0, **MONEY)
    manager = forms.DecimalField(label=_("A manager approves up to"), min_value=0, **MONEY)


class ExpenseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *ExpenseStatus.choices], required=False
    )
    category = _choice(_("Category"), required=False, empty=_("All categories"))
    incurred_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    incurred_until = forms.DateField(label=_("Until"), required=False, widget=DateInput)


class ExpenseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    category = _choice(_("Category"))
    amount = forms.DecimalField(label=_("Amount"), min_value=Decimal("0.01"), **MONEY)
    incurred_on = forms.DateField(label=_("Spent on"), widget=DateInput)
    customer = _choice(_("Customer"), required=False, empty=_("No customer"))
    description = forms.CharField(
        label=_("What for"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(label=_("Receipt"), required=False)

    def __init__(self, *args, with_file: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_file:
            del self.fields["file"]


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class PayForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Receipt"))


class WeeklyCostForm(forms.Form):
    unit = _choice(_("Org unit"), required=False)
    end_week = forms.RegexField(label=_("Up to week"), regex=r"^\d{4}-W\d{2}$", required=False, max_length=8)
    weeks = forms.TypedChoiceField(
        label=_("Weeks"),
        coerce=int,
        choices=[(n, n) for n in (4, 8, MAX_WEEKS)],
        initial=8,
        required=False,
        empty_value=8,
    )
