"""The quality score, hysteresis and brokerage order (status_rules.py): worked by hand, then
properties with hypothesis."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tendercare.performance import status_rules as sr
from tendercare.performance.status_rules import KpiRating, Offeree, Provider

D = Decimal


def months(*scores):
    labels = [f"M{i + 1}" for i in range(len(scores))]
    return tuple(sr.months_from_scores(labels, [None if s is None else D(s) for s in scores]))


# --- the score, by hand ---------------------------------------------------------------------


def test_kpi_points_are_the_weighted_mean_of_the_ratings():
    ratings = [
        KpiRating("punctuality", "green", D(2)),  # 200
        KpiRating("missed", "amber", D(1)),  # 60
        KpiRating("short_85", "red", D(1)),  # 0
        KpiRating("ecm_compliance", "", D(5)),  # no value: left out
    ]
    assert sr.kpi_points(ratings) == D("65.0")  # 260 / 4
    assert sr.kpi_points([]) is None
    assert sr.kpi_points([KpiRating("x", "green", D(0))]) is None


def test_month_score_weights_kpis_60_cqc_20_audit_20():
    got = sr.month_score(kpis=D(65), cqc_rating="good", audit=D(70))
    # 0.6 * 65 + 0.2 * 80 + 0.2 * 70 = 39 + 16 + 14
    assert got.score == D("69.0")
    assert got.components == {"kpis": D(65), "cqc": D(80), "audit": D(70)}
    assert got.weights == {"kpis": D(60), "cqc": D(20), "audit": D(20)}


def test_missing_components_leave_the_others_weighted_up_to_100():
    got = sr.month_score(kpis=D(50), cqc_rating=None, audit=D(100))
    # (60 * 50 + 20 * 100) / 80 = 62.5
    assert got.score == D("62.5")
    assert got.weights == {"kpis": D(75), "audit": D(25)}
    assert sr.month_score(kpis=None, cqc_rating="inadequate", audit=None).score == D(0)
    assert sr.month_score(kpis=None, cqc_rating=None, audit=None).score is None


def test_rolling_is_the_mean_of_the_last_three_months_that_exist():
    assert sr.rolling([D(90), D(60), D(30), D(0)]) == D(30)
    assert sr.rolling([D(90), None, D(60)]) == D(75)
    assert sr.rolling([None]) is None
    got = months(90, 60, 30)
    assert [m.rolling for m in got] == [D(90), D(75), D(60)]


# --- hysteresis, by hand ----------------------------------------------------------------------


def prime(*scores, cqc="good", pid=1, name="Hoo Care"):
    return Provider(pid, name, sr.PRIME, months(*scores), cqc)


def supp(*scores, cqc="good", pid=2, name="Strood Care"):
    return Provider(pid, name, sr.SUPPLEMENTARY, months(*scores), cqc)


def test_a_prime_moves_to_supplementary_after_two_months_below_60():
    # rolling: 85, 77.5, 68.3, 58.3, 51.7 -> the last two months are below 60 on both counts
    moves = sr.zone_moves([prime(85, 70, 50, 55, 50)])
    assert [(m.current, m.recommended, m.score) for m in moves] == [
        (sr.PRIME, sr.SUPPLEMENTARY, D("51.7"))
    ]
    assert "below 60 for 2 months in a row" in moves[0].reason
    assert "M5 50 (rolling 51.7)" in moves[0].reason
    # One month below on both counts is not enough.
    assert sr.zone_moves([prime(85, 70, 50, 55)]) == []


def test_one_very_bad_month_drags_the_rolling_mean_but_counts_once():
    # rolling after the zero: 60 (not below), 60, 60 ... never two months below on both counts
    assert sr.zone_moves([prime(90, 90, 0, 90, 90)]) == []
    assert sr.zone_moves([prime(80, 80, 0, 80, 80, 80)]) == []


def test_a_supplementary_becomes_prime_after_three_months_above_80_when_the_prime_is_weaker():
    good = supp(82, 85, 88, 90)
    weak_prime = prime(75, 74, 72, 70)
    # The prime's one bad month is not a weakness: it must be below 80 for 3 months.
    assert sr.zone_moves([prime(90, 90, 90, 0), good]) == []
    moves = sr.zone_moves([weak_prime, good])
    assert [(m.provider_id, m.recommended) for m in moves] == [(2, sr.PRIME)]
    assert "above 80 for 3 months in a row" in moves[0].reason
    assert "Hoo Care has a rolling score of 72.0" in moves[0].reason
    # A strong prime stays; two months above is not enough; no prime at all is a vacancy.
    assert sr.zone_moves([prime(90, 90, 90), good]) == []
    assert sr.zone_moves([weak_prime, supp(70, 85, 88)]) == []
    alone = sr.zone_moves([good])
    assert alone[0].recommended == sr.PRIME and "no prime provider" in alone[0].reason


def test_only_the_best_supplementary_is_recommended_for_prime():
    moves = sr.zone_moves(
        [supp(85, 85, 85, pid=2, name="B"), supp(95, 95, 95, pid=3, name="C"), prime(50, 50, 50)]
    )
    assert [(m.provider_id, m.recommended) for m in moves] == [
        (1, sr.SUPPLEMENTARY),
        (3, sr.PRIME),
    ]
    assert "C's monthly" in moves[1].reason
    assert "Hoo Care is recommended to leave prime status" in moves[1].reason


def test_cqc_inadequate_suspends_and_a_new_rating_lifts_the_suspension():
    moves = sr.zone_moves([prime(95, 95, 95, cqc="inadequate")])
    assert [(m.current, m.recommended) for m in moves] == [(sr.PRIME, sr.SUSPENDED)]
    assert "Inadequate" in moves[0].reason
    suspended = Provider(5, "X", sr.SUSPENDED, months(70), "requires_improvement")
    assert [m.recommended for m in sr.zone_moves([suspended])] == [sr.SUPPLEMENTARY]
    still = Provider(5, "X", sr.SUSPENDED, months(70), "inadequate")
    assert sr.zone_moves([still]) == []


def test_brokerage_offers_prime_first_then_supplementary_by_score_never_suspended():
    order = sr.offer_order(
        [
            Offeree(1, "Low", sr.SUPPLEMENTARY, D(60)),
            Offeree(2, "Stopped", sr.SUSPENDED, D(99)),
            Offeree(3, "None yet", sr.SUPPLEMENTARY, None),
            Offeree(4, "Prime", sr.PRIME, D(50)),
            Offeree(5, "High", sr.SUPPLEMENTARY, D(88)),
        ]
    )
    assert [o.name for o in order] == ["Prime", "High", "Low", "None yet"]


# --- properties -------------------------------------------------------------------------------

score = st.integers(min_value=0, max_value=100).map(D)
good_score = st.integers(min_value=60, max_value=100).map(D)
poor_score = st.integers(min_value=0, max_value=80).map(D)


@given(st.lists(good_score, min_size=1, max_size=24), st.data())
def test_a_single_bad_month_in_a_good_series_never_moves_a_prime(series, data):
    at = data.draw(st.integers(min_value=0, max_value=len(series)))
    bad = data.draw(score)
    with_bad = [*series[:at], bad, *series[at:]]
    assert sr.zone_moves([prime(*with_bad)]) == []


strong_score = st.integers(min_value=80, max_value=100).map(D)


@given(st.lists(strong_score, min_size=1, max_size=24), st.data())
def test_a_prime_s_single_bad_month_never_promotes_a_supplementary(series, data):
    at = data.draw(st.integers(min_value=0, max_value=len(series)))
    with_bad = [*series[:at], data.draw(score), *series[at:]]
    rival = supp(*[D(100)] * len(with_bad))
    assert sr.zone_moves([prime(*with_bad), rival]) == []


@given(st.lists(poor_score, min_size=1, max_size=24), st.data())
def test_a_single_good_month_in_a_poor_series_never_promotes(series, data):
    at = data.draw(st.integers(min_value=0, max_value=len(series)))
    with_good = [*series[:at], data.draw(score), *series[at:]]
    # Even with no prime in the zone, a vacancy is filled only after three good months.
    assert sr.zone_moves([supp(*with_good)]) == []


@given(st.lists(st.one_of(st.none(), score), min_size=0, max_size=24))
def test_moves_need_enough_months_and_always_change_the_status(series):
    for provider in (prime(*series), supp(*series)):
        for move in sr.zone_moves([provider]):
            assert move.recommended != move.current
            needed = sr.DEMOTE_MONTHS if move.current == sr.PRIME else sr.PROMOTE_MONTHS
            assert len(series) >= needed


@given(
    st.lists(
        st.tuples(
            st.sampled_from([sr.PRIME, sr.SUPPLEMENTARY, sr.SUSPENDED]),
            st.one_of(st.none(), score),
        ),
        max_size=12,
    )
)
def test_offer_order_puts_every_prime_before_any_supplementary_and_drops_suspended(rows):
    offerees = [Offeree(i, f"P{i}", status, s) for i, (status, s) in enumerate(rows)]
    order = sr.offer_order(offerees)
    statuses = [o.status for o in order]
    assert sr.SUSPENDED not in statuses
    assert statuses == sorted(statuses, key=lambda s: s != sr.PRIME)
    assert len(order) == sum(1 for status, _ in rows if status != sr.SUSPENDED)
    supplementary = [o.score for o in order if o.status == sr.SUPPLEMENTARY]
    scored = [s for s in supplementary if s is not None]
    assert scored == sorted(scored, reverse=True)
    assert supplementary[: len(scored)] == scored


@given(
    st.one_of(st.none(), score),
    st.sampled_from([None, *sr.CQC_POINTS]),
    st.one_of(st.none(), score),
)
def test_a_month_score_is_between_0_and_100(kpis, cqc, audit):
    got = sr.month_score(kpis=kpis, cqc_rating=cqc, audit=audit).score
    assert got is None or D(0) <= got <= D(100)
