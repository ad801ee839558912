"""OCDS 1.1 publication of a procurement: a release package with one release per stage
(planning, tender, award at intention, award confirmed, contract) and a record package with the
compiled release (ocdskit, with the shipped schema: no download).

Only organisations appear (buyer, procuring entity, tenderers, suppliers): never a person's
name or any user data. Nothing sealed: tenderers appear only once the intention to award is
published (never while bids are sealed or being evaluated), prices only
on awards (and contracts), awards only once the letters have been issued.

OCID_PREFIX is a placeholder: a real publisher registers its own prefix with the Open
Contracting Partnership and sets it here.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from tendercare.contracts.models import ContractStatus
from tendercare.procurement.models import Procurement, Route, State

from . import queries
from .models import Award

OCID_PREFIX = "ocds-tcare"
LOTS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/"
    "v1.1.5/extension.json"
)
LICENSE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
DATA = Path(__file__).resolve().parent / "data" / "ocds"
CURRENCY = "GBP"
CPV_HEALTH_AND_SOCIAL_WORK = {
    "scheme": "CPV",
    "id": "85000000",
    "description": "Health and social work services",
}

# OCDS procurementMethod for each route (method codelist: open, selective, limited, direct)
METHOD = {
    Route.OPEN: "open",
    Route.COMPETITIVE_FLEXIBLE: "selective",
    Route.DIRECT_AWARD: "direct",
    Route.PSR_DIRECT_A: "direct",
    Route.PSR_DIRECT_B: "direct",
    Route.PSR_DIRECT_C: "direct",
    Route.PSR_MOST_SUITABLE: "limited",
    Route.PSR_COMPETITIVE: "open",
}

CONTRACT_STATUS = {
    ContractStatus.PLANNED: "pending",
    ContractStatus.ACTIVE: "active",
    ContractStatus.EXTENDED: "active",
    ContractStatus.RECOMMISSIONING: "active",
    ContractStatus.EXPIRED: "terminated",
    ContractStatus.TERMINATED: "terminated",
}


class NotPublished(Exception):
    """The procurement is unknown or has not been published."""


def ocid(procurement: Procurement) -> str:
    return f"{OCID_PREFIX}-{procurement.reference}"


def _when(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{value.isoformat()}T00:00:00Z"


def _end_of(day: dt.date) -> str:
    return f"{day.isoformat()}T23:59:59Z"


def _money(amount) -> dict:
    amount = Decimal(amount).quantize(Decimal("0.01"))
    number = int(amount) if amount == amount.to_integral_value() else float(amount)
    return {"amount": number, "currency": CURRENCY}


def _org_id(org) -> str:
    return f"{OCID_PREFIX}-org-{org.pk}"


def _org_ref(org) -> dict:
    return {"id": _org_id(org), "name": org.name}


def _drop_empty(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


class _Parties:
    """Organisations and their roles so far; each release repeats every party's full roles,
    because compiling replaces a party's roles list rather than adding to it."""

    def __init__(self):
        self._orgs: dict[str, tuple] = {}

    def add(self, org, role: str) -> None:
        org_id = _org_id(org)
        _, roles = self._orgs.setdefault(org_id, (org, []))
        if role not in roles:
            roles.append(role)

    def snapshot(self) -> list[dict]:
        return [
            {"id": org_id, "name": org.name, "roles": list(roles)}
            for org_id, (org, roles) in self._orgs.items()
        ]


def _state_reached_at(procurement: Procurement, state: str):
    change = procurement.state_changes.filter(to_state=state).order_by("at", "id").first()
    return change.at if change else None


def _release(procurement, release_id: str, date, tag: str, parties: _Parties, **sections):
    return {
        "ocid": ocid(procurement),
        "id": f"{ocid(procurement)}-{release_id}",
        "date": _when(date),
        "tag": [tag],
        "initiationType": "tender",
        "language": "en",
        "parties": parties.snapshot(),
        "buyer": _org_ref(procurement.owner),
        **sections,
    }


