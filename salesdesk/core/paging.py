"""Pages of results for lists and the API, without COUNT(*).

Counting a large table on every page costs more than reading the page. A page fetches one row
more than it shows; that row only says whether there is a next page."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class PageSlice:
    items: list[Any]
    number: int
    size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def page_slice(queryset: QuerySet, number: int | str | None, size: int = 50) -> PageSlice:
    try:
        number = max(1, int(number or 1))
    except (TypeError, ValueError):
        number = 1
    size = max(1, min(size, MAX_PAGE_SIZE))
    offset = (number - 1) * size
    rows = list(queryset[offset : offset + size + 1])
    return PageSlice(items=rows[:size], number=number, size=size, has_next=len(rows) > size)
