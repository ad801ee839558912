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
from dataclasses import dataclass, field
from decimal import Decimal

from markupsafe import Markup

from tendercare.core import charts
from tendercare.core.formats import percent, ukdate
from tendercare.engagement import queries as engagement_queries
from tendercare.engagement import reach as reach_rules
from tendercare.engagement.groups import NOT_PROVIDED
from tendercare.performance import kpis
from tendercare.performance import queries as performance_queries
from tendercare.procurement import queries as procurement_queries
from tendercare.programmes import queries as programme_queries
from tendercare.programmes import schedule

from . import disclosure, report_queries
from . import queries as scrutiny_queries
from .disclosure import shown

CLOSED_RISK = "closed"


@dataclass
class Table:
    caption: str
    head: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)  # right-aligned columns
    row_headers: bool = True  # the first cell of each row is its header


@dataclass
class Section:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    chart: Markup | None = None
    chart_summary: str = ""
    items: list[str] = field(default_factory=list)
    empty: str = ""  # said instead of the content when there is nothing to show

    @property
    def has_content(self) -> bool:
        return bool(self.paragraphs or self.facts or self.tables or self.chart or self.items)


@dataclass
class Document:
    kind: str  # Report.Kind value
    title: str
    programme: object
    as_of: dt.date
    public: bool
    sections: list[Section]
    suppressed: int = 0  # how many counts disclosure control withheld

    @property
    def contents(self) -> list[tuple[str, str]]:
        return [(s.id, s.title) for s in self.sections]


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


@dataclass
class Participation:
    """The programme's participation after disclosure control, computed once so that every
    table showing the same total withholds it alike."""

    total: int | None
    activity_rows: list[list[str]]
    channels: dict[str, int | None]
    dimensions: list[tuple[object, dict[str, int | None]]]  # (DimensionReach, shown counts)
    safe_shares: set[str]  # dimensions whose participant shares may be shown
    suppressed: int
    by_activity: dict[int, int | None] = field(default_factory=dict)  # listed activities


def _protect(reach, activities, *, public: bool) -> Participation:
    listed = [a for a in activities if a.published or not public]
    unlisted = [a for a in activities if not (a.published or not public)]
    channels = ["digital", "in_person"]
    rows = [[a.participants if a.channel == c else 0 for c in channels] for a in listed]
    if unlisted:
        rows.append([sum(a.participants for a in unlisted if a.channel == c) for c in channels])
    dims = [d for d in reach.dimensions if d.rows]

    def tables(force: bool):
        act = disclosure.protect_table(
            rows or [[0, 0]],
            row_totals=True,
            column_totals=True,
            also_hidden=[(len(rows or [[0, 0]]), 2)] if force else [],
        )
        lines = [
            disclosure.protect_counts(
                {r.group: r.participants for r in d.rows}, total_shown=True, hide_total=force
            )
            for d in dims
        ]
        return act, lines

    act, lines = tables(False)
    # The same total is in every table: withheld in one, it is withheld in all.
    if reach.participants and (
        act.grand_total is None or any(line.total is None for line in lines)
    ):
        act, lines = tables(True)
    activity_rows = []
    by_activity = {}
    for i, a in enumerate(listed):
        cell = act.cells[i][channels.index(a.channel)]
        # The cell and its row total are the same number: shown only when both are.
        value = cell if act.row_totals[i] is not None else None
        by_activity[a.pk] = value
        activity_rows.append(
            [
                a.title,
                a.get_kind_display(),
                a.get_channel_display(),
                ukdate(a.starts_on) + (f" to {ukdate(a.ends_on)}" if a.ends_on else ""),
                shown(value),
            ]
        )
    if unlisted:
        i = len(listed)
        value = act.row_totals[i]
        activity_rows.append(
            [
                f"{len(unlisted)} {'activity' if len(unlisted) == 1 else 'activities'} "
                "not yet published",
                "",
                "",
                "",
                shown(value),
            ]
        )
    safe = set()
    for d, line in zip(dims, lines, strict=True):
        # A share of those who said, with the total shown, reveals "not provided": shares are
        # shown only when "not provided" and the total are.
        if line.total is not None and line.counts.get(NOT_PROVIDED, 0) is not None:
            safe.add(d.code)
    return Participation(
        total=act.grand_total if reach.participants else 0,
        activity_rows=activity_rows,
        channels={"digital": act.column_totals[0], "in_person": act.column_totals[1]},
        dimensions=[(d, line.counts) for d, line in zip(dims, lines, strict=True)],
        safe_shares=safe,
        suppressed=act.suppressed + sum(line.suppressed for line in lines),
        by_activity=by_activity,
    )


def _share(value) -> str:
    return (
        "" if value is None else percent(Decimal(value.numerator) / Decimal(value.denominator), 0)
    )


