"""The committee update and the engagement briefing note: every section assembled from the
other apps' query functions (never their tables), as plain values a template prints.

Every section is always there; with no data it says so. Counts of people pass disclosure
control (disclosure.py) in every output, drafts included, because committee papers are public
documents: the draft is what will be published. `public=True` (publishing, the public pages)
further keeps to what is published: published procurements, published changes and published
activities.
"""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from tendercare.core.formats import ukdate
from tendercare.engagement import queries as engagement_queries
from tendercare.performance import kpis
from tendercare.performance import queries as performance_queries
from tendercare.procurement import queries as procurement_queries
from tendercare.programmes import queries as programme_queries
from tendercare.programmes import schedule

from . import queries as scrutiny_queries
from . import report_queries
from .report_engagement import (
    activities_section,
    protect_participation,
    reach_section,
    themes_section,
    you_said_section,
)
from .report_parts import Document, Section, Table

CLOSED_RISK = "closed"

# ---------------------------------------------------------------------------------------------
# Sections


def _purpose(programme) -> Section:
    s = Section("purpose", "Purpose")
    if programme.summary:
        s.paragraphs.append(programme.summary)
    s.facts = [
        ("Programme", programme.name),
        ("Reference", programme.ref or f"PRG-{programme.pk}"),
        ("Led by", str(programme.owner)),
    ]
    places = [p.name for p in programme.places.all()]
    s.facts.append(("Areas served", ", ".join(places) if places else "Not recorded"))
    return s


def _progress(programme, rows, open_risks: int) -> Section:
    s = Section("progress", "Progress")
    done = sum(1 for r in rows if r.completed_on)
    late = sum(1 for r in rows if r.slip_days > 0)
    s.facts = [
        ("Status", programme.get_status_display()),
        ("Start date", ukdate(programme.start_date) or "Not set"),
        ("Target date", ukdate(programme.target_date) or "Not set"),
        ("Milestones complete", f"{done} of {len(rows)}"),
        ("Milestones later than their baseline", str(late)),
        ("Open risks", str(open_risks)),
    ]
    return s


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else ("0" if n == 0 else f"−{-n}")


def _milestones(programme, rows) -> Section:
    s = Section("milestones", "Milestones", empty="No milestones have been set yet.")
    if not rows:
        return s
    s.paragraphs.append(
        "Each milestone's baseline date is the date in the approved plan; the current date "
        "includes every revision. Slip is counted in calendar days from the baseline."
    )
    s.tables.append(
        Table(
            "Milestones: baseline against current date",
            ["Milestone", "Baseline", "Current", "Slip (days)", "Status"],
            [
                [r.name, ukdate(r.baseline), ukdate(r.current), _signed(r.slip_days), r.rag_label]
                for r in rows
            ],
            numeric={3},
        )
    )
    revisions = []
    for r in rows:
        for rev in r.milestone.revisions.all():
            revisions.append(
                [
                    r.name,
                    f"{ukdate(rev.previous_date)} to {ukdate(rev.new_date)}",
                    _signed(rev.days),
                    rev.reason,
                ]
            )
    if revisions:
        s.tables.append(
            Table(
                "Milestone revisions and their reasons",
                ["Milestone", "Moved", "Days", "Reason"],
                revisions,
                numeric={2},
            )
        )
    else:
        s.paragraphs.append("No milestone has been revised.")
    s.chart = Markup(  # noqa: S704 - timeline_svg escapes every label
        schedule.timeline_svg(
            programme_queries.timeline_items(rows),
            title=f"Timeline of {programme.name}: baseline and current milestone dates",
        )
    )
    s.chart_summary = (
        "The chart shows each milestone's baseline date as a hollow diamond and its current "
        "date as a filled circle, joined by a dashed line where the date has moved. The same "
        "dates are in the milestone table."
    )
    return s


