"""Forms validate input only; cleaned_data goes to a service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from salesdesk.customers.models import Tier
from salesdesk.orders.models import ContractStatus, OrderStatus, QuoteStatus
from salesdesk.orders.rules import LADDER, MAX_STEP_SEQUENCE, REVIEWER_ROLES
from salesdesk.org.models import Role

MONEY = {"max_digits": 18, "decimal_places": 2}


def _choices(queryset, label=str, empty=None):
    return [("", empty or _("Choose…")), *[(obj.pk, label(obj)) for obj in queryset]]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class DecisionForm(VersionForm):
    """Approve or reject (two buttons named ``decision``); cleaned to the services' ``approve``."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if "decision" in data:
            data["approve"] = data.pop("decision") == "approve"
        return data


class QuoteFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *QuoteStatus.choices], required=False
    )


class QuoteCreateForm(forms.Form):
    opportunity = forms.TypedChoiceField(label=_("Opportunity"), coerce=int)
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False)

    def __init__(self, *args, opportunities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opportunity"].choices = _choices(opportunities, lambda o: f"{o} · {o.customer}")


class QuoteLineForm(VersionForm):
    product = forms.TypedChoiceField(label=_("Product"), coerce=int)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=2, min_value=0.01)
    discount_percent = forms.DecimalField(
        label=_("Discount (%)"), max_digits=5, decimal_places=2, min_value=0, max_value=100, initial=0
    )

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = _choices(products, lambda p: f"{p.code} {p.name}")


class ContractFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *ContractStatus.choices], required=False
    )


