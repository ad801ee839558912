"""Reach: who took part compared with who lives in the area. Pure: no Django.

For each dimension (age, sex, ...) and group:

* participant share = participants in the group / participants who said (not provided left out)
* population share  = residents in the group / residents counted in the dimension
* ratio             = participant share / population share (1 = in proportion)

A group is under-represented when its ratio is below 0.8 and it is at least 5% of residents
(smaller groups are too few for the ratio to mean much). A dimension with no participant who
said anything, or no population figures, has no shares on that side and no ratio. "Not
provided" is a row of its own with its count, never a share.

The ages a programme serves: for age, the bands below the youngest age served are left out
of both shares (participants and residents alike) and are never under-represented; their rows
keep their counts and say they are outside (`outside`). Other dimensions have no age split in
the Census tables, so they compare with residents of all ages.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from fractions import Fraction

from .groups import BY_CODE, DIMENSIONS, NOT_PROVIDED

UNDER_RATIO = Fraction(8, 10)
MIN_POPULATION_SHARE = Fraction(5, 100)


@dataclass(frozen=True)
class GroupReach:
    dimension: str
    group: str
    label: str
    participants: int
    population: int | None  # None when the dimension has no population figures
    participant_share: Fraction | None
    population_share: Fraction | None
    ratio: Fraction | None
    under_represented: bool
    outside: bool = False  # outside the groups compared (an age the programme does not serve)

    @property
    def not_provided(self) -> bool:
        return self.group == NOT_PROVIDED

    @property
    def participant_percent(self) -> float | None:
        return None if self.participant_share is None else float(self.participant_share * 100)

    @property
    def population_percent(self) -> float | None:
        return None if self.population_share is None else float(self.population_share * 100)

    @property
    def ratio_value(self) -> float | None:
        return None if self.ratio is None else float(self.ratio)


def _groups_of(dimension: str, *counts: Mapping[str, int]) -> list[str]:
    known = list(BY_CODE[dimension].codes) if dimension in BY_CODE else []
    extra = sorted({g for c in counts for g in c if g not in known and g != NOT_PROVIDED})
    ordered = [g for g in known if g != NOT_PROVIDED] + extra
    return [*ordered, NOT_PROVIDED]


def _label(dimension: str, group: str) -> str:
    return BY_CODE[dimension].label_of(group) if dimension in BY_CODE else group


AGE = "age_band"


def age_band_lower_bounds() -> dict[str, int]:
    """{band code: the youngest age in it}: "0_15" -> 0, "65_plus" -> 65."""
    return {code: int(code.split("_")[0]) for code in BY_CODE[AGE].codes if code != NOT_PROVIDED}


def age_bands_from(youngest_age: int) -> tuple[str, ...]:
    """The age bands a programme serving people aged `youngest_age` and over compares: every
    band from the one starting at that age. The age must start a band (0, 16, 25, 35, 50 or
    65); anything else would split a band the Census figures cannot split."""
    bounds = age_band_lower_bounds()
    if youngest_age not in bounds.values():
        starts = ", ".join(str(b) for b in sorted(bounds.values()))
        raise ValueError(f"The youngest age served must start an age band ({starts})")
    return tuple(code for code, low in bounds.items() if low >= youngest_age)


def ages_phrase(youngest_age: int) -> str:
    """ "people of all ages", "people aged 16 and over"."""
    return "people of all ages" if youngest_age == 0 else f"people aged {youngest_age} and over"


def dimension_reach(
    dimension: str,
    participants: Mapping[str, int],
    population: Mapping[str, int] | None,
    *,
    compared: Collection[str] | None = None,
) -> list[GroupReach]:
    """The rows of one dimension: its groups in table order, then "not provided". With
    `compared`, only those groups are in the shares; the others are rows marked `outside`,
    with their counts and no shares."""
    groups = _groups_of(dimension, participants, population or {})

    def inside(group: str) -> bool:
        return group != NOT_PROVIDED and (compared is None or group in compared)

    said = sum(n for g, n in participants.items() if inside(g))
    residents = sum(n for g, n in (population or {}).items() if inside(g))
    has_population = population is not None and residents > 0
    rows = []
    for group in groups:
        count = int(participants.get(group, 0))
        if not inside(group):
            pop = None
            if group != NOT_PROVIDED and population is not None:
                pop = int(population.get(group, 0))
            rows.append(
                GroupReach(
                    dimension,
                    group,
                    _label(dimension, group),
                    count,
                    pop,
                    None,
                    None,
                    None,
                    False,
                    outside=group != NOT_PROVIDED,
                )
            )
            continue
        p_share = Fraction(count, said) if said else None
        pop = int(population.get(group, 0)) if has_population else None
        pop_share = Fraction(pop, residents) if has_population else None
        ratio = p_share / pop_share if (p_share is not None and pop_share) else None
        under = bool(
            ratio is not None
            and ratio < UNDER_RATIO
            and pop_share is not None
            and pop_share >= MIN_POPULATION_SHARE
        )
        rows.append(
            GroupReach(
                dimension,
                group,
                _label(dimension, group),
                count,
                pop,
                p_share,
                pop_share,
                ratio,
                under,
            )
        )
    return rows


def reach(
    participants: Mapping[str, Mapping[str, int]],
    population: Mapping[str, Mapping[str, int]],
    *,
    served_age_bands: Collection[str] | None = None,
) -> list[GroupReach]:
    """Every dimension present in either mapping, in the order of groups.DIMENSIONS (then any
    other, alphabetically), each as dimension_reach gives it. `served_age_bands` (None: all)
    are the age bands compared; every other dimension compares all its groups."""
    order = [d.code for d in DIMENSIONS]
    present = set(participants) | set(population)
    dims = [d for d in order if d in present] + sorted(present - set(order))
    out: list[GroupReach] = []
    for dim in dims:
        compared = served_age_bands if dim == AGE else None
        out.extend(
            dimension_reach(dim, participants.get(dim, {}), population.get(dim), compared=compared)
        )
    return out


# How a group is named in a sentence ("people aged 65 and over are ...").
_PHRASES = {
    ("sex", "female"): "women",
    ("sex", "male"): "men",
    ("ethnic_group", "asian"): "people of Asian, Asian British or Asian Welsh ethnicity",
    ("ethnic_group", "black"): (
        "people of Black, Black British, Black Welsh, Caribbean or African ethnicity"
    ),
    ("ethnic_group", "mixed"): "people of mixed or multiple ethnic groups",
    ("ethnic_group", "white"): "people of White ethnicity",
    ("ethnic_group", "other"): "people of other ethnic groups",
    ("disability", "disabled"): "disabled people",
    ("disability", "not_disabled"): "people who are not disabled",
    ("carer", "carer"): "unpaid carers",
    ("carer", "not_carer"): "people who do not provide unpaid care",
    ("deprivation_quintile", "1"): "people living in the most deprived fifth of areas",
    ("deprivation_quintile", "2"): "people living in the second most deprived fifth of areas",
    ("deprivation_quintile", "3"): "people living in the middle fifth of areas by deprivation",
    ("deprivation_quintile", "4"): "people living in the second least deprived fifth of areas",
    ("deprivation_quintile", "5"): "people living in the least deprived fifth of areas",
}


def group_phrase(dimension: str, group: str) -> str:
    if dimension == "age_band":
        return f"people aged {_label(dimension, group)}"
    return _PHRASES.get((dimension, group), f"people in the group {_label(dimension, group)}")


def whole_percent(share: Fraction) -> str:
    """17%, rounded half up (so 16.5% shows as 17%), and "under 1%" rather than 0% for a
    share that is not nothing."""
    value = share * 100
    rounded = int(value + Fraction(1, 2))
    if rounded == 0 and value > 0:
        return "under 1%"
    return f"{rounded}%"


def sentence(row: GroupReach) -> str:
    """'people aged 65 and over are 17% of residents and 6% of participants'."""
    if row.population_share is None or row.participant_share is None:
        raise ValueError("A sentence needs both shares")
    return (
        f"{group_phrase(row.dimension, row.group)} are {whole_percent(row.population_share)} "
        f"of residents and {whole_percent(row.participant_share)} of participants"
    )


def under_represented_sentences(rows: list[GroupReach]) -> list[str]:
    """One sentence per under-represented group, the furthest below its share first."""
    under = sorted(
        (r for r in rows if r.under_represented), key=lambda r: (r.ratio, r.dimension, r.group)
    )
    return [sentence(r) for r in under]
