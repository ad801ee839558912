"""Area profiles: aggregate LSOA rows into population by age, deprivation and rurality. Pure.

An area (a ward, a locality, a local authority) is a set of LSOAs; everything here is a sum or a
share over those rows, so it works the same for any grouping.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

# Census 2021 usual residents, six age categories (TS007A-style), in order.
AGE_BANDS: tuple[tuple[str, str], ...] = (
    ("pop_0_15", "Aged 15 and under"),
    ("pop_16_24", "Aged 16 to 24"),
    ("pop_25_34", "Aged 25 to 34"),
    ("pop_35_49", "Aged 35 to 49"),
    ("pop_50_64", "Aged 50 to 64"),
    ("pop_65_plus", "Aged 65 and over"),
)
# The four home-care pricing bands, from densest to sparsest.
RURALITY_BANDS: tuple[tuple[str, str], ...] = (
    ("urban", "Urban"),
    ("fringe", "Fringe"),
    ("rural", "Rural"),
    ("isolated", "Isolated"),
)
UNKNOWN_BAND = ("", "Not classified")


@dataclass(frozen=True)
class LsoaRow:
    code: str
    name: str
    population: tuple[int, int, int, int, int, int]  # in AGE_BANDS order
    imd_decile: int | None = None
    band: str = ""
    ruc_code: str = ""

    @property
    def total(self) -> int:
        return sum(self.population)


@dataclass(frozen=True)
class Share:
    key: str
    label: str
    count: int  # LSOAs
    population: int
    share: Fraction  # of the area's population (or of its LSOAs when population is zero)


@dataclass(frozen=True)
class AgeBand:
    key: str
    label: str
    population: int
    share: Fraction


@dataclass(frozen=True)
class AreaProfile:
    lsoa_count: int
    total: int
    age_bands: tuple[AgeBand, ...]
    share_65_plus: Fraction
    # Deciles 1 (most deprived 10% of England) to 10, then LSOAs with no decile (outside England).
    imd_deciles: tuple[Share, ...]
    rurality: tuple[Share, ...]
    imd_unknown: int = 0
    bands_seen: frozenset[str] = field(default_factory=frozenset)

    @property
    def population_most_deprived_20(self) -> Fraction:
        """Share of the population living in the 20% most deprived LSOAs of England."""
        if not self.total:
            return Fraction(0)
        return Fraction(sum(d.population for d in self.imd_deciles[:2]), self.total)


def _share(part: int, whole: int) -> Fraction:
    return Fraction(part, whole) if whole else Fraction(0)


def profile(rows: Iterable[LsoaRow]) -> AreaProfile:
    rows = list(rows)
    total = sum(r.total for r in rows)
    by_band = [sum(r.population[i] for r in rows) for i in range(len(AGE_BANDS))]
    age_bands = tuple(
        AgeBand(key, label, pop, _share(pop, total))
        for (key, label), pop in zip(AGE_BANDS, by_band, strict=True)
    )
    deciles = []
    for d in range(1, 11):
        these = [r for r in rows if r.imd_decile == d]
        pop = sum(r.total for r in these)
        deciles.append(Share(str(d), f"Decile {d}", len(these), pop, _share(pop, total)))
    imd_unknown = sum(1 for r in rows if r.imd_decile is None)
    rurality = []
    known = {key for key, _ in RURALITY_BANDS}
    for key, label in (*RURALITY_BANDS, UNKNOWN_BAND):
        these = [r for r in rows if (r.band if r.band in known else "") == key]
        if key == "" and not these:
            continue
        pop = sum(r.total for r in these)
        rurality.append(Share(key, label, len(these), pop, _share(pop, total)))
    return AreaProfile(
        lsoa_count=len(rows),
        total=total,
        age_bands=age_bands,
        share_65_plus=_share(by_band[-1], total),
        imd_deciles=tuple(deciles),
        rurality=tuple(rurality),
        imd_unknown=imd_unknown,
        bands_seen=frozenset(r.band for r in rows if r.band),
    )


def population_weighted_decile(rows: Sequence[LsoaRow]) -> Fraction | None:
    """The mean IMD decile of the area's residents (lower is more deprived)."""
    scored = [r for r in rows if r.imd_decile is not None]
    pop = sum(r.total for r in scored)
    if not pop:
        return None
    return Fraction(sum(r.imd_decile * r.total for r in scored), pop)
