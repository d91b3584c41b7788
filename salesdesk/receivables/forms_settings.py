"""Forms of the collection settings page (aging buckets, dunning ladder, collection policy): input
validation only; the bucket, ladder and policy rules live in rules_aging and the services."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from salesdesk.org.models import Role
from salesdesk.receivables import rules_aging as rules
from salesdesk.receivables.models import DunningLevel

MAX_BOUND_DAYS = 36500


class VersionForm(forms.Form):
    """The version of the row a button acts on (remove, deactivate, reactivate)."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class NewBucketForm(forms.Form):
    max_days = forms.IntegerField(
        label=capfirst(_("up to days overdue")), min_value=0, max_value=MAX_BOUND_DAYS
    )
    provision_percent = forms.DecimalField(
        label=capfirst(_("provision (%)")), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )


class BucketForm(VersionForm, NewBucketForm):
    # Empty for the open-ended bucket; the rules refuse a set without exactly one of those.
    max_days = forms.IntegerField(
        label=capfirst(_("up to days overdue")), min_value=0, max_value=MAX_BOUND_DAYS, required=False
    )


class NewStepForm(forms.Form):
    days_overdue = forms.IntegerField(
        label=capfirst(_("days overdue")), min_value=rules.MIN_STEP_DAYS, max_value=rules.MAX_STEP_DAYS
    )
    notify = forms.ChoiceField(label=capfirst(_("notify")), choices=DunningLevel.choices)


class StepForm(VersionForm, NewStepForm):
    pass


class PolicyForm(VersionForm):
    doubtful_after_days = forms.IntegerField(
        label=capfirst(_("doubtful after (days overdue)")), min_value=1, max_value=MAX_BOUND_DAYS
    )
    bad_after_days = forms.IntegerField(
        label=capfirst(_("bad after (days overdue)")), min_value=1, max_value=MAX_BOUND_DAYS
    )
    legal_user = forms.TypedChoiceField(label=capfirst(_("legal contact")), coerce=int, required=False)
    legal_role = forms.ChoiceField(label=capfirst(_("legal role")), choices=Role.choices)

    def __init__(self, *args, legal_candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_user"].choices = [("", "—"), *legal_candidates]
        self.fields["legal_user"].empty_value = None
