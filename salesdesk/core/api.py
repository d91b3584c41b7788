"""What every API router shares: the error schema, pagination without COUNT(*), auth."""

from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import BaseModel, field_validator

from salesdesk.core.paging import MAX_PAGE_SIZE, page_slice

T = TypeVar("T")


class ErrorOut(Schema):
    code: str
    message: str
    details: Any = None


class UserRef(Schema):
    id: int
    username: str
    full_name: str


# The error answers every authenticated route can give.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {**ERRORS, 409: ErrorOut}


class PageParams(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="1-based page number")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class Page(BaseModel, Generic[T]):
    """A page of results, without a total (see core.paging)."""

    items: list[T]
    page: int
    page_size: int
    has_next: bool


def page_of(queryset: QuerySet, params: PageParams) -> dict[str, Any]:
    page = page_slice(queryset, params.page, params.page_size)
    return {"items": page.items, "page": page.number, "page_size": page.size, "has_next": page.has_next}


MAX_ID = 2**31 - 1


def _reject_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    if isinstance(value, dict):
        for item in value.values():
            _reject_nul(item)
    if isinstance(value, list):
        for item in value:
            _reject_nul(item)
    return value


class InputSchema(Schema):
    """Base of every request body and filter: refuses NUL characters, which PostgreSQL cannot store."""

    @field_validator("*", mode="after")
    @classmethod
    def no_nul_characters(cls, value: Any) -> Any:
        return _reject_nul(value)
