# ruff: noqa: F811 - fixtures imported from report_fixtures
"""The committee update and the engagement briefing: every section, with data and without."""

import pytest

from tendercare.scrutiny import report

from .report_fixtures import AS_OF, _media, empty_programme, full_programme  # noqa: F401

SECTIONS = [
    "purpose",
    "progress",
    "milestones",
    "risks",
    "reach",
    "themes",
    "you-said-we-did",
    "procurement",
    "performance",
    "decisions",
    "actions",
]


def _text(section) -> str:
    parts = [*section.paragraphs, *section.items, section.empty if not section.has_content else ""]
    parts += [f"{k}: {v}" for k, v in section.facts]
    for t in section.tables:
        parts.append(t.caption)
        parts += [" | ".join(row) for row in t.rows]
    return "\n".join(parts)


def test_every_section_is_there_for_a_programme_with_no_data(empty_programme):
    doc = report.committee_update(empty_programme, as_of=AS_OF)
    assert [s.id for s in doc.sections] == SECTIONS
    by_id = {s.id: s for s in doc.sections}
    for section_id in SECTIONS[2:]:
        s = by_id[section_id]
        assert s.has_content or s.empty, section_id
    assert "No milestones" in _text(by_id["milestones"])
    assert "No engagement has been recorded" in _text(by_id["reach"])
    assert "No contracts are in scope" in _text(by_id["performance"])
    assert "No open actions" in _text(by_id["actions"])


def test_a_full_programme_fills_every_section(full_programme):
    doc = report.committee_update(full_programme, as_of=AS_OF)
    by_id = {s.id: _text(s) for s in doc.sections}
    assert "Contract award" in by_id["milestones"]
    assert "NHS England assurance" in by_id["milestones"]
    assert "1 May 2026 to 15 June 2026" in by_id["milestones"]
    assert "Too few bidders" in by_id["risks"]
    assert "Continuity of carers | 7" in by_id["themes"]
    assert "You want the same carers" in by_id["you-said-we-did"]
    assert "Secret draft" in by_id["you-said-we-did"]  # the draft, for signed-in readers
    assert "PROC-HC-1" in by_id["procurement"]
    assert "HC-2019-1" in by_id["performance"] and "May 2026" in by_id["performance"]
    assert "Route chosen" in by_id["decisions"]
    assert "Same services, same places" in by_id["decisions"]
    assert "Report back on rural bidders" in by_id["actions"]
    assert "Closed action" not in by_id["actions"]
    assert "Home care: contract award | September 2026" in by_id["actions"]
    milestones = next(s for s in doc.sections if s.id == "milestones")
    assert milestones.chart is not None and "<svg" in milestones.chart


def test_reach_counts_pass_disclosure_control(full_programme):
    doc = report.committee_update(full_programme, as_of=AS_OF)
    reach = next(s for s in doc.sections if s.id == "reach")
    facts = dict(reach.facts)
    assert facts["People taking part"] == "93"
    age = next(t for t in reach.tables if "age" in t.caption)
    counts = {row[0]: row[1] for row in age.rows}
    # 65 and over: 3 + 6 + 12 = 21, shown; not provided: 2, withheld, with a complement.
    assert counts["65 and over"] == "21"
    assert counts["Not provided"] == "[c]"
    assert sum(1 for v in counts.values() if v == "[c]") >= 2
    # Shares of those who said would reveal "not provided": not shown.
    assert {row[2] for row in age.rows} == {"[c]", ""}
    text = _text(reach)
    assert "Shares of those who said are withheld for age" in text
    # Dimensions nobody gave are a sentence, not a table of zeros.
    assert "Not recorded for anyone who took part: sex, ethnic group" in text
    assert not any("by sex" in t.caption for t in reach.tables)
    assert reach.chart is not None


def test_the_public_version_keeps_to_what_is_published(full_programme):
    doc = report.committee_update(full_programme, as_of=AS_OF, public=True)
    by_id = {s.id: _text(s) for s in doc.sections}
    assert "Secret draft" not in by_id["you-said-we-did"]
    assert "You want the same carers" in by_id["you-said-we-did"]
    assert "PROC-HC-1" in by_id["procurement"]
    assert "PROC-HC-DRAFT" not in by_id["procurement"]


def test_the_briefing_lists_published_activities_and_groups_the_rest(full_programme):
    doc = report.engagement_briefing(full_programme, as_of=AS_OF, public=True)
    assert [s.id for s in doc.sections] == [
        "purpose",
        "activities",
        "reach",
        "themes",
        "you-said-we-did",
    ]
    activities = _text(doc.sections[1])
    assert "Hoo workshop" in activities and "Online survey" in activities
    assert "Carers' forum" not in activities
    assert "1 activity not yet published |  |  |  | 12" in activities


def test_the_briefing_with_no_data(empty_programme):
    doc = report.engagement_briefing(empty_programme, as_of=AS_OF)
    assert all(s.has_content or s.empty for s in doc.sections)


@pytest.mark.parametrize("kind", ["committee_update", "engagement_briefing"])
def test_build_picks_the_kind(empty_programme, kind):
    assert report.build(kind, empty_programme, as_of=AS_OF).kind == kind


def test_reach_against_residents_names_the_groups_that_can_be_shown(council, commissioner):
    from tendercare.programmes import services as programme_services
    from tests.engagement.test_activity_support import make_geography

    from .report_fixtures import _activity

    place = make_geography()
    p = programme_services.programme_create(
        owner=council, name="Reach", ref="REACH-1", by=commissioner
    )
    programme_services.programme_set_places(programme=p, places=[place], by=commissioner)
    _activity(
        council,
        p,
        "Drop-in",
        "in_person",
        {"age_band": {"25_34": 30, "50_64": 20, "65_plus": 5}},
        published=True,
        by=commissioner,
    )
    reach = next(s for s in report.committee_update(p, as_of=AS_OF).sections if s.id == "reach")
    age = next(t for t in reach.tables if "age" in t.caption)
    by_group = {row[0]: row for row in age.rows}
    assert by_group["25 to 34"][1] == "30" and by_group["25 to 34"][2] == "55%"
    assert by_group["15 and under"][2] == "0%" and by_group["15 and under"][3].endswith("%")
    assert any(item.startswith("people aged 15 and under are") for item in reach.items)
