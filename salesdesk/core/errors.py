"""Errors a person can act on. The API renders them as {"code", "message", "details"};
pages show the message next to the form that caused it."""

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _


class SalesDeskError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str | None = None, *, details: Any = None) -> None:
        self.message = str(message) if message is not None else str(self.default_message())
        self.details = details
        super().__init__(self.message)

    def default_message(self) -> str:
        return _("The request could not be processed.")


class BusinessRuleViolation(SalesDeskError):
    """A rule of the business refuses the action (422)."""

    status = 422
    code = "business_rule"


class StaleVersion(SalesDeskError):
    """Someone saved the record after the caller loaded it (409)."""

    status = 409
    code = "stale_version"

    def __init__(self, *, changed_by: str, changed_at: datetime | None, current_version: int) -> None:
        from django.utils import formats, timezone

        when = formats.date_format(timezone.localtime(changed_at), "DATETIME_FORMAT") if changed_at else "?"
        message = _(
            "%(who)s changed this record at %(when)s, after you opened it. "
            "Reload to see their changes, then apply yours again."
        ) % {"who": changed_by, "when": when}
        super().__init__(
            message,
            details={
                "changed_by": changed_by,
                "changed_at": changed_at.isoformat() if changed_at else None,
                "current_version": current_version,
            },
        )
