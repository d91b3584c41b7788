"""Who may read metrics. Everyone who works here may ask; what they get is always limited to
their own data scope (selectors.compute with their user)."""

from salesdesk.core import access


@access.rule("metrics.view")
def can_view_metrics(user, obj) -> bool:
    """Employees (any position) and administrators; a sign-in without an employee record is not
    part of the sales organisation and has no figures to read."""
    profile = access.profile_of(user)
    return profile is not None and (profile.is_admin or bool(profile.role))
