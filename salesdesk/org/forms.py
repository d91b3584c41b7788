"""Forms validate input only; cleaned_data goes to a service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from salesdesk.core.access import DataScope
from salesdesk.org.models import CareerTrack, Employee, EmployeeStatus, Level, OrgUnit, Role, UnitKind

DATE = forms.DateInput(attrs={"type": "date"})


class EmployeeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    unit = forms.ModelChoiceField(label=_("Org unit"), queryset=OrgUnit.objects.none(), required=False)
    role = forms.ChoiceField(
        label=_("Position"), choices=[("", _("All positions")), *Role.choices], required=False
    )
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("All levels")), *Level.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *EmployeeStatus.choices], required=False
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else OrgUnit.objects.none()


class EmployeeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    unit = forms.ModelChoiceField(label=_("Org unit"), queryset=OrgUnit.objects.none())
    role = forms.ChoiceField(label=_("Position"), choices=Role.choices)
    manager = forms.ModelChoiceField(
        label=_("Direct manager"), queryset=Employee.objects.none(), required=False
    )
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    career_track = forms.ChoiceField(label=_("Career track"), choices=CareerTrack.choices)
    hire_date = forms.DateField(label=_("Hire date"), widget=DATE)
    probation_end = forms.DateField(label=_("Probation ends"), widget=DATE, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=EmployeeStatus.choices)
    left_on = forms.DateField(label=_("Left on"), widget=DATE, required=False)

    def __init__(self, *args, units=None, managers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["manager"].queryset = managers


class EmployeeCreateForm(forms.Form):
    username = forms.RegexField(label=_("User name"), regex=r"^[\w.@+-]+$", min_length=3, max_length=150)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, max_length=128)
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    employee_no = forms.CharField(label=_("Employee number"), max_length=30)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    unit = forms.ModelChoiceField(label=_("Org unit"), queryset=OrgUnit.objects.none())
    role = forms.ChoiceField(label=_("Position"), choices=Role.choices)
    manager = forms.ModelChoiceField(
        label=_("Direct manager"), queryset=Employee.objects.none(), required=False
    )
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    career_track = forms.ChoiceField(label=_("Career track"), choices=CareerTrack.choices)
    hire_date = forms.DateField(label=_("Hire date"), widget=DATE)
    probation_end = forms.DateField(label=_("Probation ends"), widget=DATE, required=False)

    def __init__(self, *args, units=None, managers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["manager"].queryset = managers


class DelegationForm(forms.Form):
    delegator = forms.ModelChoiceField(label=_("Work of"), queryset=Employee.objects.none())
    delegate = forms.ModelChoiceField(label=_("Hand to"), queryset=Employee.objects.none())
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegator"].queryset = candidates
        self.fields["delegate"].queryset = candidates


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Browser default")), ("zh-hans", "简体中文"), ("en", "English")],
        required=False,
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("What the token is for, e.g. ERP sync.")
    )
    expires_on = forms.DateField(label=_("Expires on"), widget=DATE, required=False)


class UnitForm(forms.Form):
    parent = forms.ModelChoiceField(label=_("Parent unit"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("Unit name"), max_length=100)
    code = forms.CharField(label=_("Code"), max_length=30)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices, initial=UnitKind.TEAM)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = units


class PositionScopeForm(forms.Form):
    data_scope = forms.ChoiceField(label=_("Data scope"), choices=DataScope.choices)
