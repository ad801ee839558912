"""The engagement sections of a report (activities, reach, themes, you said we did) and the
disclosure control of participation, which the public pages share so that the two cannot be
set against each other."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tendercare.core import charts
from tendercare.core.formats import percent, ukdate
from tendercare.engagement import queries as engagement_queries
from tendercare.engagement import reach as reach_rules
from tendercare.engagement.groups import NOT_PROVIDED

from . import disclosure, report_queries
from .disclosure import shown
from .report_parts import Section, Table


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


def protect_participation(reach, activities, *, public: bool) -> Participation:
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
        # A share of those who said, with the total shown, reveals "not provided" (and, for
        # age, those of ages the programme does not serve, who are out of the shares too):
        # shares are shown only when those counts and the total are.
        left_out = [NOT_PROVIDED, *(r.group for r in d.rows if r.outside)]
        if line.total is not None and all(line.counts.get(g, 0) is not None for g in left_out):
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


def reach_section(part: Participation, reach) -> Section:
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
    unrecorded, withheld_shares, notes = [], [], []
    for d, counts in part.dimensions:
        if not d.said:
            unrecorded.append(d.label.lower())
            continue
        safe = d.code in part.safe_shares
        if not safe:
            withheld_shares.append(d.label.lower())
        if d.note:
            notes.append(f"{d.label}: {d.note}")
        rows = []
        for r in d.rows:
            count = counts.get(r.group)
            outside = r.outside
            participant_share = ""
            if outside:
                participant_share = "Not compared"
            elif not r.not_provided:
                participant_share = (
                    "[c]" if not safe or count is None else _share(r.participant_share)
                )
            residents_share = _share(r.population_share) or (
                "" if r.not_provided else "Not compared" if outside else "No figures"
            )
            rows.append(
                [
                    r.label + (" (an age the programme does not serve)" if outside else ""),
                    shown(count),
                    participant_share,
                    residents_share,
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
    if unrecorded:
        s.paragraphs.append("Not recorded for anyone who took part: " + ", ".join(unrecorded) + ".")
    if withheld_shares:
        s.paragraphs.append(
            "Shares of those who said are withheld for "
            + ", ".join(withheld_shares)
            + ": with the total shown, they would reveal a withheld count."
        )
    s.paragraphs.extend(notes)
    s.paragraphs.extend(_ages_paragraph(part, reach))
    counts_of = {d.code: counts for d, counts in part.dimensions}
    sentences = [
        _sentence(r)
        for r in sorted(reach.rows, key=lambda r: (r.ratio or 0, r.dimension, r.group))
        if r.under_represented
        and r.dimension in part.safe_shares
        and counts_of.get(r.dimension, {}).get(r.group) is not None
    ]
    s.items = sentences
    compared = any(r.population_share is not None for r in reach.rows)
    if compared and not sentences:
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


def _ages_paragraph(part: Participation, reach) -> list[str]:
    """Which ages the age comparison covers and how many who took part were outside them
    (through disclosure control: withheld when any of the counts it adds up is)."""
    youngest = reach.youngest_age_served
    if not youngest:
        return ["Age is compared with residents of all ages (the programme serves all ages)."]
    age, counts = next(((d, c) for d, c in part.dimensions if d.code == "age_band"), (None, {}))
    outside = [counts.get(r.group) for r in (age.rows if age else []) if r.outside]
    if any(n is None for n in outside):
        who = (
            "people who took part and gave a younger age are left out of the age shares (how "
            "many is withheld to protect people's identities)"
        )
    else:
        n = sum(outside)
        who = (
            f"{n:,} {'person' if n == 1 else 'people'} who took part gave a younger age and "
            f"{'is' if n == 1 else 'are'} left out of the age shares"
        )
    return [
        f"Age is compared with residents aged {youngest} and over, the ages the programme "
        f"serves: {who}. The other dimensions compare with residents of all ages, because "
        "their Census figures are not split by age."
    ]


def _sentence(r) -> str:
    return reach_rules.sentence(r)


def themes_section(programme, *, public: bool = False) -> Section:
    s = Section("themes", "What people told us: themes", empty="No feedback has been themed yet.")
    counts = engagement_queries.theme_counts(programme, published_only=public)
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


def you_said_section(programme, *, public: bool, user) -> Section:
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


def activities_section(part: Participation) -> Section:
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
        out.update(protect_participation(reach, everything, public=True).by_activity)
    alone = [a for a in activities if not a.programme_id]
    totals = engagement_queries.participant_totals(a.pk for a in alone)
    for a in alone:
        n = totals.get(a.pk, 0)
        out[a.pk] = disclosure.suppress_counts({"n": n}, total_shown=False)["n"]
    return out
