"""Who may see or change monitoring.

Commissioning staff see the zones, visit imports, KPIs, statements and status of their
organisation's family; contract managers, commissioners, procurement leads and administrators
change them (import visits, set schedules, issue statements, resolve disputes, decide status).
Councillors read. A provider sees only what concerns itself: its own visits, KPI results and
statements, which it may dispute. Evaluators see nothing here.
"""

import rules

from tendercare.organisations.queries import organisation_family
from tendercare.organisations.rules import (
    can_edit_register,
    is_commissioning_staff,
    is_councillor,
    is_provider_user,
)


@rules.predicate
def may_see_monitoring(user):
    return bool(is_commissioning_staff(user) or is_councillor(user))


@rules.predicate
def may_manage_monitoring(user):
    return bool(can_edit_register(user))


@rules.predicate
def owns(user, obj):
    if obj is None or not getattr(user, "organisation_id", None):
        return False
    return obj.owner_id in organisation_family(user.organisation)


@rules.predicate
def is_the_provider(user, obj):
    if obj is None or not is_provider_user(user):
        return False
    return getattr(obj, "provider_id", None) == user.organisation_id


can_view_owned = may_see_monitoring & owns
can_manage_owned = may_manage_monitoring & owns

rules.add_perm("performance.view_zone", can_view_owned)
rules.add_perm("performance.change_zone", can_manage_owned)
