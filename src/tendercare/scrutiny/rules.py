"""Who may see or change scrutiny records.

Commissioning staff and councillors of the committee's organisation family see its committee,
meetings, decisions, actions and work programme; commissioning staff who may edit the register
record them (in a council, the scrutiny officer works with those rights). Councillors read and
never change. A programme's reports are seen by its owner's family and by the family of the
committee they were written for. The public sees only what is published.
"""

import rules

from tendercare.organisations.queries import organisation_family
from tendercare.organisations.rules import can_edit_register, is_commissioning_staff, is_councillor


@rules.predicate
def may_see_scrutiny(user):
    return bool(is_commissioning_staff(user) or is_councillor(user))


@rules.predicate
def may_manage_scrutiny(user):
    return bool(can_edit_register(user))


@rules.predicate
def owns(user, obj):
    if obj is None or not getattr(user, "organisation_id", None):
        return False
    return obj.owner_id in organisation_family(user.organisation)


can_view_owned = may_see_scrutiny & owns
can_manage_owned = may_manage_scrutiny & owns

rules.add_perm("scrutiny.view_committee", can_view_owned)
rules.add_perm("scrutiny.change_committee", can_manage_owned)
