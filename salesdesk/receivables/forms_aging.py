"""Forms of the aging, dunning, bad-debt and workbench pages: input validation only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from salesdesk.receivables.aging import GROUPINGS
from salesdesk.receivables.models import ContactChannel, ContactOutcome, DebtClass

GROUPING_LABELS = {
    "bucket": _("Bucket"),
    "customer": _("Customer"),
    "collector": _("Collector"),
    "unit": _("Org unit"),
}


class AgingFilterForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.ChoiceField(
        label=_("Group by"), choices=[(g, GROUPING_LABELS[g]) for g in GROUPINGS], required=False
    )
    bucket = forms.IntegerField(min_value=0, max_value=100, required=False, widget=forms.HiddenInput)
    customer = forms.IntegerField(min_value=1, max_value=2**31 - 1, required=False, widget=forms.HiddenInput)
    collector = forms.IntegerField(min_value=1, max_value=2**31 - 1, required=False, widget=forms.HiddenInput)


class ContactAttemptForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactChannel.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ContactOutcome.choices)
    promised_amount = forms.DecimalField(
        label=_("Promised amount"), required=False, min_value=0, max_digits=18, decimal_places=2
    )
    promised_on = forms.DateField(
        label=_("Promised date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    next_action_on = forms.DateField(
        label=_("Next action"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ClassifyForm(forms.Form):
    debt_class = forms.ChoiceField(label=_("Debt class"), choices=DebtClass.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class WriteOffRequestForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the write-off"), max_length=500)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
