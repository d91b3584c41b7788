"""Forms validate input only; cleaned_data goes to a service."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ProductFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    active = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), ("1", _("Active")), ("0", _("Inactive"))],
        required=False,
    )


class ProductForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(label=_("Code"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=200)
    series = forms.CharField(label=_("Series / line"), max_length=100, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=20, initial="台")
    list_price = forms.DecimalField(label=_("List price"), max_digits=18, decimal_places=2, min_value=0)
    cost = forms.DecimalField(
        label=_("Unit cost"), max_digits=18, decimal_places=2, min_value=0, required=False
    )
    is_active = forms.TypedChoiceField(
        label=_("Status"),
        choices=[(True, _("Active")), (False, _("Inactive"))],
        coerce=lambda value: value in (True, "True"),
        initial=True,
    )
