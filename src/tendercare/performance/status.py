"""Provider status: zones, quality evidence (council audits, CQC ratings), the monthly quality
score, recommended moves between prime and supplementary status, the commissioner's decision,
and the order in which brokerage offers packages. The rules themselves are in status_rules.py.

Writes are keyword-only functions, each in a transaction and audited. `by=None` is a system
write (the demo, a command); pages always pass the person, whose rights are checked.

A status runs from `since` up to but not including `until`: approving a move on a day closes
the old status with until = that day and opens the new one with since = that day, so on any
day exactly one status is current.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tendercare.core.audit import Auditor, snapshot
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.organisations.models import Organisation, ProviderLocation
from tendercare.organisations.queries import organisation_family
from tendercare.organisations.rules import is_provider_user

from . import kpis, rules
from . import status_rules as sr
from .models import (
    CqcRating,
    KpiResult,
    KpiSchedule,
    ProviderStatus,
    QualityAudit,
    QualityScore,
    StatusRecommendation,
    Zone,
)

Status = ProviderStatus.Status


# --- months -----------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    return add_months(month_start(month), 1) - dt.timedelta(days=1)


def _label(month: dt.date) -> str:
    return f"{month:%B %Y}"


# --- rights -----------------------------------------------------------------------------------


def may_manage(user, owner: Organisation | int) -> bool:
    """Commissioning staff (incl. contract managers) of the owner's family; never a provider."""
    owner_id = owner if isinstance(owner, int) else owner.pk
    return bool(
        user is not None
        and not is_provider_user(user)
        and rules.may_manage_monitoring(user)
        and owner_id in organisation_family(user.organisation)
    )


def _require(by, owner, what: str) -> None:
    if by is not None and not may_manage(by, owner):
        raise NotAllowed(f"You cannot {what}")


# --- zones and statuses -----------------------------------------------------------------------


def _codes(lsoa_codes: Iterable[str]) -> list[str]:
    codes = sorted({str(c).strip().upper() for c in lsoa_codes if str(c).strip()})
    bad = [c for c in codes if len(c) != 9 or not c[0].isalpha()]
    if bad:
        raise DomainError(f"These are not LSOA codes (like E01016052): {', '.join(bad[:5])}")
    return codes


def zone_create(
    *, owner: Organisation, name: str, lot=None, lsoa_codes: Iterable[str] = (), by=None
) -> Zone:
    _require(by, owner, "create zones for this organisation")
    name = (name or "").strip()
    if not name:
        raise DomainError("Enter a name for the zone")
    with transaction.atomic():
        if Zone.objects.filter(owner=owner, name=name).exists():
            raise DomainError(f"{owner} already has a zone called {name}")
        zone = Zone.objects.create(owner=owner, name=name, lot=lot, lsoa_codes=_codes(lsoa_codes))
        Auditor(by=by).created(zone, summary=f"Zone {name} created")
    return zone


def zone_set_lsoas(*, zone: Zone, lsoa_codes: Iterable[str], by=None) -> Zone:
    _require(by, zone.owner_id, "change this zone")
    codes = _codes(lsoa_codes)
    with transaction.atomic():
        before = snapshot(zone)
        zone.lsoa_codes = codes
        zone.save(update_fields=["lsoa_codes"])
        Auditor(by=by).updated(
            zone, before=before, summary=f"Zone {zone} now has {len(codes)} LSOAs"
        )
    return zone


def status_on(zone: Zone, provider_id: int, on: dt.date) -> ProviderStatus | None:
    return (
        ProviderStatus.objects.filter(zone=zone, provider_id=provider_id, since__lte=on)
        .filter(Q(until__isnull=True) | Q(until__gt=on))
        .order_by("-since", "-pk")
        .first()
    )


