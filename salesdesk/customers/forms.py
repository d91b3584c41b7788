"""Forms validate input only; cleaned_data goes to a service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from salesdesk.customers.models import (
    Contact,
    Customer,
    CustomerPolicy,
    Lifecycle,
    Nature,
    Tier,
    TierPolicy,
    ValueClass,
    VisitChannel,
    VisitStatus,
)
from salesdesk.org.models import Employee

DATE = forms.DateInput(attrs={"type": "date"})

# The four parts of the customer card (客户档案), then its classifications.
CARD_SECTIONS = [
    (
        _("Basic information"),
        [
            "name", "tax_id", "legal_representative", "industry", "region", "city", "address",
            "delivery_address", "phone", "website", "year_established", "parent_name",
        ],
    ),
    (
        _("Characteristics"),
        [
            "service_area", "sales_capacity", "growth_potential", "business_policy", "staff_count",
            "annual_revenue",
        ],
    ),
    (_("Business status"), ["purchase_history", "competitor_relations", "cooperation_attitude"]),
    (_("Transaction status"), ["trade_terms", "credit_status", "credit_problems"]),
    (_("Classification"), ["tier", "nature", "lifecycle"]),
]  # fmt: skip
CARD_FIELDS = [name for _title, names in CARD_SECTIONS for name in names]


def _style(form: forms.Form) -> None:
    """Tabler's classes on every widget, so templates can render fields as they are."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("class", "form-control")
            widget.attrs.setdefault("rows", 3)
        else:
            widget.attrs.setdefault("class", "form-control")


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    tier = forms.ChoiceField(label=_("Tier"), choices=[("", _("All tiers")), *Tier.choices], required=False)
    nature = forms.ChoiceField(
        label=_("Nature"), choices=[("", _("Any nature")), *Nature.choices], required=False
    )
    lifecycle = forms.ChoiceField(
        label=_("Lifecycle"), choices=[("", _("Any lifecycle")), *Lifecycle.choices], required=False
    )
    value_class = forms.ChoiceField(
        label=_("ABC class"), choices=[("", _("Any class")), *ValueClass.choices], required=False
    )
    holder = forms.ChoiceField(
        label=_("Owner"),
        choices=[
            ("", _("Owned and pool")),
            ("mine", _("Mine")),
            ("owned", _("Owned")),
            ("pool", _("Public pool")),
        ],
        required=False,
    )
    owner = forms.ModelChoiceField(
        label=_("Owned by"), queryset=Employee.objects.none(), required=False, empty_label=_("Anyone")
    )

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners if owners is not None else Employee.objects.none()
        _style(self)


class CustomerForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm_not_duplicate = forms.BooleanField(
        label=_("This is not a duplicate of the customers listed above"), required=False
    )

    class Meta:
        model = Customer
        fields = CARD_FIELDS
        widgets = {"year_established": forms.NumberInput(attrs={"min": 1800, "max": 2100})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year_established"].min_value = 1800
        self.fields["year_established"].max_value = 2100
        _style(self)

    def _post_clean(self):
        # Uniqueness and duplicates are the service's business (it names the duplicates); the form
        # only checks each value.
        pass

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in CARD_SECTIONS]


class ContactForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Contact
        fields = [
            "name", "title", "department", "phone", "email", "wechat", "is_primary", "is_decision_maker",
            "character", "hobbies", "background",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def _post_clean(self):
        pass


class VisitPlanForm(forms.Form):
    planned_on = forms.DateField(label=_("Planned for"), widget=DATE)
    channel = forms.ChoiceField(label=_("Channel"), choices=VisitChannel.choices)
    contact = forms.ModelChoiceField(label=_("Contact"), queryset=Contact.objects.none(), required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)

    def __init__(self, *args, contacts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts if contacts is not None else Contact.objects.none()
        _style(self)


class VisitCompleteForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DATE)
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea, max_length=5000)
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)
    next_on = forms.DateField(label=_("Next date"), widget=DATE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class VisitCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class VisitFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *VisitStatus.choices], required=False
    )
    date_from = forms.DateField(label=_("From"), widget=DATE, required=False)
    date_to = forms.DateField(label=_("Until"), widget=DATE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ReleaseForm(forms.Form):
    reason = forms.CharField(label=_("Why do you release the customer?"), max_length=300)


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("New owner"), queryset=Employee.objects.none())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = candidates if candidates is not None else Employee.objects.none()
        _style(self)


class VisitReportForm(forms.Form):
    period = forms.RegexField(
        label=_("Period"),
        regex=r"^(\d{4}-W\d{2}|\d{4}-\d{2}|\d{4}Q[1-4]|\d{4})$",
        max_length=10,
        required=False,
        help_text=_("A week (2026-W31), month (2026-07), quarter (2026Q3) or year (2026)"),
    )
    by = forms.ChoiceField(label=_("Per"), choices=[("day", _("Day")), ("week", _("Week"))], required=False)


# Settings (directors and administrators): the fields come from the models, labels included; the
# rules between them (warning before the pool, A below B) are the service's.
TIER_POLICY_FORM_FIELDS = ["service_plan", "visit_interval_days", "pool_after_days", "warn_days_before"]
CUSTOMER_POLICY_FORM_FIELDS = ["a_share", "b_share", "pool_claim_cap", "pool_cooldown_days"]


class TierPolicyForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(TierPolicy, fields=TIER_POLICY_FORM_FIELDS))
        _style(self)


class CustomerPolicyForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(CustomerPolicy, fields=CUSTOMER_POLICY_FORM_FIELDS))
        _style(self)
