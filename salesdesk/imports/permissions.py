"""Who may import: managers, directors and administrators. What they import is still bounded by
their data scope: records may only go to people they may see (checked row by row)."""

from salesdesk.core import access
from salesdesk.core.access import profile_of

IMPORTERS = {"manager", "director", "admin"}


@access.rule("imports.run")
def can_run_imports(user, obj) -> bool:
    profile = profile_of(user)
    if getattr(user, "employee", None) is None:
        return False
    return profile.is_admin or profile.role in IMPORTERS


@access.rule("imports.view_job")
def can_view_job(user, job) -> bool:
    """Anyone who may import sees their own jobs; directors and admins see all of the company's."""
    if not can_run_imports(user, None):
        return False
    if job is None:
        return True
    profile = profile_of(user)
    same_company = job.company_id == user.employee.company_id
    return job.created_by_id == user.pk or (same_company and (profile.is_admin or profile.role == "director"))
