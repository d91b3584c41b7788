"""Seasonality templates (twelve monthly weights), the director's."""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from salesdesk.core.access import permission
from salesdesk.org import selectors as org
from salesdesk.planning import forms, services
from salesdesk.planning.models import (
    Distribution,
)
from salesdesk.planning.views.common import (
    SERVICE_ERRORS,
    show_error,
)


def _month_labels() -> list[str]:
    """The twelve months in fiscal order (a distribution's weights are stored that way)."""
    start = settings.FISCAL_YEAR_START_MONTH
    return [str(MONTHS[(start - 1 + index) % 12 + 1]) for index in range(12)]


@permission("planning.manage_plans")
def distribution_list(request):
    distributions = Distribution.objects.visible_to(request.user).order_by("-is_active", "name")
    rows = [(d, [Decimal(str(w)) for w in d.weights]) for d in distributions]
    return render(request, "planning/distribution_list.html", {"rows": rows, "month_labels": _month_labels()})


def _save_distribution(request, distribution: Distribution | None):
    initial = {"is_active": True}
    if distribution is not None:
        initial = {
            "version": distribution.version,
            "name": distribution.name,
            "description": distribution.description,
            "is_active": distribution.is_active,
        } | {f"weight_{index}": weight for index, weight in enumerate(distribution.weights)}
    else:
        initial |= {f"weight_{index}": 1 for index in range(12)}
    form = forms.DistributionForm(request.POST or None, initial=initial, month_labels=_month_labels())
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.save_distribution(
                    acting_user=request.user,
                    company=org.company_of(request.user),
                    name=data["name"],
                    description=data["description"],
                    weights=form.weights(),
                    distribution=distribution,
                    expected_version=data["version"],
                    is_active=data["is_active"],
                )
            except SERVICE_ERRORS as exc:
                status = show_error(request, form, exc)
            else:
                messages.success(request, _("Seasonality template %(name)s was saved.") % {"name": saved})
                return redirect("planning:distribution_list")
    return render(
        request,
        "planning/distribution_form.html",
        {"form": form, "distribution": distribution},
        status=status,
    )


@permission("planning.manage_plans")
def distribution_create(request):
    return _save_distribution(request, None)


@permission("planning.manage_plans")
def distribution_edit(request, pk: int):
    distribution = get_object_or_404(Distribution.objects.visible_to(request.user), pk=pk)
    return _save_distribution(request, distribution)
