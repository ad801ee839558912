"""Who may see or do what in an evaluation.

- Managing staff (commissioner, procurement lead, administrator) of the owner's organisation
  family assign evaluators, moderate, lock quality, record price clarifications.
- Reading staff: managing staff and contract managers of the owner's family read results and
  the report (after the quality lock) and, once they have declared, the moderation sheet.
- Evaluators (role evaluator, or commissioning staff) with an Assignment see that procurement,
  and its bids only once they have declared their interests; a declared conflict hides that
  bidder from them everywhere.
- Councillors and provider users see nothing here (results reach councillors through award).
- Sealing: before the bid deadline nobody sees any bid (enforced in queries.py).
"""

import rules

from tendercare.organisations.models import COMMISSIONING_ROLES, Role
from tendercare.organisations.queries import organisation_family
from tendercare.organisations.rules import is_signed_in

MANAGING_ROLES = frozenset({Role.COMMISSIONER, Role.PROCUREMENT_LEAD, Role.ADMINISTRATOR})


@rules.predicate
def is_provider(user):
    return is_signed_in(user) and user.role == Role.PROVIDER


@rules.predicate
def in_owner_family(user, procurement):
    if procurement is None or not getattr(user, "organisation_id", None):
        return False
    return procurement.owner_id in organisation_family(user.organisation)


@rules.predicate
def is_commissioning(user):
    return bool(is_signed_in(user) and user.role in COMMISSIONING_ROLES and user.organisation_id)


@rules.predicate
def is_managing(user):
    return bool(is_signed_in(user) and user.role in MANAGING_ROLES and user.organisation_id)


@rules.predicate
def may_be_evaluator(user):
    """Whom an assignment may name: evaluators (lay evaluators too) or commissioning staff."""
    return bool(is_signed_in(user) and (user.role == Role.EVALUATOR or is_commissioning(user)))


can_read_evaluation = is_commissioning & in_owner_family
can_manage_evaluation = is_managing & in_owner_family

rules.add_perm("evaluation.view_evaluation", can_read_evaluation)
rules.add_perm("evaluation.manage_evaluation", can_manage_evaluation)
