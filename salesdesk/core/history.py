"""The "history" panel of a record page, read from django-simple-history."""

from dataclasses import dataclass
from typing import Any

from django.db import models

HIDDEN_FIELDS = ["version", "updated_at", "updated_by", "path", "depth"]


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryEntry:
    at: Any
    who: str
    kind: str  # "+" created, "~" changed, "-" deleted
    changes: list[FieldChange]


def record_history(obj: models.Model, limit: int = 50) -> list[HistoryEntry]:
    """Newest first; one query. Foreign keys show as ids: the panel names what changed and when."""
    rows = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    entries = []
    for newer, older in zip(rows[:limit], [*rows[1:], None], strict=False):
        changes = []
        if older is not None:
            delta = newer.diff_against(older, excluded_fields=HIDDEN_FIELDS)
            for change in delta.changes:
                field = obj._meta.get_field(change.field)
                old, new = change.old, change.new
                if field.choices:
                    choices = dict(field.flatchoices)
                    old, new = choices.get(old, old), choices.get(new, new)
                changes.append(FieldChange(str(field.verbose_name), old, new))
            if not changes:
                continue
        who = str(newer.history_user) if newer.history_user else "—"
        entries.append(HistoryEntry(newer.history_date, who, newer.history_type, changes))
    return entries