class ContractCreateForm(forms.Form):
    source = forms.CharField(widget=forms.HiddenInput, required=False)
    opportunity = forms.TypedChoiceField(
        label=_("Won opportunity"), coerce=int, required=False, empty_value=None
    )
    quote = forms.TypedChoiceField(label=_("Approved quote"), coerce=int, required=False, empty_value=None)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    starts_on = forms.DateField(
        label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    payment_days = forms.IntegerField(
        label=_("Payment term (days net)"), min_value=0, max_value=365, initial=30
    )
    payment_terms = forms.CharField(label=_("Payment terms"), max_length=2000, required=False)
    delivery_terms = forms.CharField(label=_("Delivery terms"), max_length=2000, required=False)

    def __init__(self, *args, opportunities=(), quotes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opportunity"].choices = _choices(opportunities, lambda o: f"{o} · {o.customer}", _("—"))
        self.fields["quote"].choices = _choices(
            quotes, lambda q: f"{q.number} · {q.customer} · {q.amount}", _("—")
        )

    def clean(self):
        data = super().clean()
        if not data.get("opportunity") and not data.get("quote"):
            raise forms.ValidationError(_("Choose a won opportunity or an approved quote."))
        return data


class ContractEditForm(VersionForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    amount = forms.DecimalField(label=_("Contract value"), min_value=0, **MONEY)
    starts_on = forms.DateField(
        label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    payment_days = forms.IntegerField(label=_("Payment term (days net)"), min_value=0, max_value=365)
    payment_terms = forms.CharField(label=_("Payment terms"), max_length=2000, required=False)
    delivery_terms = forms.CharField(label=_("Delivery terms"), max_length=2000, required=False)


class SignForm(VersionForm):
    signed_on = forms.DateField(label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"}))


class TerminateForm(VersionForm):
    reason = forms.CharField(label=_("Reason for termination"), max_length=500)
    terminated_on = forms.DateField(
        label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(forms.Form):
    upload = forms.FileField(label=_("File"))


class OrderFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *OrderStatus.choices], required=False
    )


class OrderCreateForm(forms.Form):
    contract = forms.TypedChoiceField(
        label=_("Signed contract"), coerce=int, required=False, empty_value=None
    )
    repeat_of = forms.TypedChoiceField(
        label=_("Repeat of order"), coerce=int, required=False, empty_value=None
    )
    promised_on = forms.DateField(
        label=_("Promised delivery"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, contracts=(), orders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = _choices(
            contracts, lambda c: f"{c.number} · {c.customer} · {c.amount}", _("—")
        )
        self.fields["repeat_of"].choices = _choices(orders, lambda o: f"{o.number} · {o.customer}", _("—"))

    def clean(self):
        data = super().clean()
        if bool(data.get("contract")) == bool(data.get("repeat_of")):
            raise forms.ValidationError(_("Choose a signed contract or an earlier order to repeat."))
        return data


class ShipmentsForm(VersionForm):
    """The schedule as lines of "YYYY-MM-DD amount"."""

    schedule = forms.CharField(
        label=_("Shipments"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One shipment per line: date and amount, e.g. 2026-08-01 5000"),
    )

    def clean_schedule(self):
        from datetime import date
        from decimal import Decimal, InvalidOperation

        rows = []
        for number, text in enumerate(self.cleaned_data["schedule"].splitlines(), start=1):
            if not text.strip():
                continue
            parts = text.split()
            try:
                rows.append((date.fromisoformat(parts[0]), Decimal(parts[1])))
            except (IndexError, ValueError, InvalidOperation):
                raise forms.ValidationError(
                    _("Line %(n)s: write a date and an amount."), params={"n": number}
                ) from None
        return rows


class ProgressForm(VersionForm):
    percent = forms.IntegerField(label=_("Production progress (%)"), min_value=0, max_value=100)


class ShipForm(VersionForm):
    shipped_on = forms.DateField(label=_("Shipped on"), widget=forms.DateInput(attrs={"type": "date"}))


class DeliveryChangeForm(forms.Form):
    shipment = forms.TypedChoiceField(label=_("Shipment"), coerce=int)
    new_date = forms.DateField(label=_("Requested date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, shipments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipment"].choices = [
            (s.pk, f"#{s.sequence} · {s.planned_on:%Y-%m-%d}") for s in shipments
        ]


class PriceListForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    customer_tier = forms.ChoiceField(
        label=_("Customer tier"), choices=[("", _("Every tier")), *Tier.choices], required=False
    )
    region = forms.CharField(label=_("Province / region"), max_length=100, required=False)


class PriceForm(forms.Form):
    product = forms.TypedChoiceField(label=_("Product"), coerce=int)
    price = forms.DecimalField(label=_("Price"), min_value=0, **MONEY)
    floor_price = forms.DecimalField(label=_("Floor price"), min_value=0, **MONEY)

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = _choices(products, lambda p: f"{p.code} {p.name}")


class DiscountLimitsForm(forms.Form):
    def __init__(self, *args, limits=None, **kwargs):
        super().__init__(*args, **kwargs)
        for role in LADDER:
            self.fields[role] = forms.DecimalField(
                label=Role(role).label,
                max_digits=5,
                decimal_places=2,
                min_value=0,
                max_value=100,
                initial=(limits or {}).get(role),
            )


class ReviewStepFields(forms.Form):
    """A contract review step's settings; ``reviewers`` are the people who may be named."""

    name = forms.CharField(label=_("Step"), max_length=100)
    reviewer_role = forms.ChoiceField(label=_("Reviewer position"))
    reviewer = forms.ModelChoiceField(
        label=_("Named reviewer"), queryset=None, required=False, empty_label=_("Anyone of the position")
    )
    min_amount = forms.DecimalField(label=_("From contract value"), min_value=0, **MONEY)
    only_non_standard = forms.TypedChoiceField(
        label=_("Applies to"),
        choices=[(False, _("All contracts")), (True, _("Only non-standard terms (legal review)"))],
        coerce=lambda value: value == "True",
    )

    def __init__(self, *args, reviewers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer_role"].choices = [
            (role, label) for role, label in Role.choices if role in REVIEWER_ROLES
        ]
        self.fields["reviewer"].queryset = reviewers


class ReviewStepForm(VersionForm, ReviewStepFields):
    pass


class NewReviewStepForm(ReviewStepFields):
    sequence = forms.IntegerField(
        label=_("Order"),
        min_value=1,
        max_value=MAX_STEP_SEQUENCE,
        help_text=_("Steps run from the lowest number up."),
    )
    field_order = ["sequence"]


class ActiveForm(VersionForm):
    is_active = forms.BooleanField(required=False)
