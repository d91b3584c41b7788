"""Who may do what with aging, dunning and bad debt. Seeing an invoice is the scope's business
(``Invoice.objects.visible_to``: finance sees the whole company, salespeople their data scope);
these rules say who may act on what they see.

* The aging report, the provision report and the workbench: everyone with a job in the company.
* Logging a contact attempt: salespeople and finance, on an invoice in their scope.
* Classifying debt by hand: finance, the sales director, administrators.
* Write-offs: finance requests; the sales director approves or rejects, never their own request
  (four eyes; the database refuses it too).
* Buckets, provision percentages, the dunning ladder and the classification policy, and running
  the ladder or the classification by hand: finance and administrators. The sales director reads
  the settings page (the ladder escalates to them); reps and team leaders do not open it.
"""

from django.utils.translation import gettext_lazy as _

from salesdesk.core import access, audit
from salesdesk.core.access import company_id_of, profile_of
from salesdesk.receivables.models import Invoice, WriteOffRequest

COLLECTORS = frozenset({"rep", "supervisor", "manager", "director", "finance", "admin"})
CLASSIFIERS = frozenset({"finance", "director", "admin"})
WRITE_OFF_REQUESTERS = frozenset({"finance"})
WRITE_OFF_APPROVERS = frozenset({"director"})
CONFIGURERS = frozenset({"finance", "admin"})
SETTINGS_READERS = CONFIGURERS | {"director"}


def _role(user) -> str:
    profile = profile_of(user)
    return "admin" if profile.is_admin else profile.role


def _in_company(user) -> bool:
    return company_id_of(user) is not None or profile_of(user).is_admin


def _sees_invoice(user, invoice: Invoice | None) -> bool:
    return invoice is None or Invoice.objects.visible_to(user).filter(pk=invoice.pk).exists()


@access.rule("receivables.view_aging")
def can_view_aging(user, obj) -> bool:
    return _in_company(user)


@access.rule("receivables.work_collections")
def can_work_collections(user, invoice) -> bool:
    """Open the workbench and log contact attempts on invoices in scope."""
    return _role(user) in COLLECTORS and _in_company(user) and _sees_invoice(user, invoice)


@access.rule("receivables.classify_debt")
def can_classify_debt(user, invoice) -> bool:
    return _role(user) in CLASSIFIERS and _in_company(user) and _sees_invoice(user, invoice)


@access.rule("receivables.request_write_off")
def can_request_write_off(user, invoice) -> bool:
    return _role(user) in WRITE_OFF_REQUESTERS and _in_company(user) and _sees_invoice(user, invoice)


@access.rule("receivables.approve_write_off")
def can_approve_write_off(user, request) -> bool:
    """Approve or reject: the sales director of the request's company, never the requester."""
    if _role(user) not in WRITE_OFF_APPROVERS or company_id_of(user) is None:
        return False
    if not isinstance(request, WriteOffRequest):
        return True
    return request.requested_by_id != user.pk and request.invoice.company_id == company_id_of(user)


@access.rule("receivables.view_collection_settings")
def can_view_collection_settings(user, obj) -> bool:
    return _role(user) in SETTINGS_READERS and _in_company(user)


@access.rule("receivables.configure_collections")
def can_configure_collections(user, obj) -> bool:
    return _role(user) in CONFIGURERS and _in_company(user)


audit.register_actions(
    {
        "aging_buckets_set": _("Aging buckets changed"),
        "dunning_ladder_set": _("Dunning ladder changed"),
        "collection_policy_set": _("Bad-debt policy changed"),
        "contact_attempt_logged": _("Contact attempt logged"),
        "debt_classified": _("Debt class changed"),
        "write_off_requested": _("Write-off requested"),
        "write_off_approved": _("Write-off approved"),
        "write_off_rejected": _("Write-off rejected"),
        "dunning_run": _("Dunning ladder run"),
    }
)
