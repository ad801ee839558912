"""Who may see or change engagement.

Commissioning staff and councillors see the engagement of their organisation's family;
commissioning staff who may edit the register (commissioner, procurement lead, administrator)
record and change it. Councillors read and never change. Providers and evaluators see nothing
here; the public sees only what is published, through the public pages.
"""

import rules

from tendercare.organisations.queries import organisation_family
from tendercare.organisations.rules import can_edit_register, is_commissioning_staff, is_councillor


@rules.predicate
def may_see_engagement(user):
    return bool(is_commissioning_staff(user) or is_councillor(user))


@rules.predicate
def may_manage_engagement(user):
    return bool(can_edit_register(user))


@rules.predicate
def owns(user, obj):
    if obj is None or not getattr(user, "organisation_id", None):
        return False
    return obj.owner_id in organisation_family(user.organisation)


can_view_owned = may_see_engagement & owns
can_manage_owned = may_manage_engagement & owns

rules.add_perm("engagement.view_activity", can_view_owned)
rules.add_perm("engagement.change_activity", can_manage_owned)
