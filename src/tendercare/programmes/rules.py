"""Who may see or change a programme.

Commissioning staff and councillors see the programmes of their organisation's family (their
body and every body merged into it); councillors only read. Provider users and evaluators see no
programmes: a re-procurement plan is commercially sensitive until it is published.
"""

import rules

from tendercare.organisations.queries import organisation_family
from tendercare.organisations.rules import (
    can_edit_register,
    is_commissioning_staff,
    is_councillor,
)


@rules.predicate
def may_see_programmes(user):
    return bool(is_commissioning_staff(user) or is_councillor(user))


@rules.predicate
def owns_programme(user, programme):
    if programme is None or not getattr(user, "organisation_id", None):
        return False
    return programme.owner_id in organisation_family(user.organisation)


@rules.predicate
def may_create_programmes(user):
    return bool(can_edit_register(user))


can_view_programme = may_see_programmes & owns_programme
can_edit_programme = can_edit_register & owns_programme

rules.add_perm("programmes.view_programme", can_view_programme)
rules.add_perm("programmes.change_programme", can_edit_programme)
rules.add_perm("programmes.add_programme", may_create_programmes)
