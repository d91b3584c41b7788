"""Forms validate input only; cleaned_data goes to a service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from salesdesk.planning.models import SplitMethod
from salesdesk.planning.services import SplitInto

MONEY = {"max_digits": 18, "decimal_places": 2, "min_value": 0}
# Seasonality weights are shares, not money: four decimals let 8.33 % style weights through.
WEIGHT = {"max_digits": 12, "decimal_places": 4, "min_value": 0}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")  # what <input type=date> reads, in any language


def owner_key(kind: str, pk: int) -> str:
    """How pages name an owner: "unit:4" or "user:17" (the same keys split_target takes)."""
    return f"{kind}:{pk}"


def parse_owner_key(value: str) -> tuple[str, int] | None:
    kind, _sep, pk = (value or "").partition(":")
    if kind not in ("unit", "user") or not pk.isdigit():
        return None
    return kind, int(pk)


class OwnerKeyField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if value and parse_owner_key(value) is None:
            raise forms.ValidationError(_("Choose an org unit or an employee."))
        return value


class VersionForm(forms.Form):
    """A button that acts on one record at the version the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


# --- plans -------------------------------------------------------------------------------------


class PlanStart:
    EMPTY = "empty"
    COPY = "copy"
    ACTUALS = "actuals"


class PlanCreateForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=100)
    start = forms.ChoiceField(
        label=_("Start from"),
        choices=[
            (PlanStart.EMPTY, _("An empty plan")),
            (PlanStart.COPY, _("A copy of another version")),
            (PlanStart.ACTUALS, _("Last year's actuals plus growth")),
        ],
        initial=PlanStart.EMPTY,
        widget=forms.RadioSelect,
    )
    copy_from = forms.TypedChoiceField(
        label=_("Version to copy"), coerce=int, empty_value=None, required=False
    )
    growth_percent = forms.DecimalField(
        label=_("Growth (%)"), max_digits=7, decimal_places=2, min_value=-100, required=False, initial=10
    )
    metrics = forms.MultipleChoiceField(
        label=_("Metrics to take from last year"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, plans=(), metric_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].choices = [("", "—"), *[(p.pk, str(p)) for p in plans]]
        self.fields["metrics"].choices = list(metric_choices)

    def clean(self):
        data = super().clean()
        start = data.get("start")
        if start == PlanStart.COPY and not data.get("copy_from"):
            self.add_error("copy_from", _("Choose the version to copy."))
        if start == PlanStart.ACTUALS:
            if data.get("growth_percent") is None:
                self.add_error("growth_percent", _("Give the growth over last year."))
            if not data.get("metrics"):
                self.add_error("metrics", _("Choose at least one metric."))
        return data


class LevelsForm(forms.Form):
    floor = forms.DecimalField(label=_("Floor (保底)"), **MONEY)
    goal = forms.DecimalField(label=_("Goal (目标)"), **MONEY)
    stretch = forms.DecimalField(label=_("Stretch (冲刺)"), **MONEY)


class TargetForm(LevelsForm):
    """A top target on the plan page: whose, which metric, which period, three levels."""

    owner = OwnerKeyField(label=_("Unit or employee"))
    metric = forms.ChoiceField(label=_("Metric"))
    product_series = forms.ChoiceField(
        label=_("Product series"),
        required=False,
        help_text=_("Quantity sold counts one product series; other figures leave it empty."),
    )
    period = forms.CharField(label=_("Period"), max_length=10, help_text=_("2026, 2026Q3 or 2026-07"))

    field_order = ["owner", "metric", "product_series", "period", "floor", "goal", "stretch"]

    def __init__(self, *args, owners=(), metric_choices=(), series_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].widget = forms.Select(choices=list(owners))
        self.fields["owner"].choices = list(owners)
        self.fields["metric"].choices = list(metric_choices)
        self.fields["product_series"].choices = [("", _("All products")), *((s, s) for s in series_choices)]


# --- the grid ----------------------------------------------------------------------------------


class GridCellForm(forms.Form):
    owner = OwnerKeyField()
    period = forms.CharField(max_length=10)
    goal = forms.DecimalField(**MONEY)
    version = forms.IntegerField(required=False, min_value=0)


class SplitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    into = forms.ChoiceField(label=_("Split into"))
    method = forms.ChoiceField(label=_("Method"), choices=SplitMethod.choices, initial=SplitMethod.EQUAL)
    distribution = forms.TypedChoiceField(
        label=_("Seasonality template"), coerce=int, empty_value=None, required=False
    )

    INTO_LABELS = {
        SplitInto.UNITS: _("Units or reps below"),
        SplitInto.QUARTERS: _("Quarters"),
        SplitInto.MONTHS: _("Months"),
    }

    def __init__(self, *args, intos=(), part_keys=(), distributions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [(into, self.INTO_LABELS[into]) for into in intos]
        self.fields["distribution"].choices = [("", "—"), *[(d.pk, str(d)) for d in distributions]]
        self.part_keys = list(part_keys)
        for key in self.part_keys:
            self.fields[f"part_{key}"] = forms.DecimalField(required=False, **WEIGHT)

    def clean(self):
        data = super().clean()
        if data.get("method") == SplitMethod.DISTRIBUTION and not data.get("distribution"):
            self.add_error("distribution", _("Choose a seasonality template."))
        return data

    def parts(self) -> dict[str, object]:
        """The weights (market potential) or amounts (manual) typed per part, by part key."""
        return {
            key: self.cleaned_data[f"part_{key}"]
            for key in self.part_keys
            if self.cleaned_data.get(f"part_{key}") is not None
        }


# --- bottom-up ---------------------------------------------------------------------------------


class ProposeForm(forms.Form):
    target = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    amount = forms.DecimalField(label=_("My number"), **MONEY)
    note = forms.CharField(label=_("Why this number"), max_length=500, required=False)


class ProposalDecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


# --- adjustments -------------------------------------------------------------------------------


class AdjustmentRequestForm(LevelsForm):
    reason = forms.CharField(label=_("Reason"), max_length=500)
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput)


class AdjustmentDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


# --- action plans ------------------------------------------------------------------------------


class ActionPlanForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), max_length=300)
    gap_amount = forms.DecimalField(label=_("Gap to close"), **MONEY)
    next_follow_up_on = forms.DateField(label=_("Next follow-up"), widget=DateInput)


