from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("User name"), widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


def add_service_error(form: forms.Form, exc) -> None:
    """Show a BusinessRuleViolation or StaleVersion on the form: on the field it names, else on top."""
    details = exc.details if isinstance(exc.details, dict) else {}
    fields = details.get("fields") or ({details["field"]: exc.message} if "field" in details else {})
    placed = False
    for field, reason in fields.items():
        if field in form.fields:
            form.add_error(field, reason)
            placed = True
    if not placed:
        form.add_error(None, exc.message)
