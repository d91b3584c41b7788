"""Forms validate input only; cleaned_data goes to a service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from salesdesk.receivables.models import CreditRating, InvoiceBasis, InvoiceStatus, PaymentKind, PaymentMethod

DATE = forms.DateInput(attrs={"type": "date"})
MONEY = {"max_digits": 18, "decimal_places": 2}


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *InvoiceStatus.choices], required=False
    )
    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int, empty_value=None, required=False)
    collector = forms.TypedChoiceField(label=_("Collector"), coerce=int, empty_value=None, required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, customers=(), collectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].choices = [("", _("All customers")), *[(c.pk, str(c)) for c in customers]]
        self.fields["collector"].choices = [("", _("All collectors")), *[(u.pk, str(u)) for u in collectors]]


class IssueInvoiceForm(forms.Form):
    basis = forms.ChoiceField(label=_("Invoiced"), choices=InvoiceBasis.choices, widget=forms.HiddenInput)
    target = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE)
    amount = forms.DecimalField(
        label=_("Amount"),
        required=False,
        min_value=0,
        help_text=_("Leave empty to invoice what is left."),
        **MONEY,
    )


class CancelInvoiceForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class PaymentForm(forms.Form):
    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k, label) for k, label in PaymentKind.choices if k != PaymentKind.REFUND],
        initial=PaymentKind.RECEIPT,
    )
    received_on = forms.DateField(label=_("Date"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, **MONEY)
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.BANK)
    reference = forms.CharField(label=_("Bank reference"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, customers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].choices = [("", "—"), *[(c.pk, str(c)) for c in customers]]


class RefundForm(forms.Form):
    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int)
    refunded_on = forms.DateField(label=_("Date"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, **MONEY)
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.BANK)
    reference = forms.CharField(label=_("Bank reference"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, customers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].choices = [("", "—"), *[(c.pk, str(c)) for c in customers]]


class AllocateForm(forms.Form):
    """One amount field per open invoice of the payment's customer (``amount_<invoice id>``);
    "auto" allocates oldest due first."""

    applied_on = forms.DateField(label=_("Applied on"), widget=DATE)
    auto = forms.BooleanField(required=False)

    def __init__(self, *args, invoices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.invoices = list(invoices)
        for invoice in self.invoices:
            self.fields[f"amount_{invoice.pk}"] = forms.DecimalField(
                label=invoice.number, required=False, min_value=0, **MONEY
            )

    def amounts(self):
        return [
            (invoice, self.cleaned_data[f"amount_{invoice.pk}"])
            for invoice in self.invoices
            if self.cleaned_data.get(f"amount_{invoice.pk}")
        ]


class UnallocateForm(forms.Form):
    invoice = forms.IntegerField(min_value=1)
    applied_on = forms.DateField(widget=DATE)


class CreditProfileForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    rating = forms.ChoiceField(label=_("Credit rating"), choices=CreditRating.choices, initial=CreditRating.B)
    credit_limit = forms.DecimalField(label=_("Credit limit"), min_value=0, **MONEY)
    payment_days = forms.IntegerField(
        label=_("Payment term (days net)"), min_value=0, max_value=365, initial=30
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class CreditDecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(
        coerce=lambda v: v == "1", choices=[("1", _("Approve")), ("0", _("Reject"))]
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ConfirmOrderForm(forms.Form):
    version = forms.IntegerField(min_value=1)


class InstalmentForm(forms.Form):
    due_on = forms.DateField(label=_("Planned date"), widget=DATE)
    amount = forms.DecimalField(label=_("Planned amount"), min_value=0, **MONEY)
    remind_days_before = forms.IntegerField(
        label=_("Remind (days before)"), min_value=0, max_value=365, initial=7
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


InstalmentFormSet = forms.formset_factory(
    InstalmentForm, extra=0, can_delete=True, max_num=60, validate_max=True
)


class SplitForm(forms.Form):
    parts = forms.IntegerField(label=_("Number of instalments"), min_value=1, max_value=60)
    first_due_on = forms.DateField(label=_("First planned date"), widget=DATE)
    every_months = forms.IntegerField(label=_("Months apart"), min_value=1, max_value=12, initial=1)
