"""Who may see or run a procurement.

Commissioners, procurement leads and administrators of the owner's organisation family run it;
contract managers and councillors of that family only read it. Evaluators see a procurement once
they hold an assignment on it and have declared their interests. Provider users see procurements
once they are published. Nothing here reads bids: sealing lives in bidding/queries.py.
"""

import rules

from tendercare.organisations.models import Role
from tendercare.organisations.queries import organisation_family
from tendercare.organisations.rules import is_commissioning_staff, is_councillor, is_signed_in

# Roles that set up, publish, moderate and award (contract managers and councillors only read).
PROCUREMENT_ROLES = frozenset({Role.COMMISSIONER, Role.PROCUREMENT_LEAD, Role.ADMINISTRATOR})


@rules.predicate
def is_procurement_staff(user):
    return bool(is_commissioning_staff(user)) and user.role in PROCUREMENT_ROLES


@rules.predicate
def sees_owner_family(user):
    return bool(is_commissioning_staff(user) or is_councillor(user))


@rules.predicate
def owns_procurement(user, procurement):
    if procurement is None or not getattr(user, "organisation_id", None):
        return False
    return procurement.owner_id in organisation_family(user.organisation)


@rules.predicate
def is_evaluator(user):
    return bool(is_signed_in(user)) and user.role == Role.EVALUATOR


can_manage_procurement = is_procurement_staff & owns_procurement
# The route decision and its rationale are the buyer's internal record, not tender documents.
can_read_internal_record = sees_owner_family & owns_procurement
may_create_procurements = is_procurement_staff

rules.add_perm("procurement.change_procurement", can_manage_procurement)
rules.add_perm("procurement.add_procurement", may_create_procurements)
