"""Writes about organisations and people. Each is one transaction and leaves an audit record."""

import datetime as dt

from django.db import transaction

from tendercare.core.audit import Auditor, snapshot
from tendercare.core.errors import DomainError

from .models import ApiToken, Organisation, ProviderLocation, User


def organisation_create(*, name: str, kind: str, by=None, **fields) -> Organisation:
    name = name.strip()
    if not name:
        raise DomainError("Enter the organisation's name")
    if kind not in Organisation.Kind.values:
        raise DomainError(f"'{kind}' is not a kind of organisation")
    if Organisation.objects.filter(name__iexact=name).exists():
        raise DomainError(f"There is already an organisation called {name}")
    with transaction.atomic():
        organisation = Organisation.objects.create(name=name, kind=kind, **fields)
        Auditor(by=by).created(organisation)
    return organisation


def provider_location_add(
    *, organisation: Organisation, cqc_location_id: str, name: str, postcode: str = "", by=None
) -> ProviderLocation:
    with transaction.atomic():
        location = ProviderLocation.objects.create(
            organisation=organisation, cqc_location_id=cqc_location_id, name=name, postcode=postcode
        )
        Auditor(by=by).created(location)
    return location


def organisations_merge(
    *, predecessors: list[Organisation], successor: Organisation, on: dt.date, by=None
) -> Organisation:
    """Record that predecessors became successor on a date. Contracts novate separately
    (contracts.services.contracts_novate_on_merger), so that each novation is its own record."""
    if not successor.is_commissioner:
        raise DomainError("Only a commissioning body can take over other commissioners")
    auditor = Auditor(by=by)
    with transaction.atomic():
        for organisation in predecessors:
            if organisation.pk == successor.pk:
                raise DomainError("An organisation cannot be merged into itself")
            if organisation.merged_into_id:
                raise DomainError(f"{organisation} was already merged on {organisation.merged_on}")
            before = snapshot(organisation)
            organisation.merged_into = successor
            organisation.merged_on = on
            organisation.save(update_fields=["merged_into", "merged_on"])
            auditor.updated(organisation, before=before, summary=f"Merged into {successor} on {on}")
    return successor


def user_create(
    *,
    username: str,
    role: str,
    organisation: Organisation | None,
    password: str | None = None,
    password_hash: str | None = None,
    by=None,
    **fields,
) -> User:
    """A new person. Give a password, or a hash made once with make_password (the demo gives
    every account the same password and hashes it once)."""
    if (password is None) == (password_hash is None):
        raise DomainError("Give either a password or a password hash")
    with transaction.atomic():
        user = User(username=username, role=role, organisation=organisation, **fields)
        if password_hash is not None:
            user.password = password_hash
        else:
            user.set_password(password)
        user.save()
        Auditor(by=by).created(user)
    return user


def api_token_issue(*, user: User, name: str, by=None) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is not stored and cannot be shown again."""
    key = ApiToken.new_key()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, key_hash=ApiToken.hash(key))
        Auditor(by=by or user).created(token, summary="API token issued")
    return token, key


def api_token_revoke(*, token: ApiToken, by) -> ApiToken:
    if token.user_id != by.pk:
        raise DomainError("You can only revoke your own tokens")
    if token.revoked:
        return token
    with transaction.atomic():
        before = snapshot(token)
        token.revoked = True
        token.save(update_fields=["revoked"])
        Auditor(by=by).updated(token, before=before, summary="API token revoked")
    return token


def user_set_active(*, user: User, active: bool, by) -> User:
    """Switch an account off (or back on). People are never deleted: their records keep
    pointing at them."""
    if user.pk == by.pk and not active:
        raise DomainError("You cannot switch off your own account")
    with transaction.atomic():
        before = snapshot(user)
        user.is_active = active
        user.save(update_fields=["is_active"])
        Auditor(by=by).updated(
            user, before=before, summary="Account " + ("on" if active else "off")
        )
    return user
