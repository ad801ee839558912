"""Who may act on the award stage: commissioning staff of the owner's organisation family
(commissioner, procurement lead, administrator); contract managers only read."""

import rules

from tendercare.organisations.rules import is_commissioning_staff, is_provider_user

from .queries import MANAGING_ROLES


@rules.predicate
def can_manage_awards(user):
    return bool(is_commissioning_staff(user)) and user.role in MANAGING_ROLES


rules.add_perm("award.view_award", is_commissioning_staff)
rules.add_perm("award.change_award", can_manage_awards)
rules.add_perm("award.view_letter", is_commissioning_staff | is_provider_user)
