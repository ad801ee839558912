"""Who may see or change pricing.

Cost models, travel runs and budget impact belong to a commissioning body: its commissioning
staff see and change them, except that contract managers only read scenarios; councillors read
them. Open-book submissions are commercially sensitive: the commissioner that received one and
the provider that sent it see it, nobody else. Evaluators see nothing here.
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
def may_see_pricing(user):
    return bool(is_commissioning_staff(user) or is_councillor(user))


@rules.predicate
def may_edit_pricing(user):
    return bool(can_edit_register(user))


@rules.predicate
def owns(user, obj):
    if obj is None or not getattr(user, "organisation_id", None):
        return False
    return obj.owner_id in organisation_family(user.organisation)


@rules.predicate
def sent_or_received(user, submission):
    if submission is None or not getattr(user, "organisation_id", None):
        return False
    if is_provider_user(user):
        return submission.provider_id == user.organisation_id
    if not (is_commissioning_staff(user) or is_councillor(user)):
        return False
    return submission.commissioner_id in organisation_family(user.organisation)


@rules.predicate
def is_contract_manager(user):
    return getattr(user, "role", None) == "contract_manager"


can_view_pricing = may_see_pricing & owns
can_edit_pricing = may_edit_pricing & owns
# Scenarios set the price the council pays: contract managers read them but do not change them
# (they do change travel runs, hours and open-book records).
can_edit_scenario = may_edit_pricing & ~is_contract_manager & owns

rules.add_perm("pricing.view_scenario", can_view_pricing)
rules.add_perm("pricing.change_scenario", can_edit_scenario)
rules.add_perm("pricing.view_costsubmission", sent_or_received)