def _risks(open_risks) -> Section:
    s = Section("risks", "Risks", empty="No open risks are recorded.")
    if not open_risks:
        return s
    ranked = sorted(open_risks, key=lambda r: (-r.score, r.title))
    s.tables.append(
        Table(
            "Open risks, highest score first (likelihood times impact, each 1 to 5)",
            ["Risk", "Score", "Rating", "Status", "Owner", "Mitigation"],
            [
                [
                    r.title,
                    str(r.score),
                    r.rating[1],
                    r.get_status_display(),
                    r.owner_display or "Not named",
                    r.mitigation or "None recorded",
                ]
                for r in ranked
            ],
            numeric={1},
        )
    )
    return s


def _procurement(programme, reader, *, public: bool) -> Section:
    s = Section(
        "procurement", "Procurement", empty="No procurement has started for this programme."
    )
    source = (
        procurement_queries.published_procurements()
        if public
        else procurement_queries.procurements_visible_to(reader)
    )
    procurements = list(source.filter(programme=programme).order_by("reference"))
    if not procurements:
        return s
    s.tables.append(
        Table(
            "Procurements and where they stand",
            ["Procurement", "Route", "Stage", "Bids due", "Standstill ends"],
            [
                [
                    f"{p.reference} {p.title}",
                    p.get_route_display() or "Not decided",
                    p.get_state_display() + (f" ({p.stage})" if p.stage else ""),
                    ukdate(p.bid_deadline.date()) if p.bid_deadline else "",
                    ukdate(p.standstill_ends) if p.standstill_ends else "",
                ]
                for p in procurements
            ],
        )
    )
    return s


def _performance(programme, reader, as_of: dt.date) -> Section:
    s = Section(
        "performance",
        "Contract performance",
        empty="No KPI results yet for the contracts in this programme.",
    )
    contracts = list(programme_queries.contracts_in_scope(reader, programme))
    if not contracts:
        s.empty = "No contracts are in scope of this programme yet."
        return s
    schedules = {
        (sc.contract_id, sc.kpi_id): sc
        for sc in performance_queries.schedules_visible_to(reader).filter(contract__in=contracts)
    }
    latest: dict[tuple[int, int], object] = {}
    results = (
        performance_queries.results_visible_to(reader)
        .filter(contract__in=contracts, month__lte=as_of)
        .order_by("contract_id", "kpi_id", "month")
    )
    for result in results:
        latest[(result.contract_id, result.kpi_id)] = result
    if not latest:
        return s
    by_pk = {c.pk: c for c in contracts}
    rows = []
    for (contract_id, kpi_id), result in sorted(
        latest.items(), key=lambda kv: (by_pk[kv[0][0]].reference, kv[1].kpi.code)
    ):
        sc = schedules.get((contract_id, kpi_id))
        kpi = result.kpi
        target = sc.target if sc else kpi.default_target
        amber = sc.amber if sc else kpi.default_amber
        rating = kpis.rate(result.value, target=target, amber=amber, better=kpi.better)
        unit = "%" if kpi.unit == "percent" else f" {kpi.unit}"
        rows.append(
            [
                f"{by_pk[contract_id].reference}: {kpi.name}",
                f"{result.month:%B %Y}",
                "" if result.value is None else f"{result.value.normalize():f}{unit}",
                f"{target.normalize():f}{unit}",
                {"green": "Target met", "amber": "Near target", "red": "Below threshold"}.get(
                    rating, "No value"
                ),
            ]
        )
    s.tables.append(
        Table(
            "Latest KPI results for the programme's contracts",
            ["Contract and KPI", "Month", "Result", "Target", "Rating"],
            rows,
            numeric={2, 3},
        )
    )
    return s


