"""Who may see or change geography. It is open data: anyone signed in may see it."""

import rules

from tendercare.organisations.models import Role
from tendercare.organisations.rules import is_signed_in


@rules.predicate
def can_edit_geography(user):
    # The band mapping drives home-care prices, so only those who set prices may change it.
    return bool(is_signed_in(user) and user.role in (Role.ADMINISTRATOR, Role.COMMISSIONER))


@rules.predicate
def can_choose_bands(user):
    # An organisation's own bands move its prices, so its price-setters choose them.
    return bool(can_edit_geography(user) and getattr(user, "organisation_id", None))


rules.add_perm("geography.view_place", is_signed_in)
rules.add_perm("geography.change_organisationband", can_choose_bands)
rules.add_perm("geography.change_locality", can_edit_geography)
