import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tendercare.geography.models import Locality, Place
from tendercare.procurement import services
from tendercare.procurement.models import Criterion, Question

HOME_CARE = {
    "service_kind": "social_care",
    "estimated_value": "12000000",
}


@pytest.fixture
def locality(db):
    place = Place.objects.create(code="E06000035", name="Medway")
    return Locality.objects.create(name="Medway North", place=place)


@pytest.fixture
def procurement(db, council, commissioner):
    return services.procurement_create(
        owner=council,
        reference="MED-HC-2026",
        title="Home care in four zones",
        estimated_value=Decimal("12000000"),
        by=commissioner,
    )


def decide(procurement, by, answers=None, route="open", rationale=""):
    return services.route_decide(
        procurement=procurement,
        answers=answers or HOME_CARE,
        chosen_route=route,
        rationale=rationale,
        by=by,
    )


def build_model(procurement, by, locality=None):
    """A lot, two requirements and a valid evaluation model: quality 60, price 30, social 10."""
    lot = (
        services.lot_add(
            procurement=procurement,
            title="North zone",
            kind="zone",
            locality=locality,
            in_scope="Home care for adults",
            excluded="Live-in care",
            priced_by_band=True,
            band_hours={"urban": "1000", "rural": "500"},
            by=by,
        )
        if locality
        else services.lot_add(
            procurement=procurement,
            title="Reablement",
            kind="service_line",
            service=_service(),
            by=by,
        )
    )
    r1 = services.requirement_add(
        procurement=procurement,
        code="R1",
        title="Single point of access",
        text="One number answered in and out of hours",
        by=by,
    )
    r2 = services.requirement_add(
        procurement=procurement,
        code="R2",
        title="Shared care record",
        text="Use the shared care record",
        by=by,
    )
    quality = services.criterion_add(
        procurement=procurement, name="Quality", kind="quality", weight=60, by=by
    )
    workforce = services.criterion_add(
        procurement=procurement, name="Workforce", kind="quality", weight=40, parent=quality, by=by
    )
    access = services.criterion_add(
        procurement=procurement, name="Access", kind="quality", weight=20, parent=quality, by=by
    )
    services.criterion_add(procurement=procurement, name="Price", kind="price", weight=30, by=by)
    social = services.criterion_add(
        procurement=procurement, name="Social value", kind="social_value", weight=10, by=by
    )
    gate = services.criterion_add(
        procurement=procurement, name="Mandatory", kind="pass_fail", weight=0, by=by
    )
    services.question_add(
        criterion=workforce,
        number="Q1",
        text="How will you recruit and keep carers?",
        weight=40,
        minimum_score=2,
        requirements=[r2],
        by=by,
    )
    services.question_add(
        criterion=access,
        number="Q2",
        text="How will people reach you in and out of hours?",
        scale=Question.Scale.ZERO_TO_HUNDRED,
        weight=20,
        requirements=[r1],
        lots=[lot],
        by=by,
    )
    services.question_add(criterion=social, number="Q3", text="Local employment", weight=10, by=by)
    services.question_add(
        criterion=gate,
        number="Q4",
        text="CQC registered?",
        scale=Question.Scale.PASS_FAIL,
        by=by,
    )
    return lot


def _service():
    from tendercare.contracts.models import ServiceLine

    service, _ = ServiceLine.objects.get_or_create(name="Reablement")
    return service


def publish(procurement, by, days=30):
    now = timezone.now()
    return services.procurement_publish(
        procurement=procurement,
        bid_deadline=now + dt.timedelta(days=days),
        clarification_deadline=now + dt.timedelta(days=days - 7),
        by=by,
    )


@pytest.fixture
def ready(procurement, commissioner, locality):
    decide(procurement, commissioner)
    build_model(procurement, commissioner, locality)
    procurement.refresh_from_db()
    return procurement


@pytest.fixture
def published(ready, commissioner):
    publish(ready, commissioner)
    ready.refresh_from_db()
    return ready


__all__ = ["Criterion", "build_model", "decide", "publish"]
