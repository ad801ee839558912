"""How one survey response (one row of a CSV or XLSX) is read. Pure: no Django.

The columns (header row, any order; every column must be there, cells may be blank):

    age, sex, ethnic_group, disability, carer, postcode, taking_part_as   and optionally feedback

* age: a whole number of years (0 to 120) or a band: its code (65_plus), its label (65 and
  over) or a range (65+, 16-24, 16 to 24).
* sex: female / male (f, m, woman, man).
* ethnic_group: the five Census 2021 high-level groups by code or label, or their first word
  (Asian, Black, Mixed, White, Other).
* disability, carer: yes / no (or the group's code or label).
* postcode: a full UK postcode. Its LSOA's national IMD decile gives the deprivation quintile.
  A well-formed postcode that is not in the loaded postcode directory (someone from outside the
  areas loaded, or a new postcode) counts as "not provided" for deprivation and the import says
  how many; a malformed postcode is an error, so typing mistakes are caught. The postcode
  itself is never stored.
* taking_part_as: public / professional (patient, carer, resident -> public; staff, provider,
  practitioner -> professional).
* feedback: free text, kept as a feedback item of the activity.

A blank cell, "prefer not to say", "not provided" or "unknown" is counted as not provided, never
guessed. Anything else that cannot be read is an error naming the row and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .groups import BY_CODE, DIMENSIONS, NOT_PROVIDED

REQUIRED_COLUMNS = ("age", "sex", "ethnic_group", "disability", "carer", "postcode")
TAKING_PART_COLUMN = "taking_part_as"
FEEDBACK_COLUMN = "feedback"
COLUMNS = (*REQUIRED_COLUMNS, TAKING_PART_COLUMN)
OPTIONAL_COLUMNS = (FEEDBACK_COLUMN,)
TEMPLATE_HEADER = ",".join((*COLUMNS, FEEDBACK_COLUMN))
MAX_FEEDBACK = 5000

_NOT_SAID = {
    "",
    "not provided",
    "not_provided",
    "prefer not to say",
    "prefer not to answer",
    "not stated",
    "unknown",
    "n/a",
    "na",
    "-",
}
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")

AGE_BANDS = (  # (code, lowest age, highest age or None)
    ("0_15", 0, 15),
    ("16_24", 16, 24),
    ("25_34", 25, 34),
    ("35_49", 35, 49),
    ("50_64", 50, 64),
    ("65_plus", 65, None),
)

_SYNONYMS: dict[str, dict[str, str]] = {
    "sex": {"f": "female", "woman": "female", "m": "male", "man": "male"},
    "ethnic_group": {
        "asian": "asian",
        "asian or asian british": "asian",
        "black": "black",
        "black or black british": "black",
        "mixed": "mixed",
        "multiple": "mixed",
        "white": "white",
        "other": "other",
    },
    "disability": {"yes": "disabled", "y": "disabled", "no": "not_disabled", "n": "not_disabled"},
    "carer": {"yes": "carer", "y": "carer", "no": "not_carer", "n": "not_carer"},
    "participant_type": {
        "patient": "public",
        "service user": "public",
        "resident": "public",
        "carer": "public",
        "member of the public": "public",
        "staff": "professional",
        "provider": "professional",
        "practitioner": "professional",
    },
}
# Which dimension each column fills.
COLUMN_DIMENSION = {
    "age": "age_band",
    "sex": "sex",
    "ethnic_group": "ethnic_group",
    "disability": "disability",
    "carer": "carer",
    "postcode": "deprivation_quintile",
    TAKING_PART_COLUMN: "participant_type",
}


@dataclass(frozen=True)
class Respondent:
    groups: dict[str, str]  # dimension -> group code (NOT_PROVIDED when not said)
    feedback: str = ""
    postcode_unknown: bool = False  # well-formed but not in the postcode directory


@dataclass
class RowProblems:
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, message)

    def add(self, column: str, message: str) -> None:
        self.problems.append((column, message))


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").strip().lower())


def not_said(text: str) -> bool:
    return _key(text) in _NOT_SAID


def age_band_of_years(years: int) -> str:
    for code, low, high in AGE_BANDS:
        if years >= low and (high is None or years <= high):
            return code
    raise ValueError(f"{years} is not an age")


def read_age(text: str) -> str:
    """A number of years or a band -> band code. Raises ValueError with a message."""
    key = _key(text)
    if not_said(key):
        return NOT_PROVIDED
    if re.fullmatch(r"\d{1,3}", key):
        years = int(key)
        if years > 120:
            raise ValueError(f"{years} is not a likely age: enter a number from 0 to 120")
        return age_band_of_years(years)
    dimension = BY_CODE["age_band"]
    for code, label in dimension.groups:
        if key in (code, label.lower()):
            return code
    compact = key.replace(" ", "")
    for code, low, high in AGE_BANDS:
        forms = {f"{low}+"} if high is None else {f"{low}-{high}", f"{low}to{high}"}
        if high is None:
            forms |= {f"{low}andover", f"{low}plus"}
        if high is not None and low == 0:
            forms |= {f"{high}andunder", f"under{high + 1}"}
        if compact in forms:
            return code
    raise ValueError(
        f"'{text}' is not an age: enter a whole number of years or one of the bands "
        + ", ".join(label for code, label in dimension.groups if code != NOT_PROVIDED)
    )


def read_group(dimension_code: str, text: str) -> str:
    """A group of a dimension by code, label or common synonym. Raises ValueError."""
    key = _key(text)
    if not_said(key):
        return NOT_PROVIDED
    dimension = BY_CODE[dimension_code]
    for code, label in dimension.groups:
        if key in (code, label.lower()):
            return code
    found = _SYNONYMS.get(dimension_code, {}).get(key)
    if found:
        return found
    choices = [code for code in dimension.codes if code != NOT_PROVIDED]
    raise ValueError(f"'{text}' is not one of: {', '.join(choices)} (or leave it blank)")


def normalise_postcode(text: str) -> str | None:
    code = re.sub(r"\s+", "", text or "").upper()
    return code if POSTCODE.match(code) else None


def postcodes_in(rows: Iterable[dict[str, str]]) -> set[str]:
    """The well-formed postcodes of a file, to look their LSOAs up in one go."""
    out = set()
    for row in rows:
        code = normalise_postcode(row.get("postcode", ""))
        if code:
            out.add(code)
    return out


def respondent(
    values: dict[str, str], *, quintile_of_postcode: Callable[[str], str | None]
) -> Respondent | RowProblems:
    """One row -> a Respondent, or every problem in it (column, message).

    quintile_of_postcode(code) gives "1".."5" for a postcode in the directory, None otherwise."""
    problems = RowProblems()
    groups: dict[str, str] = {}
    try:
        groups["age_band"] = read_age(values.get("age", ""))
    except ValueError as exc:
        problems.add("age", str(exc))
    for column in ("sex", "ethnic_group", "disability", "carer", TAKING_PART_COLUMN):
        try:
            groups[COLUMN_DIMENSION[column]] = read_group(
                COLUMN_DIMENSION[column], values.get(column, "")
            )
        except ValueError as exc:
            problems.add(column, str(exc))
    raw = values.get("postcode", "")
    unknown = False
    if not_said(raw):
        groups["deprivation_quintile"] = NOT_PROVIDED
    else:
        code = normalise_postcode(raw)
        if code is None:
            problems.add(
                "postcode",
                f"'{raw}' is not a full UK postcode (for example ME4 4TR); "
                "leave it blank if the person did not give one",
            )
        else:
            quintile = quintile_of_postcode(code)
            unknown = quintile is None
            groups["deprivation_quintile"] = quintile or NOT_PROVIDED
    feedback = (values.get(FEEDBACK_COLUMN) or "").strip()
    if len(feedback) > MAX_FEEDBACK:
        problems.add(FEEDBACK_COLUMN, f"Feedback is longer than {MAX_FEEDBACK:,} characters")
    if problems.problems:
        return problems
    return Respondent(groups=groups, feedback=feedback, postcode_unknown=unknown)


def tally(respondents: Iterable[Respondent]) -> dict[str, dict[str, int]]:
    """Counts by dimension and group; every dimension adds up to the number of respondents."""
    counts: dict[str, dict[str, int]] = {d.code: {} for d in DIMENSIONS}
    for person in respondents:
        for d in DIMENSIONS:
            group = person.groups.get(d.code, NOT_PROVIDED)
            counts[d.code][group] = counts[d.code].get(group, 0) + 1
    return counts
