"""Forms validate input only; cleaned_data goes to a service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from salesdesk.pipeline.models import ForecastCategory, LeadSource, LeadStatus, StageOutcome

DATE = forms.DateInput(attrs={"type": "date"})
MONEY = {"max_digits": 18, "decimal_places": 2, "min_value": 0}


class LeadFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *LeadStatus.choices], required=False
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", _("All sources")), *LeadSource.choices], required=False
    )
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("Everyone")), *[(e.user_id, str(e)) for e in people]]


class LeadForm(forms.Form):
    company_name = forms.CharField(label=_("Company name"), max_length=200)
    contact_name = forms.CharField(label=_("Contact name"), max_length=100, required=False)
    contact_title = forms.CharField(label=_("Contact title"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    region = forms.CharField(label=_("Province / region"), max_length=100, required=False)
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    source = forms.ChoiceField(label=_("Source"), choices=LeadSource.choices, initial=LeadSource.OTHER)
    campaign = forms.CharField(label=_("Campaign"), max_length=200, required=False)
    need = forms.CharField(label=_("Need"), max_length=2000, required=False)
    estimated_amount = forms.DecimalField(label=_("Estimated amount"), required=False, **MONEY)


class QualifyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s, label) for s, label in LeadStatus.choices if s not in {"new", "converted"}],
    )
    reason = forms.CharField(label=_("Reason (when disqualified)"), max_length=200, required=False)


class AssignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    owner = forms.TypedChoiceField(label=_("Hand to"), coerce=int)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(e.user_id, str(e)) for e in people]


class RoundRobinForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(t.pk, str(t)) for t in teams]


class ConvertForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    customer = forms.TypedChoiceField(
        label=_("Customer"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Leave empty to create a new customer from the lead."),
    )
    confirm_not_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)
    opportunity_name = forms.CharField(label=_("Opportunity name"), max_length=200)
    amount = forms.DecimalField(label=_("Amount"), required=False, **MONEY)
    expected_close_on = forms.DateField(label=_("Expected close"), widget=DATE, required=False)

    def __init__(self, *args, customers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].choices = [
            ("", _("New customer from the lead")),
            *[(c.pk, str(c)) for c in customers],
        ]


class OpportunityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, empty_value=None, required=False)
    stage = forms.TypedChoiceField(label=_("Stage"), coerce=int, empty_value=None, required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("Any outcome")), *StageOutcome.choices], required=False
    )
    close_from = forms.DateField(label=_("Expected close from"), widget=DATE, required=False)
    close_to = forms.DateField(label=_("Expected close until"), widget=DATE, required=False)
    customer = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, people=(), stages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("Everyone")), *[(e.user_id, str(e)) for e in people]]
        self.fields["stage"].choices = [("", _("All stages")), *[(s.pk, str(s)) for s in stages]]


class OpportunityForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=200)
    amount = forms.DecimalField(label=_("Amount"), initial=0, **MONEY)
    expected_close_on = forms.DateField(label=_("Expected close"), widget=DATE, required=False)
    competitor = forms.CharField(label=_("Competitor"), max_length=200, required=False)

    def __init__(self, *args, customers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customers is None:
            del self.fields["customer"]
        else:
            self.fields["customer"].choices = [(c.pk, str(c)) for c in customers]


class MoveForm(forms.Form):
    version = forms.IntegerField(min_value=1)
    stage = forms.TypedChoiceField(label=_("Stage"), coerce=int)
    loss_reason = forms.TypedChoiceField(label=_("Loss reason"), coerce=int, empty_value=None, required=False)
    loss_note = forms.CharField(label=_("Note"), max_length=2000, required=False)

    def __init__(self, *args, stages=(), loss_reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s.pk, str(s)) for s in stages]
        self.fields["loss_reason"].choices = [("", "—"), *[(r.pk, str(r)) for r in loss_reasons]]


class LineForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    product = forms.TypedChoiceField(label=_("Product"), coerce=int)
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=12, decimal_places=2, min_value=0.01, initial=1
    )
    unit_price = forms.DecimalField(
        label=_("Unit price"), required=False, help_text=_("Empty: the list price."), **MONEY
    )

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [(p.pk, f"{p.code} {p.name}") for p in products]


class CreditSplitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    ROWS = 4

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *[(e.user_id, str(e)) for e in people]]
        for row in range(self.ROWS):
            self.fields[f"person_{row}"] = forms.TypedChoiceField(
                label=_("Person"), choices=choices, coerce=int, empty_value=None, required=False
            )
            self.fields[f"percent_{row}"] = forms.DecimalField(
                label=_("Share (%)"),
                max_digits=5,
                decimal_places=2,
                min_value=0,
                max_value=100,
                required=False,
            )

    def rows(self):
        return [(self[f"person_{row}"], self[f"percent_{row}"]) for row in range(self.ROWS)]

    def splits(self) -> list[tuple[int, object]]:
        data = self.cleaned_data
        return [
            (data[f"person_{row}"], data[f"percent_{row}"])
            for row in range(self.ROWS)
            if data.get(f"person_{row}") and data.get(f"percent_{row}") is not None
        ]


# Pipeline settings (administrators)


class StageForm(forms.Form):
    name = forms.CharField(label=_("Name (Chinese)"), max_length=50)
    name_en = forms.CharField(label=_("English name"), max_length=50)
    probability = forms.IntegerField(label=_("Probability (%)"), min_value=0, max_value=100)
    forecast_category = forms.ChoiceField(label=_("Forecast category"), choices=ForecastCategory.choices)


class NewStageForm(StageForm):
    position = forms.TypedChoiceField(label=_("Place"), coerce=int)

    def __init__(self, *args, open_stages=(), **kwargs):
        kwargs.setdefault("prefix", "new-stage")
        super().__init__(*args, **kwargs)
        last = len(open_stages) + 1
        self.fields["position"].choices = [
            *[(place, _("Before %(stage)s") % {"stage": s}) for place, s in enumerate(open_stages, start=1)],
            (last, _("After the last open stage")),
        ]
        self.fields["position"].initial = last
        self.fields["forecast_category"].initial = ForecastCategory.PIPELINE


class StageMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class ActiveForm(forms.Form):
    """Switch a stage or loss reason on ("true") or off ("false")."""

    is_active = forms.BooleanField(required=False)


class LossReasonForm(forms.Form):
    name = forms.CharField(label=_("Name (Chinese)"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100, required=False)
