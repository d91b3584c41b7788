"""The metrics explorer: pick a metric, a grouping and a period; see a table and a bar chart.
HTMX swaps the result fragment when a select changes."""

from django.shortcuts import render
from django.utils import timezone

from salesdesk.core.access import permission
from salesdesk.metrics import forms, selectors


@permission("metrics.view")
def explorer(request):
    today = timezone.localdate()
    data = request.GET.copy()
    form = forms.MetricQueryForm(data or None, today=today)
    if not data:
        form = forms.MetricQueryForm(
            {"metric": "won_amount", "by": "employee", "period": form.period_choices[0][0]}, today=today
        )
    result = None
    if form.is_valid():
        query = form.cleaned_data
        metric = selectors.metric_named(query["metric"])
        rows = selectors.compute(metric.name, by=query["by"], period=query["period"], user=request.user)
        result = {"metric": metric, "by": query["by"], "period": query["period"], "rows": rows}
    period_choices = form.period_choices
    chosen = form.data.get("period", "")
    if chosen and chosen not in dict(period_choices):
        period_choices = [(chosen, chosen), *period_choices]
    context = {
        "form": form,
        "result": result,
        "chart": _chart(result),
        "period_choices": period_choices,
        "definitions": selectors.definitions(),
    }
    template = "metrics/_result.html" if request.htmx else "metrics/explorer.html"
    return render(request, template, context)


def _chart(result) -> dict | None:
    if result is None:
        return None
    return {
        "labels": [row.label for row in result["rows"]],
        "values": [None if row.value is None else float(row.value) for row in result["rows"]],
        "name": str(result["metric"].label),
    }
