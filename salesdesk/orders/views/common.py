"""What the order pages share: list pages with their filters, a service call from a form (small
POST forms report on the record's page, full forms show a refusal next to their fields), and the
one generic view of the workflow transitions (see salesdesk.orders.transitions).

A refused action comes back as a message on the record's page (the service's translated reason),
a done one as a success message."""

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from salesdesk.core.access import permission
from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.core.forms import add_service_error
from salesdesk.core.paging import page_slice
from salesdesk.orders import forms
from salesdesk.orders.transitions import TRANSITIONS, call, record_for

SERVICE_ERRORS = (BusinessRuleViolation, StaleVersion)


def filters_from(request, form_class: type[django_forms.Form], filters_class: type) -> tuple:
    """The list's filter form and the selector's filters it yields (none while it is invalid)."""
    form = form_class(request.GET or None)
    return form, filters_class(**form.cleaned_data) if form.is_valid() else filters_class()


def list_page(request, rows, *, template: str, fragment: str, **context: Any):
    """A page of ``rows``: the whole page, or just its rows for HTMX (filtering, paging)."""
    context |= {"page": page_slice(rows, request.GET.get("page")), "query": request.GET.urlencode()}
    return render(request, fragment if request.htmx else template, context)


def attempt(form: django_forms.Form, action: Callable[[], Any]) -> Any:
    """The service call's result, or None when the service refused (its reason goes on ``form``)."""
    try:
        return action()
    except SERVICE_ERRORS as exc:
        add_service_error(form, exc)
        return None


def act(request, record, action: Callable[[], Any], done: str, form: django_forms.Form | None = None):
    """Run one service call from a small POST form; report the outcome on the record's page."""
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(record.get_absolute_url())
    try:
        action()
    except SERVICE_ERRORS as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(record.get_absolute_url())


def submit(request, record, form: django_forms.Form, service: Callable, done: str, **records: Any):
    """``act`` with the form's fields as the service's keywords, and ``records`` it acts on."""
    return act(
        request,
        record,
        lambda: call(service, user=request.user, values=form.cleaned_data, **records),
        done,
        form,
    )


def version_of(request) -> int:
    """The version a small form posted (0 when missing: the service then answers stale)."""
    form = forms.VersionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else 0


def transition_view(name: str, form_class: type[django_forms.Form]) -> Callable:
    """The POST view of transition ``name``: the form's fields are the service's keywords."""
    transition = TRANSITIONS[name]

    @require_POST
    @permission(transition.rule)
    def view(request, pk: int):
        record = record_for(transition, request.user, pk)
        form = form_class(request.POST)
        return submit(
            request, record, form, transition.service, transition.done, **{transition.record: record}
        )

    view.__name__ = name
    return view
