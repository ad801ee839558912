"""Which models have a history page, and who may see each object's history.

Each app registers its models with a function giving the objects a user may see; the history
page looks the object up through that function, so history is scoped like everything else.
"""

from collections.abc import Callable

from django.db.models import Model, QuerySet

_VISIBLE: dict[str, Callable] = {}


def register(model: type[Model], visible_to: Callable[..., QuerySet]) -> None:
    _VISIBLE[f"{model._meta.app_label}.{model._meta.model_name}"] = visible_to


def visible_queryset(object_type: str, user) -> QuerySet | None:
    visible_to = _VISIBLE.get(object_type)
    return visible_to(user) if visible_to else None


def history_url(obj) -> str:
    from django.urls import reverse

    meta = obj._meta
    return reverse("history", args=[f"{meta.app_label}.{meta.model_name}", obj.pk])
