"""Participation as reports and public pages show it: the activity table and every
dimension's line never show a count from 1 to 4, and the total they share is shown in all or
withheld in all."""

import datetime as dt
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from tendercare.scrutiny import disclosure, report_engagement

GROUPS = ["a", "b", "c", "not_provided"]


def _activity(pk, channel, participants, published):
    return SimpleNamespace(
        pk=pk,
        title=f"Activity {pk}",
        channel=channel,
        participants=participants,
        published=published,
        starts_on=dt.date(2026, 1, 1),
        ends_on=None,
        get_kind_display=lambda: "Workshop",
        get_channel_display=lambda: channel,
    )


activities_and_splits = st.lists(
    st.tuples(
        st.sampled_from(["digital", "in_person"]),
        st.booleans(),
        st.lists(st.integers(0, 12), min_size=len(GROUPS), max_size=len(GROUPS)),
    ),
    min_size=0,
    max_size=5,
)


@settings(max_examples=200, deadline=None)
@given(activities_and_splits, st.booleans())
def test_participation_never_shows_a_small_count(spec, public):
    activities = [
        _activity(i + 1, channel, sum(split), published)
        for i, (channel, published, split) in enumerate(spec)
    ]
    by_group = {g: sum(split[k] for _, _, split in spec) for k, g in enumerate(GROUPS)}
    total = sum(a.participants for a in activities)
    dimension = SimpleNamespace(
        code="age_band",
        rows=[SimpleNamespace(group=g, participants=n, outside=False) for g, n in by_group.items()],
    )
    reach = SimpleNamespace(participants=total, dimensions=[dimension])
    part = report_engagement.protect_participation(reach, activities, public=public)

    shown = [part.total, *part.channels.values(), *part.by_activity.values()]
    shown += [v for _, counts in part.dimensions for v in counts.values()]
    shown += [row[-1] for row in part.activity_rows]
    for value in shown:
        if isinstance(value, str):
            value = None if value == "[c]" else int(value.replace(",", ""))
        assert value is None or value == 0 or value >= 5
    # The shared total: shown everywhere or nowhere.
    if total:
        line = disclosure.protect_counts(
            {r.group: r.participants for r in dimension.rows},
            total_shown=True,
            hide_total=part.total is None,
        )
        assert (line.total is None) == (part.total is None)
    for a in activities:
        if public and not a.published:
            assert a.pk not in part.by_activity
