"""Who may see or change geography. It is open data: anyone signed in may see it.

Localities are a place's own arrangement of its wards (its local care teams), so only the
bodies that serve the place change them: its own council (a unitary or district council), the
county council above a district, and the integrated care board it lies in. An organisation
serves a place when its ONS code, or that of a body merged into it, is one of those three codes.
"""

import rules

from tendercare.organisations.models import Organisation, Role
from tendercare.organisations.queries import organisation_family
from tendercare.organisations.rules import is_signed_in


@rules.predicate
def can_edit_geography(user):
    # The band mapping drives home-care prices, so only those who set prices may change it.
    return bool(is_signed_in(user) and user.role in (Role.ADMINISTRATOR, Role.COMMISSIONER))


@rules.predicate
def can_choose_bands(user):
    # An organisation's own bands move its prices, so its price-setters choose them.
    return bool(can_edit_geography(user) and getattr(user, "organisation_id", None))


def codes_of_place(place) -> set[str]:
    """The ONS codes of the bodies that serve a place: its own, its county's, its ICB's."""
    if place is None:
        return set()
    codes = (place.code, getattr(place, "upper_tier_code", ""), getattr(place, "icb_code", ""))
    return {c.strip().upper() for c in codes if c and c.strip()}


def codes_served_by(organisation) -> set[str]:
    """The ONS codes of an organisation and every body merged into it."""
    family = organisation_family(organisation)
    if not family:
        return set()
    codes = Organisation.objects.filter(pk__in=family).values_list("ons_code", flat=True)
    return {c.strip().upper() for c in codes if c and c.strip()}


def _place_of(obj):
    # The permission may be asked about a place or about one of its localities.
    return getattr(obj, "place", obj)


@rules.predicate
def serves_place(user, place):
    place = _place_of(place)
    organisation = getattr(user, "organisation", None) if is_signed_in(user) else None
    if place is None or organisation is None:
        return False
    return bool(codes_served_by(organisation) & codes_of_place(place))


# Commissioners and administrators, and only of an organisation that serves the place.
can_change_localities_of = can_edit_geography & serves_place


rules.add_perm("geography.view_place", is_signed_in)
rules.add_perm("geography.change_organisationband", can_choose_bands)
rules.add_perm("geography.change_locality", can_change_localities_of)