def statuses_on(zone: Zone, on: dt.date) -> list[ProviderStatus]:
    """Each provider's status in the zone on a day (the latest if several rows cover it)."""
    rows = (
        ProviderStatus.objects.filter(zone=zone, since__lte=on)
        .filter(Q(until__isnull=True) | Q(until__gt=on))
        .select_related("provider", "contract")
        .order_by("provider__name", "-since", "-pk")
    )
    seen, out = set(), []
    for row in rows:
        if row.provider_id not in seen:
            seen.add(row.provider_id)
            out.append(row)
    return out


def _lock_zone(zone: Zone) -> list[ProviderStatus]:
    """Serialise status changes in a zone: lock the zone row (so a new status row cannot slip
    in beside ours) and every status row of the zone, until the transaction ends."""
    Zone.objects.select_for_update().filter(pk=zone.pk).first()
    return list(ProviderStatus.objects.select_for_update().filter(zone=zone).order_by("pk"))


def _primes_from(zone: Zone, on: dt.date, *, exclude_provider: int) -> list[ProviderStatus]:
    """Other providers' prime statuses in the zone that are current on `on` or start later."""
    return list(
        ProviderStatus.objects.filter(zone=zone, status=Status.PRIME)
        .filter(Q(until__isnull=True) | Q(until__gt=on))
        .exclude(provider_id=exclude_provider)
        .select_related("provider")
        .order_by("since", "pk")
    )


def _two_primes(zone: Zone, other: ProviderStatus) -> str:
    return (
        f"{other.provider} is the prime provider in {zone} from {other.since:%d %B %Y}: a zone "
        "has one prime provider at a time. Move it out of prime status first"
    )


def _check_one_prime(zone: Zone, on: dt.date) -> None:
    """The last guard, inside the writing transaction: never two primes on or after `on`."""
    primes = (
        ProviderStatus.objects.filter(zone=zone, status=Status.PRIME)
        .filter(Q(until__isnull=True) | Q(until__gt=on))
        .values_list("provider_id", flat=True)
    )
    if len(set(primes)) > 1:
        raise DomainError(
            f"{zone} would have more than one prime provider from {on:%d %B %Y}: nothing changed"
        )


def provider_status_open(
    *,
    zone: Zone,
    provider: Organisation,
    status: str,
    since: dt.date,
    reason: str,
    contract=None,
    by=None,
) -> ProviderStatus:
    """Give a provider a status in a zone from a day (closing its open status, if any): used
    when an award puts providers into a zone. Moves after that go through recommendations."""
    _require(by, zone.owner_id, "set provider status in this zone")
    if status not in Status.values:
        raise DomainError("Choose prime, supplementary or suspended")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter the reason for the status")
    with transaction.atomic():
        _lock_zone(zone)
        if status == Status.PRIME:
            others = _primes_from(zone, since, exclude_provider=provider.pk)
            if others:
                raise DomainError(_two_primes(zone, others[0]))
        auditor = Auditor(by=by)
        for open_row in ProviderStatus.objects.filter(
            zone=zone, provider=provider, until__isnull=True
        ):
            if open_row.since > since:
                raise DomainError(f"{provider} already has a status in {zone} from a later day")
            before = snapshot(open_row)
            open_row.until = since
            open_row.save(update_fields=["until"])
            auditor.updated(open_row, before=before, summary=f"Status ended on {since}")
        row = ProviderStatus.objects.create(
            zone=zone,
            provider=provider,
            contract=contract,
            status=status,
            since=since,
            reason=reason[:500],
            decided_by=by if getattr(by, "is_authenticated", False) else None,
        )
        auditor.created(row, summary=f"{provider}: {row.get_status_display()} in {zone}")
        if status == Status.PRIME:
            _check_one_prime(zone, since)
    return row


# --- quality evidence -------------------------------------------------------------------------


