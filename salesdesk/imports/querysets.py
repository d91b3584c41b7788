from django.db import models

from salesdesk.core import access


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ImportJobQuerySet":
        """One's own imports; directors and administrators see every import of their company."""
        profile = access.profile_of(user)
        if profile is None:
            return self.none()
        employee = getattr(user, "employee", None)
        if employee is not None and (profile.is_admin or profile.role == "director"):
            return self.filter(company_id=employee.company_id)
        return self.filter(created_by=user)
