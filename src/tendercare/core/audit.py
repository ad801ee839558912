"""The one Auditor. Every service function that writes calls it; nothing writes silently.

auditor = Auditor(by=user)
before = snapshot(contract)
contract.save()
auditor.updated(contract, before=before, summary="Value varied")
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable

from django.db import models

from .models import AuditLog


def _plain(value):
    if value is None or isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def snapshot(obj: models.Model, exclude: Iterable[str] = ("password",)) -> dict:
    """Concrete field values as JSON-safe plain values (foreign keys as ids)."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = _plain(getattr(obj, field.attname))
    return data


def object_type(obj_or_model) -> str:
    meta = obj_or_model._meta
    return f"{meta.app_label}.{meta.model_name}"


class Auditor:
    def __init__(self, *, by=None):
        self.by = by if (by is not None and getattr(by, "is_authenticated", False)) else None
        self.label = by.get_username() if self.by else "system"

    @classmethod
    def from_request(cls, request) -> Auditor:
        return cls(by=getattr(request, "user", None))

    def _write(self, action, obj, *, before=None, after=None, summary="") -> AuditLog:
        return AuditLog.objects.create(
            user=self.by,
            user_label=self.label,
            action=action,
            object_type=object_type(obj),
            object_id=str(obj.pk),
            object_label=str(obj)[:300],
            summary=summary[:500],
            before=before,
            after=after,
        )

    def created(self, obj, *, summary: str = "") -> AuditLog:
        return self._write(AuditLog.Action.CREATE, obj, after=snapshot(obj), summary=summary)

    def updated(self, obj, *, before: dict, summary: str = "") -> AuditLog:
        return self._write(
            AuditLog.Action.UPDATE, obj, before=before, after=snapshot(obj), summary=summary
        )

    def deleted(self, obj, *, summary: str = "") -> AuditLog:
        return self._write(AuditLog.Action.DELETE, obj, before=snapshot(obj), summary=summary)

    def event(self, obj, *, summary: str, data: dict | None = None) -> AuditLog:
        """Something happened to obj that is not a field change (an import, a sign-in)."""
        return self._write(AuditLog.Action.EVENT, obj, after=data, summary=summary)

    def bulk_created(self, objs: Iterable[models.Model], *, summary: str = "") -> int:
        rows = [
            AuditLog(
                user=self.by,
                user_label=self.label,
                action=AuditLog.Action.IMPORT,
                object_type=object_type(obj),
                object_id=str(obj.pk),
                object_label=str(obj)[:300],
                summary=summary[:500],
                after=snapshot(obj),
            )
            for obj in objs
        ]
        AuditLog.objects.bulk_create(rows, batch_size=500)
        return len(rows)


def history_for(obj) -> models.QuerySet[AuditLog]:
    return AuditLog.objects.filter(object_type=object_type(obj), object_id=str(obj.pk))