class ActionItemForm(forms.Form):
    description = forms.CharField(label=_("Action"), max_length=300, required=False)
    due_on = forms.DateField(label=_("Due"), widget=DateInput, required=False)
    expected_amount = forms.DecimalField(label=_("Expected contribution"), required=False, **MONEY)

    def clean(self):
        data = super().clean()
        if data.get("description") and not data.get("due_on"):
            self.add_error("due_on", _("When is it due?"))
        if data.get("due_on") and not data.get("description"):
            self.add_error("description", _("What will be done?"))
        return data


ActionItemFormSet = forms.formset_factory(ActionItemForm, extra=0, min_num=3, max_num=20)


class ActionDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DateInput, required=False)


class ActionCheckForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = forms.CharField(label=_("Comment"), max_length=500)
    next_follow_up_on = forms.DateField(label=_("Next follow-up"), widget=DateInput)
    close = forms.BooleanField(label=_("Close the plan"), required=False)


# --- distributions -----------------------------------------------------------------------------


class DistributionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, month_labels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.month_labels = list(month_labels)
        for index, label in enumerate(self.month_labels):
            self.fields[f"weight_{index}"] = forms.DecimalField(label=label, **WEIGHT)

    def weight_fields(self):
        return [self[f"weight_{index}"] for index in range(len(self.month_labels))]

    def weights(self) -> list:
        return [self.cleaned_data[f"weight_{index}"] for index in range(len(self.month_labels))]


# --- attainment --------------------------------------------------------------------------------


class AttainmentFilterForm(forms.Form):
    plan = forms.TypedChoiceField(label=_("Plan"), coerce=int, empty_value=None, required=False)
    period = forms.CharField(label=_("Period"), max_length=10, required=False)
    metric = forms.ChoiceField(label=_("Metric"), required=False)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, plans=(), metric_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", _("The active plan")), *[(p.pk, str(p)) for p in plans]]
        self.fields["metric"].choices = [("", _("All metrics")), *metric_choices]