def _tender(procurement: Procurement, lots, *, status: str, with_tenderers: bool) -> dict:
    route_label = Route(procurement.route).label if procurement.route else "Route to be decided"
    details = route_label
    if procurement.regime:
        details += f" ({procurement.get_regime_display()}"
        details += ", light-touch)" if procurement.light_touch else ")"
    tender = {
        "id": procurement.reference,
        "title": procurement.title,
        "description": procurement.description,
        "status": status,
        "procuringEntity": _org_ref(procurement.owner),
        "value": _money(procurement.estimated_value) if procurement.estimated_value else None,
        "procurementMethod": METHOD.get(procurement.route),
        "procurementMethodDetails": details,
        "mainProcurementCategory": "services",
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": _drop_empty({"endDate": _when(procurement.bid_deadline)}),
        "enquiryPeriod": _drop_empty({"endDate": _when(procurement.clarification_deadline)}),
        "lots": [
            _drop_empty(
                {
                    "id": str(lot.number),
                    "title": lot.title,
                    "description": lot.in_scope or lot.title,
                    "value": _money(lot.annual_value) if lot.annual_value else None,
                    "status": status,
                }
            )
            for lot in lots
        ],
        "items": [
            _drop_empty(
                {
                    "id": f"lot-{lot.number}",
                    "description": f"{lot.title}"
                    + (
                        f": {(lot.service or procurement.service).name}"
                        if (lot.service or procurement.service)
                        else ""
                    ),
                    "classification": CPV_HEALTH_AND_SOCIAL_WORK,
                    "relatedLot": str(lot.number),
                }
            )
            for lot in lots
        ],
    }
    if with_tenderers:
        tenderers = queries.bidders(procurement)
        tender["numberOfTenderers"] = len(tenderers)
        tender["tenderers"] = [_org_ref(org) for org in tenderers]
    return _drop_empty(tender)


def _award_id(award: Award) -> str:
    return f"lot-{award.lot.number}-rank-{award.rank}"


def _award(award: Award, *, status: str, date) -> dict:
    price = queries.bid_annual_price(award.bid)
    return _drop_empty(
        {
            "id": _award_id(award),
            "title": f"Lot {award.lot.number}: {award.get_role_display()}",
            "description": f"{award.get_role_display()} for lot {award.lot.number} "
            f"(rank {award.rank}); the value is the annual price.",
            "status": status,
            "date": _when(date),
            "value": _money(price) if price is not None else None,
            "suppliers": [_org_ref(award.bid.provider)],
            "relatedLots": [str(award.lot.number)],
        }
    )


