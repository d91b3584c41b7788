"""The contract review steps over HTTP: list them, add or replace one (PUT), change some of its
fields (PATCH). Changing a step names the version loaded; a newer one answers 409."""

from datetime import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Path, Schema

from salesdesk.core.access import permission
from salesdesk.core.api import ERRORS, MAX_ID, WRITE_ERRORS, InputSchema
from salesdesk.orders import selectors, services
from salesdesk.orders.api.common import MONEY, REF, VERSION, router
from salesdesk.orders.rules import MAX_STEP_SEQUENCE

SEQUENCE = Path(..., ge=1, le=MAX_STEP_SEQUENCE)
ROLES = "supervisor, manager, director, finance or admin"
REVIEWER = "a named reviewer, e.g. the legal counsel; null: anyone of the position"


class ReviewStepOut(Schema):
    id: int
    sequence: int
    name: str
    reviewer_role: str
    reviewer_id: int | None
    min_amount: Decimal
    only_non_standard: bool
    is_active: bool
    version: int
    updated_at: datetime
    updated_by_id: int | None


class ReviewStepIn(InputSchema):
    version: int | None = Field(
        None, ge=1, le=MAX_ID, description="needed to change an existing step: the version you loaded"
    )
    name: str = Field(..., min_length=1, max_length=100)
    reviewer_role: str = Field(..., max_length=20, description=ROLES)
    reviewer_id: int | None = Field(None, **REF, description=REVIEWER)
    min_amount: Decimal = Field(Decimal(0), **MONEY)
    only_non_standard: bool = False
    is_active: bool = True


class ReviewStepChangesIn(InputSchema):
    version: int = VERSION
    name: str | None = Field(None, min_length=1, max_length=100)
    reviewer_role: str | None = Field(None, max_length=20, description=ROLES)
    reviewer_id: int | None = Field(None, **REF, description=REVIEWER)
    min_amount: Decimal | None = Field(None, **MONEY)
    only_non_standard: bool | None = None
    is_active: bool | None = None


def _fields(request, data: dict) -> dict:
    """The body's fields as the service's keywords: ``reviewer_id`` becomes the reviewer."""
    if "reviewer_id" in data:
        reviewer_id = data.pop("reviewer_id")
        company_id = selectors.company_of(request.user).pk
        data["reviewer"] = (
            get_object_or_404(selectors.reviewer_choices(company_id), pk=reviewer_id) if reviewer_id else None
        )
    return data


def _step(request, sequence: int):
    return get_object_or_404(selectors.review_steps(selectors.company_of(request.user).pk), sequence=sequence)


@router.get("/settings/review-steps", response={200: list[ReviewStepOut], **ERRORS})
@permission("orders.view_orders")
def list_review_steps(request):
    company = selectors.company_of(request.user)
    services.ensure_review_steps(company)
    return list(selectors.review_steps(company.pk))


@router.put("/settings/review-steps/{sequence}", response={200: ReviewStepOut, **WRITE_ERRORS})
@permission("orders.configure_contract_review")
def save_review_step(request, payload: ReviewStepIn, sequence: int = SEQUENCE):
    data = _fields(request, payload.model_dump())
    step = services.save_review_step(
        acting_user=request.user,
        company=selectors.company_of(request.user),
        sequence=sequence,
        expected_version=data.pop("version"),
        **data,
    )
    return _step(request, step.sequence)


@router.patch("/settings/review-steps/{sequence}", response={200: ReviewStepOut, **WRITE_ERRORS})
@permission("orders.configure_contract_review")
def update_review_step(request, payload: ReviewStepChangesIn, sequence: int = SEQUENCE):
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    changes = {k: v for k, v in data.items() if v is not None or k == "reviewer_id"}
    services.update_review_step(
        acting_user=request.user,
        step=_step(request, sequence),
        expected_version=version,
        changes=_fields(request, changes),
    )
    return _step(request, sequence)
