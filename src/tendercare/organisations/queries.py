"""Reads about organisations and people, already scoped to the person asking."""

from django.db.models import Q, QuerySet

from .models import ApiToken, Organisation, User


def organisation_family(organisation: Organisation | None) -> list[int]:
    """An organisation and every body merged into it, at any depth (eight CCGs -> one ICB)."""
    if organisation is None:
        return []
    ids, frontier = [organisation.pk], [organisation.pk]
    while frontier:
        frontier = list(
            Organisation.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids


def organisations_visible_to(user) -> QuerySet[Organisation]:
    # Organisations are public bodies and registered providers: any signed-in person may see them.
    if not (user and user.is_authenticated):
        return Organisation.objects.none()
    return Organisation.objects.all()


def commissioners() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind__in=Organisation.COMMISSIONER_KINDS)


def providers() -> QuerySet[Organisation]:
    return Organisation.objects.exclude(kind__in=Organisation.COMMISSIONER_KINDS)


def organisation_by_name(name: str) -> Organisation | None:
    return Organisation.objects.filter(name__iexact=name.strip()).first()


def people_in(organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(organisation=organisation, is_active=True)


def organisation_search(user, *, text: str = "", kind: str = "") -> QuerySet[Organisation]:
    qs = organisations_visible_to(user).select_related("merged_into")
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(ods_code__iexact=text))
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def api_tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def people_managed_by(user) -> QuerySet[User]:
    """Administrators manage the people of their organisation and the bodies merged into it."""
    if not (user and user.is_authenticated and user.role == "administrator"):
        return User.objects.none()
    return User.objects.filter(organisation_id__in=organisation_family(user.organisation))


def username_taken(username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()