def release_package(
    procurement: Procurement, *, uri: str = "", published_date: dt.datetime | None = None
) -> dict:
    """The release package, one release per stage reached. Raises NotPublished for a
    procurement that has not been published."""
    if not queries.is_public(procurement):
        raise NotPublished(f"{procurement.reference} has not been published")
    lots = list(procurement.lots.select_related("service").order_by("number"))
    parties = _Parties()
    parties.add(procurement.owner, "buyer")
    parties.add(procurement.owner, "procuringEntity")
    releases = []

    date = procurement.created_at
    releases.append(
        _release(
            procurement,
            "planning",
            date,
            "planning",
            parties,
            planning=_drop_empty(
                {
                    "rationale": procurement.description,
                    "budget": _drop_empty(
                        {
                            "description": "Estimated value of the procurement",
                            "amount": _money(procurement.estimated_value),
                        }
                    ),
                }
            ),
            tender={"id": procurement.reference, "title": procurement.title, "status": "planned"},
        )
    )

    published_at = _state_reached_at(procurement, State.PUBLISHED)
    if published_at is None:
        first_notice = procurement.notices.order_by("published_at").first()
        published_at = first_notice.published_at if first_notice else procurement.created_at
    date = max(date, published_at)
    closed = queries.bids_closed(procurement)
    letters = list(procurement.letters.order_by("sent_at"))
    # Who bid is commercially sensitive while the evaluation runs: bidders are named only once
    # the intention to award is published (letters sent), as a contract award notice would.
    disclose_tenderers = closed and bool(letters)
    if disclose_tenderers:
        for org in queries.bidders(procurement):
            parties.add(org, "tenderer")
    cancelled = procurement.state == State.CANCELLED
    releases.append(
        _release(
            procurement,
            "tender",
            date,
            "tender",
            parties,
            tender=_tender(
                procurement,
                lots,
                status="cancelled" if cancelled else "active",
                with_tenderers=disclose_tenderers,
            ),
        )
    )

    awards = list(queries.awards_for(procurement))
    if not (closed and awards and letters and procurement.standstill_ends):
        return _package(procurement, releases, uri, published_date)

    notice = procurement.notices.filter(code__in=["UK6", "psr_intention"]).first()
    date = max(date, notice.published_at if notice else letters[0].sent_at)
    for award in awards:
        parties.add(award.bid.provider, "supplier")
    releases.append(
        _release(
            procurement,
            "award-intention",
            date,
            "award",
            parties,
            tender={"id": procurement.reference, "status": "active"},
            awards=[
                {
                    **_award(award, status="pending", date=date),
                    "description": f"{award.get_role_display()} for lot {award.lot.number} "
                    f"(rank {award.rank}): intention to award; standstill ends "
                    f"{procurement.standstill_ends.isoformat()}. The value is the annual price.",
                }
                for award in awards
            ],
        )
    )

    confirmed = [a for a in awards if a.status == Award.Status.CONFIRMED]
    if not confirmed:
        return _package(procurement, releases, uri, published_date)
    awarded_at = _state_reached_at(procurement, State.AWARDED) or timezone.now()
    date = max(date, awarded_at)
    award_status = {Award.Status.CONFIRMED: "active", Award.Status.WITHDRAWN: "cancelled"}
    releases.append(
        _release(
            procurement,
            "award",
            date,
            "award",
            parties,
            tender={
                "id": procurement.reference,
                "status": "complete",
                "lots": [{"id": str(lot.number), "status": "complete"} for lot in lots],
            },
            awards=[
                _award(a, status=award_status.get(a.status, "pending"), date=date) for a in awards
            ],
        )
    )

    with_contracts = [a for a in confirmed if a.contract_id]
    if not with_contracts:
        return _package(procurement, releases, uri, published_date)
    date = max(date, _state_reached_at(procurement, State.CONTRACTED) or date)
    releases.append(
        _release(
            procurement,
            "contract",
            date,
            "contract",
            parties,
            contracts=[
                _drop_empty(
                    {
                        "id": a.contract.reference,
                        "awardID": _award_id(a),
                        "title": a.contract.title,
                        "description": f"Annual value {CURRENCY} {a.contract.annual_value}; "
                        "the value is the whole-life value.",
                        "status": CONTRACT_STATUS.get(a.contract.status, "active"),
                        "value": _money(a.contract.whole_life_value),
                        "period": {
                            "startDate": _when(a.contract.start_date),
                            "endDate": _end_of(a.contract.end_date),
                        },
                    }
                )
                for a in with_contracts
            ],
        )
    )
    return _package(procurement, releases, uri, published_date)


def _package(procurement, releases, uri, published_date) -> dict:
    return {
        "uri": uri
        or f"https://tendercare.invalid/api/v1/procurements/{procurement.reference}/ocds",
        "version": "1.1",
        "extensions": [LOTS_EXTENSION],
        "publishedDate": _when(published_date or timezone.now()),
        "publisher": {"name": procurement.owner.name},
        "license": LICENSE,
        "releases": releases,
    }


@functools.cache
def patched_release_schema() -> dict:
    """The core 1.1.5 release schema with the lots extension merged in (JSON merge patch)."""
    import json_merge_patch

    core = json.loads((DATA / "release-schema.json").read_text(encoding="utf-8"))
    lots = json.loads((DATA / "lots" / "release-schema.json").read_text(encoding="utf-8"))
    return json_merge_patch.merge(core, lots)


def record_package(package: dict, *, uri: str = "") -> dict:
    """Compile the release package into a record package (ocdskit, shipped schema)."""
    from ocdskit.combine import merge

    output = next(
        merge(
            [package],
            uri=uri or package["uri"].rstrip("/") + "/record",
            publisher=package["publisher"],
            published_date=package["publishedDate"],
            schema=patched_release_schema(),
            return_package=True,
        )
    )
    # merge() may hand back generators and ordered dicts: make it plain JSON data.
    return json.loads(json.dumps(output, default=list))


def dumps(package: dict) -> str:
    return json.dumps(package, indent=2, ensure_ascii=False)
