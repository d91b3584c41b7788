from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from salesdesk.core import periods
from salesdesk.metrics import selectors
from salesdesk.metrics.registry import By


def period_choices(today: date) -> list[tuple[str, str]]:
    """This and last fiscal year, this year's quarters and months, and the last four ISO weeks."""
    start_month = settings.FISCAL_YEAR_START_MONTH
    fiscal_year = periods.fiscal_year_of(today, fiscal_start_month=start_month)
    year = periods.parse(str(fiscal_year), fiscal_start_month=start_month)
    keys = [year.key, str(fiscal_year - 1)]
    keys += [
        p.key for p in periods.children(year, periods.Granularity.QUARTER, fiscal_start_month=start_month)
    ]
    keys += [p.key for p in periods.children(year, periods.Granularity.MONTH, fiscal_start_month=start_month)]
    keys += [periods.period_of(today - timedelta(weeks=n), periods.Granularity.WEEK).key for n in range(4)]
    return [(key, key) for key in keys]


class MetricQueryForm(forms.Form):
    metric = forms.ChoiceField(label=_("Metric"))
    by = forms.ChoiceField(label=_("Group by"), choices=By.choices)
    period = forms.CharField(label=_("Period"), max_length=20)

    def __init__(self, *args, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [(m.name, m.label) for m in selectors.definitions()]
        self.period_choices = period_choices(today)

    def clean(self):
        data = super().clean()
        metric, by, period = data.get("metric"), data.get("by"), data.get("period")
        if metric and by and by not in selectors.metric_named(metric).groupings:
            self.add_error("by", _("This metric cannot be grouped this way."))
        if period:
            try:
                selectors.period_for(period)
            except selectors.InvalidMetricQuery as exc:
                self.add_error("period", exc.message)
        return data
