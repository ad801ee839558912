"""Suggested themes from keywords (engagement/themes.py): hand examples and properties."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tendercare.engagement.themes import (
    ThemeKeywords,
    parse_keywords,
    stem,
    suggest,
    words,
)


def theme(key, name, keywords: str) -> ThemeKeywords:
    return ThemeKeywords(key, name, parse_keywords(keywords))


TIMELINESS = theme(1, "Timeliness", "late visits\nlate\nwaiting")
STAFF = theme(2, "Staff", "carers\nstaff")
TRANSPORT = theme(3, "Transport", "bus\nparking\ntransport")


def names(text, themes=(TIMELINESS, STAFF, TRANSPORT)):
    return [s.name for s in suggest(text, themes)]


# --- hand examples ------------------------------------------------------------------------


def test_a_keyword_matches_in_any_case():
    assert names("The carer was LATE again") == ["Staff", "Timeliness"]


def test_whole_words_only():
    assert names("She was careful and the latest news was good") == []
    assert names("staffing levels") == []


def test_plurals_match_their_singular_either_way():
    assert names("My carer is kind") == ["Staff"]  # keyword "carers", text "carer"
    assert names("three late visit reports") == ["Timeliness"]  # keyword "late visits"
    fam = theme(9, "Family", "family")
    assert names("the families said", [fam]) == ["Family"]
    church = theme(8, "Faith", "church")
    assert names("local churches help", [church]) == ["Faith"]


def test_a_phrase_matches_across_punctuation_but_in_order():
    assert names("we had late-visits all winter") == ["Timeliness"]
    assert [m.keyword for m in suggest("visits late", [TIMELINESS])[0].matches] == ["late"]


def test_ranked_by_keywords_matched_then_times_then_name():
    text = "Late visits, late again, always waiting. Carers are lovely; the bus is fine."
    found = suggest(text, [TRANSPORT, STAFF, TIMELINESS])
    assert [s.name for s in found] == ["Timeliness", "Staff", "Transport"]
    assert found[0].keyword_count == 3
    # "late" occurs twice as a word (once inside "late visits"), "late visits" once
    assert {m.keyword: m.times for m in found[0].matches} == {
        "late visits": 1,
        "late": 2,
        "waiting": 1,
    }
    # same count of keywords and times: by name
    a, b = theme(1, "Beta", "tea"), theme(2, "Alpha", "coffee")
    assert [s.name for s in suggest("tea and coffee", [a, b])] == ["Alpha", "Beta"]


def test_says_why_with_the_words_as_written():
    staff, time = suggest("Carers arrive LATE", [theme(5, "Time", "late"), STAFF])
    assert staff.because == "mentions \u201cCarers\u201d"
    assert time.because == "mentions \u201cLATE\u201d"
    two = suggest("late visits and waiting", [TIMELINESS])[0]
    assert (
        two.because == "mentions \u201clate visits\u201d, \u201clate\u201d and \u201cwaiting\u201d"
    )


def test_parse_keywords_tidies_lines_and_drops_repeats():
    assert parse_keywords("  late   visits \n\nLate Visits\nlate visit\n  carers\n---\n") == (
        "late visits",
        "carers",
    )
    assert parse_keywords("") == ()


def test_stem():
    assert [stem(w) for w in ["visits", "carers", "families", "boxes", "bus", "class", "is"]] == [
        "visit",
        "carer",
        "family",
        "box",
        "bus",
        "class",
        "is",
    ]


def test_no_keywords_no_suggestion():
    assert suggest("anything at all", [theme(1, "Empty", "")]) == []
    assert suggest("", [TIMELINESS]) == []


# --- properties ---------------------------------------------------------------------------

# Others' tests run on the same machine at the same time: judge the rules, not the clock.
patient = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
PHRASE = st.lists(WORD, min_size=1, max_size=3).map(" ".join)
TEXT = st.lists(
    st.one_of(WORD, st.sampled_from([",", ".", " ", "-", "'", "!", "\n"])), max_size=40
).map(lambda parts: " ".join(parts))
THEMES = st.lists(
    st.tuples(st.text(min_size=1, max_size=10), st.lists(PHRASE, max_size=4)),
    max_size=5,
).map(lambda ts: [ThemeKeywords(i, n, tuple(k)) for i, (n, k) in enumerate(ts)])


@patient
@given(TEXT, THEMES)
def test_every_match_is_in_the_text_as_whole_words(text, themes):
    stems = [stem(w) for w in words(text)]
    for s in suggest(text, themes):
        assert s.matches
        for m in s.matches:
            phrase = [stem(w) for w in words(m.keyword)]
            assert [stem(w) for w in words(m.found)] == phrase
            hits = [
                i
                for i in range(len(stems) - len(phrase) + 1)
                if stems[i : i + len(phrase)] == phrase
            ]
            assert len(hits) == m.times >= 1


@patient
@given(TEXT, THEMES)
def test_ranked_best_first(text, themes):
    found = suggest(text, themes)
    keys = [(-s.keyword_count, -s.times, s.name.lower()) for s in found]
    assert keys == sorted(keys)
    assert len({s.key for s in found}) == len(found)


@patient
@given(TEXT, THEMES)
def test_case_does_not_matter(text, themes):
    def summary(found):
        return [(s.key, [(m.keyword, m.times) for m in s.matches]) for s in found]

    assert summary(suggest(text.upper(), themes)) == summary(suggest(text, themes))


@patient
@given(TEXT, TEXT, PHRASE, THEMES)
def test_a_text_that_says_a_keyword_gets_its_theme(before, after, keyword, themes):
    target = ThemeKeywords("target", "Target", (keyword,))
    text = f"{before} {keyword} {after}"
    assert "target" in [s.key for s in suggest(text, [*themes, target])]


@patient
@given(TEXT, PHRASE)
def test_a_plural_in_the_text_still_finds_a_singular_keyword(text, keyword):
    last = keyword.split()[-1]
    plural = keyword[: len(keyword) - len(last)] + (last + "s")
    target = ThemeKeywords(1, "T", (keyword,))
    if stem(last + "s") == stem(last):
        assert suggest(f"{text} {plural}", [target])


@patient
@given(TEXT, THEMES)
def test_more_text_never_loses_a_suggestion(text, themes):
    before = {s.key for s in suggest(text, themes)}
    after = {s.key for s in suggest(text + " and more besides", themes)}
    assert before <= after