def _decimal(value, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(f"The {label} must be a number") from None
    if not number.is_finite():
        raise DomainError(f"The {label} must be a number")
    return number


def quality_audit_record(
    *,
    provider: Organisation,
    owner: Organisation,
    audited_on: dt.date,
    score,
    notes: str = "",
    by=None,
) -> QualityAudit:
    """The council's own quality audit of a provider, scored out of 100."""
    _require(by, owner, "record quality audits for this organisation")
    score = _decimal(score, "audit score")
    if score < 0 or score > 100:
        raise DomainError("The audit score must be from 0 to 100")
    if audited_on > timezone.localdate():
        raise DomainError("The audit date must be today or in the past")
    with transaction.atomic():
        audit = QualityAudit.objects.create(
            provider=provider,
            owner=owner,
            audited_on=audited_on,
            score=score.quantize(Decimal("0.1")),
            notes=(notes or "").strip(),
        )
        Auditor(by=by).created(audit, summary=f"Quality audit of {provider}: {audit.score}")
    return audit


CQC_SITE = "cqc.org.uk"


def cqc_source_problem(source: str, location: ProviderLocation | None = None) -> str | None:
    """What is wrong with a CQC rating's source, or None: it must be the address of a page on
    the CQC's website (cqc.org.uk), and a location page must be the chosen location's."""
    source = (source or "").strip()
    if not source:
        return (
            "Enter the address of the CQC report or location page the rating comes from, "
            "like https://www.cqc.org.uk/location/1-123456789"
        )
    if len(source) > 300:
        return "The address of the CQC page must be 300 characters or fewer"
    parts = urlsplit(source)
    host = (parts.hostname or "").lower() if parts.scheme in ("http", "https") else ""
    if not host:
        return (
            "Enter the CQC report or location page as a web address, "
            "like https://www.cqc.org.uk/location/1-123456789"
        )
    if host != CQC_SITE and not host.endswith("." + CQC_SITE):
        return f"The source must be a page on the CQC's website, cqc.org.uk, and {host} is not"
    segments = [s.lower() for s in parts.path.split("/") if s]
    shown = segments[1] if len(segments) >= 2 and segments[0] == "location" else None
    if location is not None and shown and shown != location.cqc_location_id.lower():
        return (
            f"That CQC page is for location {shown.upper()}, not {location.name} "
            f"({location.cqc_location_id})"
        )
    return None


def cqc_location_url(location: ProviderLocation) -> str:
    """The CQC's page for a location, from its CQC location ID."""
    return f"https://www.{CQC_SITE}/location/{location.cqc_location_id}"


def cqc_rating_record(
    *,
    location: ProviderLocation,
    rating: str,
    published_on: dt.date | None,
    source: str,
    by=None,
) -> CqcRating:
    """A CQC overall rating of a provider's location, as the CQC published it, with its source:
    the CQC report or location page (on cqc.org.uk) and the date the CQC published the report
    (from which the rating counts). Nothing is written unless all of it is right."""
    if by is not None and (is_provider_user(by) or not rules.may_manage_monitoring(by)):
        raise NotAllowed("You cannot record CQC ratings")
    if rating not in CqcRating.Rating.values:
        raise DomainError("Choose the CQC rating")
    problem = cqc_source_problem(source, location)
    if problem:
        raise DomainError(problem)
    if not isinstance(published_on, dt.date):
        raise DomainError("Enter the date the CQC published the report")
    if published_on > timezone.localdate():
        raise DomainError("The date the CQC published the report must be today or in the past")
    with transaction.atomic():
        row = CqcRating.objects.create(
            location=location, rating=rating, published_on=published_on, source=source.strip()
        )
        Auditor(by=by).created(
            row,
            summary=(
                f"CQC rating of {location}: {row.get_rating_display()}, published "
                f"{published_on.day} {published_on:%B %Y}, source {row.source}"
            ),
        )
    return row


# --- the quality score ------------------------------------------------------------------------


def _latest_cqc(provider_ids: set[int], on: dt.date) -> dict[int, CqcRating]:
    latest: dict[int, CqcRating] = {}
    rows = (
        CqcRating.objects.filter(location__organisation_id__in=provider_ids, published_on__lte=on)
        .select_related("location")
        .order_by("published_on", "pk")
    )
    for row in rows:
        latest[row.location.organisation_id] = row
    return latest


def _latest_audits(owner: Organisation, provider_ids: set[int], on: dt.date) -> dict:
    latest: dict[int, QualityAudit] = {}
    rows = QualityAudit.objects.filter(
        owner_id__in=organisation_family(owner), provider_id__in=provider_ids, audited_on__lte=on
    ).order_by("audited_on", "pk")
    for row in rows:
        latest[row.provider_id] = row
    return latest


def _pairs(owner: Organisation, months: list[dt.date]) -> set[tuple[int, int]]:
    """(zone, provider) pairs that had a status, or KPI results, in any of the months."""
    first, last = months[0], month_end(months[-1])
    pairs = set(
        ProviderStatus.objects.filter(zone__owner=owner, since__lte=last)
        .filter(Q(until__isnull=True) | Q(until__gt=first))
        .values_list("zone_id", "provider_id")
    )
    pairs |= set(
        KpiResult.objects.filter(zone__owner=owner, month__gte=first, month__lte=last).values_list(
            "zone_id", "provider_id"
        )
    )
    return pairs


def month_scores(owner: Organisation, months: list[dt.date]) -> dict:
    """{(zone_id, provider_id, month): (MonthScore, detail)} for an owner's zones."""
    months = sorted({month_start(m) for m in months})
    pairs = _pairs(owner, months)
    providers = {p for _, p in pairs}
    results = defaultdict(list)
    for r in KpiResult.objects.filter(
        zone__owner=owner, month__in=months, value__isnull=False
    ).select_related("kpi"):
        results[(r.zone_id, r.provider_id, r.month)].append(r)
    schedules = {
        (s.contract_id, s.kpi_id): s
        for s in KpiSchedule.objects.filter(
            contract_id__in={r.contract_id for rows in results.values() for r in rows}
        )
    }
    out = {}
    for month in months:
        end = month_end(month)
        cqc = _latest_cqc(providers, end)
        audits = _latest_audits(owner, providers, end)
        for zone_id, provider_id in pairs:
            ratings = []
            for r in results.get((zone_id, provider_id, month), ()):
                schedule = schedules.get((r.contract_id, r.kpi_id))
                target = schedule.target if schedule else r.kpi.default_target
                amber = schedule.amber if schedule else r.kpi.default_amber
                weight = schedule.weight if schedule else Decimal(1)
                rating = kpis.rate(r.value, target=target, amber=amber, better=r.kpi.better)
                ratings.append(sr.KpiRating(r.kpi.code, rating, weight))
            rating = cqc.get(provider_id)
            audit = audits.get(provider_id)
            points = sr.kpi_points(ratings)
            # No KPI results: the provider did not deliver here that month, so no score.
            score = sr.month_score(
                kpis=points,
                cqc_rating=rating.rating if rating and points is not None else None,
                audit=audit.score if audit and points is not None else None,
            )
            detail = {
                "kpi_ratings": [
                    {"code": k.code, "rating": k.rating, "weight": str(k.weight)}
                    for k in sorted(ratings, key=lambda k: k.code)
                ],
                "cqc_rating": rating.rating if rating else "",
                "cqc_published_on": rating.published_on.isoformat() if rating else "",
                "cqc_source": rating.source if rating else "",
                "audit_on": audit.audited_on.isoformat() if audit else "",
            }
            out[(zone_id, provider_id, month)] = (score, detail)
    return out


def _s(value) -> str | None:
    return None if value is None else str(value)


def _histories(owner: Organisation, month: dt.date, length: int):
    """{(zone_id, provider_id): [sr.Month, ...]} for the `length` months up to `month`, with
    the scores of the months before them needed for the rolling mean."""
    month = month_start(month)
    window = [add_months(month, -i) for i in range(length + sr.WINDOW - 2, -1, -1)]
    scores = month_scores(owner, window)
    histories = {}
    details = {}
    for zone_id, provider_id in {(z, p) for z, p, _ in scores}:
        values = [scores[(zone_id, provider_id, m)][0].score for m in window]
        labels = [_label(m) for m in window]
        histories[(zone_id, provider_id)] = sr.months_from_scores(labels, values)[-length:]
        details[(zone_id, provider_id)] = scores[(zone_id, provider_id, month)]
    return histories, details


def quality_scores_compute(*, owner: Organisation, month: dt.date, by=None) -> int:
    """Write each provider's rolling quality score in each of the owner's zones for a month
    (replacing what was there); returns how many were written."""
    _require(by, owner, "compute quality scores for this organisation")
    month = month_start(month)
    histories, details = _histories(owner, month, 1)
    written = 0
    with transaction.atomic():
        for (zone_id, provider_id), history in sorted(histories.items()):
            latest = history[-1]
            if latest.rolling is None:
                QualityScore.objects.filter(
                    zone_id=zone_id, provider_id=provider_id, month=month
                ).delete()
                continue
            score, detail = details[(zone_id, provider_id)]
            components = {
                "month_score": _s(score.score),
                "kpis": _s(score.components["kpis"]),
                "cqc": _s(score.components["cqc"]),
                "audit": _s(score.components["audit"]),
                "weights": {k: str(v) for k, v in score.weights.items()},
                **detail,
            }
            QualityScore.objects.update_or_create(
                zone_id=zone_id,
                provider_id=provider_id,
                month=month,
                defaults={"score": latest.rolling, "components": components},
            )
            written += 1
        Auditor(by=by).event(
            owner,
            summary=f"Quality scores for {_label(month)}: {written} providers and zones",
            data={"month": month.isoformat(), "written": written},
        )
    return written


# --- recommendations and decisions ------------------------------------------------------------


def recommendations_refresh(
    *, owner: Organisation, month: dt.date, by=None
) -> list[StatusRecommendation]:
    """Compute the month's quality scores, then recommend the moves the rules call for in each
    of the owner's zones. A move already waiting for a decision, or already decided for this
    month, is not recommended again.
    Returns the new recommendations."""
    _require(by, owner, "refresh status recommendations for this organisation")
    month = month_start(month)
    quality_scores_compute(owner=owner, month=month, by=by)
    histories, _ = _histories(owner, month, max(sr.DEMOTE_MONTHS, sr.PROMOTE_MONTHS))
    on = month_end(month)
    created = []
    with transaction.atomic():
        auditor = Auditor(by=by)
        for zone in Zone.objects.filter(owner=owner).order_by("name"):
            current = statuses_on(zone, on)
            cqc = _latest_cqc({s.provider_id for s in current}, on)
            providers = [
                sr.Provider(
                    provider_id=s.provider_id,
                    name=s.provider.name,
                    status=s.status,
                    history=tuple(histories.get((zone.pk, s.provider_id), ())),
                    cqc_rating=cqc[s.provider_id].rating if s.provider_id in cqc else None,
                )
                for s in current
            ]
            # Not twice: a move waiting for a decision, or one decided for this month already.
            pending = set(
                StatusRecommendation.objects.filter(zone=zone)
                .filter(Q(state=StatusRecommendation.State.PENDING) | Q(month=month))
                .values_list("provider_id", "recommended")
            )
            for move in sr.zone_moves(providers):
                if (move.provider_id, move.recommended) in pending:
                    continue
                recommendation = StatusRecommendation.objects.create(
                    zone=zone,
                    provider_id=move.provider_id,
                    month=month,
                    current=move.current,
                    recommended=move.recommended,
                    score=move.score,
                    reason=move.reason,
                )
                auditor.created(
                    recommendation,
                    summary=f"Recommended: {recommendation.get_current_display()} to "
                    f"{recommendation.get_recommended_display()}",
                )
                created.append(recommendation)
    return created


def recommendation_decide(
    *,
    recommendation: StatusRecommendation,
    approve: bool,
    reason: str,
    by,
    on: dt.date | None = None,
) -> StatusRecommendation:
    """Approve or reject a recommended move, with a reason. Approving ends the provider's
    current status on the decision day and starts the recommended one from that day."""
    zone = recommendation.zone
    if by is None or not may_manage(by, zone.owner_id):
        raise NotAllowed("You cannot decide provider status in this zone")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter the reason for your decision")
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = StatusRecommendation.objects.select_for_update().get(pk=recommendation.pk)
        if locked.state != StatusRecommendation.State.PENDING:
            raise DomainError(
                f"This recommendation was already {locked.get_state_display().lower()}"
            )
        auditor = Auditor(by=by)
        if approve:
            _lock_zone(zone)
            current = status_on(zone, locked.provider_id, on)
            if current is None or current.status != locked.current:
                now = current.get_status_display().lower() if current else "no status"
                raise DomainError(
                    f"{locked.provider} now has {now} in {zone}, not the status this "
                    "recommendation was made from: reject it and refresh the recommendations"
                )
            if current.since > on:
                raise DomainError("The decision date is before the provider's current status")
            if locked.recommended == Status.PRIME:
                _make_way_for_prime(locked, on=on, reason=reason, by=by, auditor=auditor)
            _move(
                current,
                locked.recommended,
                on=on,
                reason=f"Recommendation of {_label(locked.month)} approved: {reason}",
                summary=reason,
                by=by,
                auditor=auditor,
            )
            if locked.recommended == Status.PRIME:
                _check_one_prime(zone, on)
        before = snapshot(locked)
        locked.state = (
            StatusRecommendation.State.APPROVED if approve else StatusRecommendation.State.REJECTED
        )
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.decision_reason = reason
        locked.save()
        auditor.updated(
            locked, before=before, summary=f"{locked.get_state_display()}: {reason}"[:500]
        )
    return locked


def _move(
    current: ProviderStatus, status: str, *, on: dt.date, reason: str, summary: str, by, auditor
) -> ProviderStatus:
    """End a status on a day and open the next one for the same provider from that day."""
    if current.since > on:
        raise DomainError(
            f"The decision date is before {current.provider}'s current status in {current.zone}"
        )
    before = snapshot(current)
    current.until = on
    current.save(update_fields=["until"])
    auditor.updated(current, before=before, summary=f"Status ended on {on}")
    new = ProviderStatus.objects.create(
        zone=current.zone,
        provider_id=current.provider_id,
        contract=current.contract,
        status=status,
        since=on,
        reason=reason[:500],
        decided_by=by,
    )
    auditor.created(new, summary=f"{new.get_status_display()} from {on}: {summary}"[:500])
    return new


def _leaving_prime(zone: Zone, provider_id: int, *, lock: bool) -> StatusRecommendation | None:
    found = (
        StatusRecommendation.objects.select_for_update() if lock else StatusRecommendation.objects
    )
    return (
        found.filter(
            zone=zone,
            provider_id=provider_id,
            state=StatusRecommendation.State.PENDING,
            current=Status.PRIME,
        )
        .exclude(recommended=Status.PRIME)
        .order_by("-month", "-pk")
        .first()
    )


def prime_handover(
    recommendation: StatusRecommendation, on: dt.date | None = None, *, lock: bool = False
) -> list:
    """What approving a move to prime does to the zone's other prime providers: a list of
    (status row, new status, how, their recommendation or None), how being "its own
    recommendation" (a pending move out of prime is approved with it), "replaced" (the prime
    the recommendation weighed against becomes supplementary) or "refused" (a prime that came
    after the recommendation: approval fails)."""
    if recommendation.recommended != Status.PRIME:
        return []
    on = on or timezone.localdate()
    zone = recommendation.zone
    weighed = {
        s.provider_id
        for s in statuses_on(zone, month_end(recommendation.month))
        if s.status == Status.PRIME
    }
    out = []
    for other in _primes_from(zone, on, exclude_provider=recommendation.provider_id):
        leaving = _leaving_prime(zone, other.provider_id, lock=lock)
        if other.since > on:
            out.append((other, None, "refused", None))
        elif leaving is not None:
            out.append((other, leaving.recommended, "its own recommendation", leaving))
        elif other.provider_id in weighed:
            out.append((other, Status.SUPPLEMENTARY, "replaced", None))
        else:
            out.append((other, None, "refused", None))
    return out


def _make_way_for_prime(locked: StatusRecommendation, *, on, reason: str, by, auditor) -> None:
    """Approving a move to prime ends the zone's other prime first, in the same transaction,
    so there is never a moment with two primes. A prime with a pending move out of prime has
    that move approved too; the prime the recommendation weighed against (prime at the end of
    the recommendation's month) becomes supplementary; any other prime refuses the approval."""
    zone = locked.zone
    for other, status, how, leaving in prime_handover(locked, on, lock=True):
        if how == "refused":
            raise DomainError(
                f"{other.provider} is the prime provider in {zone} from {other.since:%d %B %Y}, "
                "which this recommendation did not weigh: a zone has one prime provider at a "
                "time. Reject this recommendation and refresh the recommendations"
            )
        label = _label(locked.month)
        if leaving is not None:
            _move(
                other,
                status,
                on=on,
                reason=f"Recommendation of {_label(leaving.month)} approved with the move of "
                f"{locked.provider} to prime: {reason}",
                summary=f"with the move of {locked.provider} to prime: {reason}",
                by=by,
                auditor=auditor,
            )
            before = snapshot(leaving)
            leaving.state = StatusRecommendation.State.APPROVED
            leaving.decided_by = by
            leaving.decided_at = timezone.now()
            leaving.decision_reason = f"Approved with the move of {locked.provider} to prime: "
            leaving.decision_reason += reason
            leaving.save()
            auditor.updated(
                leaving,
                before=before,
                summary=f"Approved with the move of {locked.provider} to prime"[:500],
            )
        else:
            _move(
                other,
                status,
                on=on,
                reason=f"Replaced as prime by {locked.provider} (recommendation of {label} "
                f"approved): {reason}",
                summary=f"replaced as prime by {locked.provider}: {reason}",
                by=by,
                auditor=auditor,
            )


# --- reads for the pages ----------------------------------------------------------------------


def latest_scores(zone: Zone, on: dt.date | None = None) -> dict[int, QualityScore]:
    """Each provider's latest rolling score in the zone (up to a day, if given)."""
    rows = QualityScore.objects.filter(zone=zone)
    if on is not None:
        rows = rows.filter(month__lte=on)
    latest = {}
    for row in rows.order_by("month"):
        latest[row.provider_id] = row
    return latest


def score_history(zone: Zone) -> list[QualityScore]:
    return list(QualityScore.objects.filter(zone=zone).select_related("provider").order_by("month"))


def status_history(zone: Zone) -> list[ProviderStatus]:
    return list(
        ProviderStatus.objects.filter(zone=zone)
        .select_related("provider", "decided_by", "contract")
        .order_by("-since", "provider__name", "-pk")
    )


def brokerage_order(zone: Zone, on: dt.date | None = None) -> list[sr.Offeree]:
    """The providers brokerage offers a package in this zone to, in order, by their approved
    status on the day: prime first, then supplementary by rolling score; never suspended."""
    on = on or timezone.localdate()
    scores = latest_scores(zone, on)
    offerees = []
    for row in statuses_on(zone, on):
        score = scores.get(row.provider_id)
        offerees.append(
            sr.Offeree(
                provider_id=row.provider_id,
                name=row.provider.name,
                status=row.status,
                score=score.score if score else None,
                extra={
                    "provider": row.provider,
                    "status": row,
                    "score_month": score and score.month,
                },
            )
        )
    return sr.offer_order(offerees)


def locations_of(providers) -> list[ProviderLocation]:
    return list(
        ProviderLocation.objects.filter(organisation__in=providers)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def cqc_ratings_of(providers) -> list[CqcRating]:
    return list(
        CqcRating.objects.filter(location__organisation__in=providers)
        .select_related("location__organisation")
        .order_by("-published_on", "-pk")
    )


def audits_of(owner_ids: Iterable[int]) -> list[QualityAudit]:
    return list(
        QualityAudit.objects.filter(owner_id__in=list(owner_ids))
        .select_related("provider", "owner")
        .order_by("-audited_on", "-pk")
    )
