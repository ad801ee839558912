"""The groups participation is counted by, with no Django in them.

Each dimension lists its groups in the order a table shows them, and always ends with
"not provided": a person who did not say is counted, never guessed. Where a Census 2021 table
gives the population by the same groups, its code is named, so that reach compares like with
like (docs/engagement.md).
"""

from __future__ import annotations

from dataclasses import dataclass

NOT_PROVIDED = "not_provided"


@dataclass(frozen=True)
class Dimension:
    code: str
    label: str
    groups: tuple[tuple[str, str], ...]  # (code, label), NOT_PROVIDED last
    census: str  # the Census 2021 table the population comes from, or "" when there is none

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.groups)

    def label_of(self, group: str) -> str:
        return dict(self.groups).get(group, group)


def _with_not_provided(*groups: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return (*groups, (NOT_PROVIDED, "Not provided"))


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "age_band",
        "Age",
        _with_not_provided(
            ("0_15", "15 and under"),
            ("16_24", "16 to 24"),
            ("25_34", "25 to 34"),
            ("35_49", "35 to 49"),
            ("50_64", "50 to 64"),
            ("65_plus", "65 and over"),
        ),
        "Census 2021 TS007A (age by five-year bands, grouped to six bands), LSOA 2021",
    ),
    Dimension(
        "sex",
        "Sex",
        _with_not_provided(("female", "Female"), ("male", "Male")),
        "Census 2021 TS008 (sex)",
    ),
    Dimension(
        "ethnic_group",
        "Ethnic group",
        _with_not_provided(
            ("asian", "Asian, Asian British or Asian Welsh"),
            ("black", "Black, Black British, Black Welsh, Caribbean or African"),
            ("mixed", "Mixed or Multiple ethnic groups"),
            ("white", "White"),
            ("other", "Other ethnic group"),
        ),
        "Census 2021 TS021 (ethnic group, 5 high-level categories)",
    ),
    Dimension(
        "disability",
        "Disability",
        _with_not_provided(
            ("disabled", "Disabled under the Equality Act"),
            ("not_disabled", "Not disabled under the Equality Act"),
        ),
        "Census 2021 TS038 (disability)",
    ),
    Dimension(
        "carer",
        "Unpaid carer",
        _with_not_provided(
            ("carer", "Provides unpaid care"),
            ("not_carer", "Does not provide unpaid care"),
        ),
        "Census 2021 TS039 (provision of unpaid care)",
    ),
    Dimension(
        "deprivation_quintile",
        "Deprivation quintile (from postcode)",
        _with_not_provided(
            ("1", "1 (most deprived)"),
            ("2", "2"),
            ("3", "3"),
            ("4", "4"),
            ("5", "5 (least deprived)"),
        ),
        "English Indices of Deprivation 2025 (LSOA 2021) with Census 2021 population",
    ),
    Dimension(
        "participant_type",
        "Taking part as",
        _with_not_provided(
            ("public", "Member of the public, patient or carer"),
            ("professional", "Professional or provider"),
        ),
        "",
    ),
)
BY_CODE = {d.code: d for d in DIMENSIONS}
DIMENSION_CHOICES = tuple((d.code, d.label) for d in DIMENSIONS)


def quintile_of_decile(decile: int) -> str:
    """IMD decile 1-10 (1 most deprived) -> quintile "1".."5"."""
    if not 1 <= int(decile) <= 10:
        raise ValueError(f"An IMD decile is from 1 to 10, not {decile}")
    return str((int(decile) + 1) // 2)
