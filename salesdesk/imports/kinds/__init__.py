"""One definition per import kind: its fields, how references resolve, how rows are written."""

from salesdesk.imports.kinds.base import Context, Field, Kind, Row, RowError
from salesdesk.imports.kinds.customers import ContactKind, CustomerKind
from salesdesk.imports.kinds.employees import EmployeeKind
from salesdesk.imports.kinds.pipeline import LeadKind, OpportunityKind
from salesdesk.imports.kinds.products import ProductKind
from salesdesk.imports.kinds.targets import TargetKind

KINDS: dict[str, type[Kind]] = {
    kind.name: kind
    for kind in (CustomerKind, ContactKind, ProductKind, EmployeeKind, LeadKind, OpportunityKind, TargetKind)
}

__all__ = ["KINDS", "Context", "Field", "Kind", "Row", "RowError"]
