"""Who may see or change the contract register."""

import rules

from tendercare.organisations.rules import (
    can_edit_register,
    is_commissioning_staff,
    is_councillor,
    is_provider_user,
)


@rules.predicate
def can_see_register(user):
    """Commissioning staff, councillors and provider users see (part of) the register;
    evaluators see nothing of it."""
    return bool(is_commissioning_staff(user) or is_councillor(user) or is_provider_user(user))


@rules.predicate
def can_change_register(user):
    return bool(can_edit_register(user))


@rules.predicate
def holds_a_share(user, contract):
    """The person's organisation (or a body merged into it) commissions part of the contract."""
    from tendercare.organisations.queries import organisation_family

    if contract is None or not user.organisation_id:
        return False
    family = organisation_family(user.organisation)
    return contract.shares.filter(organisation_id__in=family).exists()


can_edit_contract = can_change_register & holds_a_share

rules.add_perm("contracts.view_register", can_see_register)
rules.add_perm("contracts.add_contract", can_change_register)
rules.add_perm("contracts.change_contract", can_edit_contract)
