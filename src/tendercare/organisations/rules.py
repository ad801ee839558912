"""Who may see or do what, by role and organisation."""

import rules

from .models import COMMISSIONING_ROLES, EDITING_ROLES, Role


@rules.predicate
def is_signed_in(user):
    return bool(user and user.is_authenticated)


@rules.predicate
def is_commissioning_staff(user):
    return is_signed_in(user) and user.role in COMMISSIONING_ROLES and user.organisation_id


@rules.predicate
def can_edit_register(user):
    return is_signed_in(user) and user.role in EDITING_ROLES and user.organisation_id


@rules.predicate
def is_administrator(user):
    return is_signed_in(user) and user.role == Role.ADMINISTRATOR


@rules.predicate
def is_councillor(user):
    return is_signed_in(user) and user.role == Role.COUNCILLOR


@rules.predicate
def is_provider_user(user):
    return is_signed_in(user) and user.role == Role.PROVIDER


rules.add_perm("organisations.view_organisation", is_signed_in)
rules.add_perm("organisations.merge_organisations", is_administrator)
