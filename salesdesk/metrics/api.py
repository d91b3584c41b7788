"""Metrics over HTTP: parse, call selectors.compute with the caller (their scope), return."""

from decimal import Decimal

from ninja import Field, Query, Router, Schema

from salesdesk.core.access import permission
from salesdesk.core.api import ERRORS, InputSchema
from salesdesk.metrics import selectors
from salesdesk.metrics.registry import By, MetricUnit

router = Router(tags=["metrics"])

PERIOD_PATTERN = r"^\d{4}(Q[1-4]|-(0[1-9]|1[0-2])|-W(0[1-9]|[1-4]\d|5[0-3]))?$"


class MetricQueryIn(InputSchema):
    metric: str = Field(..., min_length=1, max_length=64, pattern=r"^[a-z_]+$", description="a metric name")
    by: By = Field(..., description="grouping; each metric lists the ones it supports")
    period: str = Field(
        ..., pattern=PERIOD_PATTERN, description="period key: 2026, 2026Q3, 2026-07 or 2026-W31 (fiscal year)"
    )
    series: str = Field(
        "", max_length=100, description="one product series (line); only metrics with by_series take it"
    )


class MetricRowOut(Schema):
    key: int | str | None
    label: str
    value: Decimal | int | None


class MetricResultOut(Schema):
    metric: str
    period: str
    by: By
    unit: MetricUnit
    series: str
    rows: list[MetricRowOut]


class MetricDefinitionOut(Schema):
    name: str
    label: str
    unit: MetricUnit
    description: str
    groupings: list[By]
    by_series: bool


@router.get("", response={200: MetricResultOut, **ERRORS})
@permission("metrics.view")
def compute_metric(request, query: Query[MetricQueryIn]):
    """One metric for every group in the period, within the caller's data scope."""
    rows = selectors.compute(
        query.metric, by=query.by, period=query.period, user=request.user, series=query.series
    )
    metric = selectors.metric_named(query.metric)
    return {
        "metric": metric.name,
        "period": query.period,
        "by": query.by,
        "unit": metric.unit,
        "series": query.series,
        "rows": rows,
    }


@router.get("/definitions", response={200: list[MetricDefinitionOut], **ERRORS})
@permission("metrics.view")
def list_definitions(request):
    return [
        {
            "name": metric.name,
            "label": str(metric.label),
            "unit": metric.unit,
            "description": str(metric.description),
            "groupings": list(metric.groupings),
            "by_series": metric.by_series,
        }
        for metric in selectors.definitions()
    ]