def _reach(part: Participation, reach) -> Section:
    s = Section("reach", "Engagement reach", empty="No engagement has been recorded yet.")
    if not reach.activity_count:
        return s
    s.facts = [
        ("Activities", str(reach.activity_count)),
        ("People taking part", shown(part.total)),
        ("Online or digital", shown(part.channels["digital"])),
        ("In person", shown(part.channels["in_person"])),
    ]
    age_bars = []
    for d, counts in part.dimensions:
        safe = d.code in part.safe_shares
        rows = []
        for r in d.rows:
            count = counts.get(r.group)
            rows.append(
                [
                    r.label,
                    shown(count),
                    _share(r.participant_share) if safe and count is not None else "",
                    _share(r.population_share),
                ]
            )
            if d.code == "age_band" and not r.not_provided:
                age_bars.append(
                    charts.Bar(
                        r.label, count or 0, display=shown(count) if count is not None else "[c]"
                    )
                )
        s.tables.append(
            Table(
                f"Participants by {d.label.lower()}",
                ["Group", "Participants", "Share of those who said", "Share of residents"],
                rows,
                numeric={1, 2, 3},
            )
        )
    counts_of = {d.code: counts for d, counts in part.dimensions}
    sentences = [
        _sentence(r)
        for r in sorted(reach.rows, key=lambda r: (r.ratio or 0, r.dimension, r.group))
        if r.under_represented
        and r.dimension in part.safe_shares
        and counts_of.get(r.dimension, {}).get(r.group) is not None
    ]
    s.items = sentences
    if reach.rows and not sentences:
        s.paragraphs.append(
            "No group that can be shown is under-represented (a group is under-represented "
            "when its share of participants is below 0.8 of its share of residents and it is "
            "at least 5% of residents)."
        )
    if age_bars and part.total:
        s.chart = charts.bar_chart(
            age_bars,
            chart_id="reach-age",
            title="Participants by age",
            description="Number of people taking part in each age group; [c] marks a count "
            "withheld to protect people's identities.",
        )
        s.chart_summary = (
            "The chart shows how many people in each age group took part; the same counts are "
            "in the table of participants by age."
        )
    return s


def _sentence(r) -> str:
    return reach_rules.sentence(r)


def _themes(programme) -> Section:
    s = Section("themes", "What people told us: themes", empty="No feedback has been themed yet.")
    counts = engagement_queries.theme_counts(programme)
    if not counts:
        return s
    protected = disclosure.suppress_counts(dict(counts), total_shown=False)
    s.tables.append(
        Table(
            "Feedback items by theme (an item may have more than one theme)",
            ["Theme", "Feedback items"],
            [[name, shown(protected[name])] for name, _ in counts],
            numeric={1},
        )
    )
    s.chart = charts.bar_chart(
        [
            charts.Bar(name, protected[name] or 0, display=shown(protected[name]))
            for name, _ in counts
        ],
        chart_id="themes",
        title="Feedback items by theme",
        description="Number of feedback items tagged with each theme, most first.",
    )
    s.chart_summary = "The chart shows the same counts as the themes table, most first."
    return s


def _you_said(programme, *, public: bool, user) -> Section:
    s = Section("you-said-we-did", "You said, we did", empty="No changes have been recorded yet.")
    rows = engagement_queries.you_said_we_did(
        programme, published_only=public, viewer=None if public else user
    )
    if not rows:
        return s
    s.tables.append(
        Table(
            "What people said and what changed",
            ["You said", "We did", "Theme", "Feedback items", "Where the change is"],
            [
                [
                    r.you_said,
                    r.we_did,
                    r.theme or "",
                    shown(
                        disclosure.suppress_counts({"n": r.feedback_count}, total_shown=False)["n"]
                    ),
                    "; ".join(f"{link.kind_label}: {link.label}" for link in r.links),
                ]
                for r in rows
            ],
            numeric={3},
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


def _activities(part: Participation) -> Section:
    s = Section("activities", "Engagement activities", empty="No engagement activities yet.")
    if part.activity_rows:
        s.tables.append(
            Table(
                "Activities and how many took part",
                ["Activity", "Kind", "How", "When", "People taking part"],
                part.activity_rows,
                numeric={4},
            )
        )
    return s


def public_participants(activities) -> dict[int, int | None]:
    """Participants of each published activity as the public pages show them: through the
    same protected table as the programme's published briefing, so that the two cannot be set
    against each other; an activity outside any programme stands alone."""
    out: dict[int, int | None] = {}
    programmes = {a.programme_id: a.programme for a in activities if a.programme_id}
    for programme in programmes.values():
        reach = engagement_queries.programme_reach(programme)
        everything = engagement_queries.activity_list(
            report_queries.reader_for(programme), programme=programme
        )
        out.update(_protect(reach, everything, public=True).by_activity)
    alone = [a for a in activities if not a.programme_id]
    totals = engagement_queries.participant_totals(a.pk for a in alone)
    for a in alone:
        n = totals.get(a.pk, 0)
        out[a.pk] = disclosure.suppress_counts({"n": n}, total_shown=False)["n"]
    return out


# ---------------------------------------------------------------------------------------------
# The two documents


def committee_update(programme, *, user=None, as_of: dt.date, public: bool = False) -> Document:
    reader = report_queries.reader_for(programme, user)
    scrutiny = scrutiny_queries.programme_scrutiny(programme, reader, today=as_of)
    rows = programme_queries.milestone_rows(programme, today=as_of)
    open_risks = [r for r in programme_queries.risks_for(programme) if r.status != CLOSED_RISK]
    reach = engagement_queries.programme_reach(programme)
    activities = engagement_queries.activity_list(reader, programme=programme)
    part = _protect(reach, activities, public=public)
    sections = [
        _purpose(programme),
        _progress(programme, rows, len(open_risks)),
        _milestones(programme, rows),
        _risks(open_risks),
        _reach(part, reach),
        _themes(programme),
        _you_said(programme, public=public, user=user),
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
    part = _protect(reach, activities, public=public)
    sections = [
        _purpose(programme),
        _activities(part),
        _reach(part, reach),
        _themes(programme),
        _you_said(programme, public=public, user=user),
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
