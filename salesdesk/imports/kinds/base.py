"""What every import kind shares: its fields, the context a run carries, and the set-based
write: new rows by COPY / executemany (salesdesk.core.bulk), matched ones by bulk_update, and
their history rows copied inside the database."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_noop

from salesdesk.core import bulk
from salesdesk.imports.rules import Invalid, Reason
from salesdesk.org.models import Company, Employee, User

BATCH = 1000
KEY_CHUNK = 5000  # stays under SQLite's bound-parameter limit

UNKNOWN_EMPLOYEE = gettext_noop("unknown employee")
AMBIGUOUS_EMPLOYEE = gettext_noop("more than one employee has this name; use the employee number")
OWNER_OUT_OF_SCOPE = gettext_noop("this person is outside your scope: you may not give them records")
DUPLICATE_KEY = gettext_noop("the same key is already in row %(row)s")


@dataclass(frozen=True)
class Field:
    name: str
    label: Any  # lazy translated label, also accepted as a column header
    parse: Callable[[Any], Any]
    required: bool = False


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    raw: dict[str, Any]  # the file's cells per field, for the report


class RowError(Exception):
    def __init__(self, field_name: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.field = field_name
        self.reason = Reason(message, params)


@dataclass
class Context:
    company: Company
    acting_user: User
    now: datetime
    job_id: int | None = None
    warnings: list[tuple[Row, str, Reason]] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)

    def warn(self, row: Row, field_name: str, message: str, **params: Any) -> None:
        self.warnings.append((row, field_name, Reason(message, params)))

    @property
    def change_reason(self) -> str:
        return f"import #{self.job_id}" if self.job_id else "import"


def chunks(items: list, size: int = KEY_CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def fetch_by(queryset: models.QuerySet, lookup: str, keys: Iterable[Any]) -> list:
    """Rows whose ``lookup`` is among ``keys``: one query per few thousand keys, never per row."""
    keys = sorted({k for k in keys if k not in (None, "")})
    found: list = []
    for part in chunks(keys):
        found += list(queryset.filter(**{f"{lookup}__in": part}))
    return found


class People:
    """The company's employees, loaded once, resolvable by employee number, user name or full name;
    and whom the importer may give records to (their data scope)."""

    def __init__(self, ctx: Context) -> None:
        employees = list(
            Employee.objects.filter(company=ctx.company).select_related("user", "unit", "position")
        )
        self.by_no = {e.employee_no.lower(): e for e in employees}
        self.by_username = {e.user.username.lower(): e for e in employees}
        self.by_name: dict[str, list[Employee]] = {}
        for e in employees:
            if e.user.full_name:
                self.by_name.setdefault(e.user.full_name.strip().lower(), []).append(e)
        self.in_scope = set(
            Employee.objects.visible_to(ctx.acting_user)
            .filter(company=ctx.company)
            .values_list("pk", flat=True)
        )

    def find(self, key: str) -> Employee | None:
        folded = key.strip().lower()
        found = self.by_no.get(folded) or self.by_username.get(folded)
        if found:
            return found
        named = self.by_name.get(folded, [])
        if len(named) > 1:
            raise Invalid(AMBIGUOUS_EMPLOYEE)
        return named[0] if named else None

    def owner(self, field_name: str, key: str | None, default: User) -> User:
        """The user a record goes to: the person the file names (who must be in the importer's
        scope), or the importer."""
        if not key:
            return default
        try:
            employee = self.find(key)
        except Invalid as exc:
            raise RowError(field_name, exc.reason.message) from None
        if employee is None:
            raise RowError(field_name, UNKNOWN_EMPLOYEE)
        if employee.pk not in self.in_scope:
            raise RowError(field_name, OWNER_OUT_OF_SCOPE)
        return employee.user


class Kind:
    """One import kind. Subclasses declare ``fields`` and implement ``prepare`` (resolve every
    reference with one query per reference type), ``build`` (one row → an unsaved or changed
    instance, or RowError) and, where needed, ``after_write``."""

    name: str
    model: type[models.Model]
    fields: tuple[Field, ...]
    key_field = "external_id"
    update_fields: tuple[str, ...] = ()
    permission = "imports.run"

    def key(self, values: dict[str, Any]) -> str | None:
        return values.get(self.key_field) or None

    def existing_queryset(self, ctx: Context) -> models.QuerySet:
        return self.model._default_manager.filter(company=ctx.company)

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        self.existing = {
            getattr(obj, self.key_field): obj
            for obj in fetch_by(
                self.existing_queryset(ctx), self.key_field, (self.key(r.values) for r in rows)
            )
        }

    def build(self, ctx: Context, row: Row) -> tuple[models.Model, bool]:
        raise NotImplementedError

    def assign(self, obj: models.Model, values: dict[str, Any], names: Iterable[str]) -> None:
        for name in names:
            if name in values:
                setattr(obj, name, values[name])

    def write(self, ctx: Context, created: list, updated: list) -> None:
        history = {"user_id": ctx.acting_user.pk, "reason": ctx.change_reason, "when": ctx.now}
        if created:
            bulk.insert_instances(self.model, created)
            ids = dict(
                fetch_by(
                    self.existing_queryset(ctx).values_list(self.key_field, "pk"),
                    self.key_field,
                    (getattr(obj, self.key_field) for obj in created),
                )
            )
            for obj in created:
                obj.pk = ids[getattr(obj, self.key_field)]
                obj._state.adding = False
            bulk.write_history(self.model, ids.values(), kind="+", **history)
        if updated:
            extra = ()
            if hasattr(self.model, "version"):
                extra = ("version", "updated_by", "updated_at")
                for obj in updated:
                    obj.version += 1
                    obj.updated_by = ctx.acting_user
                    obj.updated_at = ctx.now
            self.model._default_manager.bulk_update(updated, [*self.update_fields, *extra], batch_size=BATCH)
            bulk.write_history(self.model, (obj.pk for obj in updated), kind="~", **history)
        self.after_write(ctx, created, updated)

    def after_write(self, ctx: Context, created: list, updated: list) -> None:
        return None