def _decisions(programme, reader, as_of: dt.date, scrutiny) -> Section:
    s = Section("decisions", "Decisions", empty="No decisions have been recorded yet.")
    programme_decisions = list(
        programme_queries.decisions_visible_to(reader)
        .filter(programme=programme, decided_on__lte=as_of)
        .order_by("decided_on", "pk")
    )
    if programme_decisions:
        s.tables.append(
            Table(
                "Programme decisions",
                ["Decision", "Date", "Decided by", "What was decided"],
                [
                    [d.title, ukdate(d.decided_on), d.decided_by, d.decision]
                    for d in programme_decisions
                ],
            )
        )
    committee = [d for d in scrutiny.decisions if d.decided_on <= as_of]
    if committee:
        s.tables.append(
            Table(
                "Committee decisions",
                ["Committee and item", "Date", "Decision", "What was decided"],
                [
                    [
                        f"{d.item.meeting.committee}: {d.item.title}",
                        ukdate(d.decided_on),
                        d.get_kind_display()
                        + (
                            f" ({'substantial' if d.is_substantial else 'not substantial'})"
                            if d.is_substantial is not None
                            else ""
                        ),
                        d.text
                        + (f" Reasons: {d.reasons}" if d.reasons else "")
                        + (f" Referred to {d.referred_to}." if d.referred_to else ""),
                    ]
                    for d in committee
                ],
            )
        )
    return s


def _actions(scrutiny) -> Section:
    s = Section("actions", "Open actions", empty="No open actions.")
    if scrutiny.open_actions:
        s.tables.append(
            Table(
                "Actions the committee asked for that are still open",
                ["Action", "Owner", "Due", "Status", "Latest update"],
                [
                    [
                        a.description,
                        a.owner_name,
                        ukdate(a.due_on) + (" (overdue)" if getattr(a, "overdue", False) else ""),
                        a.get_status_display(),
                        a.update or "",
                    ]
                    for a in scrutiny.open_actions
                ],
            )
        )
    if scrutiny.upcoming:
        s.tables.append(
            Table(
                "Coming to the committee (work programme)",
                ["Item", "Planned for", "Status"],
                [
                    [w.title, f"{w.planned_for:%B %Y}", w.get_status_display()]
                    for w in scrutiny.upcoming
                ],
            )
        )
    return s


# ---------------------------------------------------------------------------------------------
# The two documents


def committee_update(programme, *, user=None, as_of: dt.date, public: bool = False) -> Document:
    reader = report_queries.reader_for(programme, user)
    scrutiny = scrutiny_queries.programme_scrutiny(programme, reader, today=as_of)
    rows = programme_queries.milestone_rows(programme, today=as_of)
    open_risks = [r for r in programme_queries.risks_for(programme) if r.status != CLOSED_RISK]
    reach = engagement_queries.programme_reach(programme)
    activities = engagement_queries.activity_list(reader, programme=programme)
    part = protect_participation(reach, activities, public=public)
    sections = [
        _purpose(programme),
        _progress(programme, rows, len(open_risks)),
        _milestones(programme, rows),
        _risks(open_risks),
        reach_section(part, reach),
        themes_section(programme, public=public),
        you_said_section(programme, public=public, user=user),
        _procurement(programme, reader, public=public),
        _performance(programme, reader, as_of),
        _decisions(programme, reader, as_of, scrutiny),
        _actions(scrutiny),
    ]
    return Document(
        kind="committee_update",
        title=f"{programme.name}: update for the committee, {ukdate(as_of)}",
        programme=programme,
        as_of=as_of,
        public=public,
        sections=sections,
        suppressed=part.suppressed,
    )


def engagement_briefing(programme, *, user=None, as_of: dt.date, public: bool = False) -> Document:
    reader = report_queries.reader_for(programme, user)
    reach = engagement_queries.programme_reach(programme)
    activities = engagement_queries.activity_list(reader, programme=programme)
    part = protect_participation(reach, activities, public=public)
    sections = [
        _purpose(programme),
        activities_section(part),
        reach_section(part, reach),
        themes_section(programme, public=public),
        you_said_section(programme, public=public, user=user),
    ]
    return Document(
        kind="engagement_briefing",
        title=f"{programme.name}: engagement briefing note, {ukdate(as_of)}",
        programme=programme,
        as_of=as_of,
        public=public,
        sections=sections,
        suppressed=part.suppressed,
    )


def build(kind: str, programme, *, user=None, as_of: dt.date, public: bool = False) -> Document:
    if kind == "engagement_briefing":
        return engagement_briefing(programme, user=user, as_of=as_of, public=public)
    return committee_update(programme, user=user, as_of=as_of, public=public)
