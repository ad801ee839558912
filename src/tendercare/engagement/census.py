"""Reading a Census 2021 local-authority table in the ONS / Nomis bulk CSV layout. Pure: no
Django (services.census_load writes what this reads).

The Nomis bulk files (https://www.nomisweb.co.uk/sources/census_2021_bulk, e.g.
census2021-ts021-ltla.csv inside census2021-ts021.zip) have one row per area and the columns

    date, geography, geography code, <Variable>: Total: ...,
    <Variable>: <category>[; measures: Value], ...

with sub-categories as "<Variable>: <category>: <sub-category>". Only the geography code and
the categories below are read; every other column (date, name, sub-categories) is ignored.
A header may also be the bare category name ("Female"), so a table saved from the ONS
"create a custom dataset" service with those names reads too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CODE_COLUMNS = ("geography code", "geography_code", "code", "area code", "ltla code")
AREA_CODE = re.compile(r"^[EWSN]\d{8}$")


@dataclass(frozen=True)
class Table:
    code: str
    title: str
    dimension: str
    # group -> the category header (lower case, without the variable prefix) it is read from
    categories: dict[str, str]
    # groups computed as total - the named category (TS039: carers = everyone 5+ - no care)
    total_minus: dict[str, str] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return f"ONS Census 2021 {self.code} ({self.title}), local authorities"

    def needed(self) -> list[str]:
        names = list(self.categories.values()) + list(self.total_minus.values())
        if self.total_minus:
            names.append("total")
        return names


TABLES = {
    "TS008": Table(
        "TS008",
        "Sex",
        "sex",
        {"female": "female", "male": "male"},
    ),
    "TS021": Table(
        "TS021",
        "Ethnic group",
        "ethnic_group",
        {
            "asian": "asian, asian british or asian welsh",
            "black": "black, black british, black welsh, caribbean or african",
            "mixed": "mixed or multiple ethnic groups",
            "white": "white",
            "other": "other ethnic group",
        },
    ),
    "TS038": Table(
        "TS038",
        "Disability",
        "disability",
        {
            "disabled": "disabled under the equality act",
            "not_disabled": "not disabled under the equality act",
        },
    ),
    "TS039": Table(
        "TS039",
        "Provision of unpaid care",
        "carer",
        {"not_carer": "provides no unpaid care"},
        total_minus={"carer": "provides no unpaid care"},
    ),
}


@dataclass(frozen=True)
class Problem:
    row: int  # as a spreadsheet shows it: the header is row 1
    column: str
    message: str


@dataclass
class Parsed:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # area code -> group -> n
    problems: list[Problem] = field(default_factory=list)


def category_of(header: str) -> str:
    """'Ethnic group: White; measures: Value' -> 'white'; 'Sex: All persons' -> 'total';
    'Disability: Total: All usual residents' -> 'total'."""
    text = re.sub(r"\s+", " ", header.strip().lower().lstrip("\ufeff"))
    text = re.sub(r";\s*measures:\s*value$", "", text)
    if ": " in text:
        text = text.split(": ", 1)[1]
    if text.startswith("total") or text in ("all persons", "all usual residents"):
        return "total"
    return text


def _count(text: str) -> int:
    cleaned = text.replace(",", "").strip()
    if not re.fullmatch(r"\d+(\.0+)?", cleaned):
        raise ValueError(f"'{text}' is not a count of people (a whole number, 0 or more)")
    return int(float(cleaned))


def parse(table: Table, rows: list[list[str]]) -> Parsed:
    """Header first. Returns counts by area code and group, and every problem found."""
    out = Parsed()
    if not rows:
        out.problems.append(Problem(0, "", "The file is empty."))
        return out
    header = rows[0]
    code_at = None
    at: dict[str, int] = {}
    for i, name in enumerate(header):
        if name.strip().lower() in CODE_COLUMNS and code_at is None:
            code_at = i
            continue
        category = category_of(name)
        at.setdefault(category, i)
    missing = [c for c in table.needed() if c not in at]
    if code_at is None:
        out.problems.append(
            Problem(1, "geography code", "Missing column: geography code (the ONS area code)")
        )
    for name in missing:
        out.problems.append(
            Problem(1, name, f"Missing column for '{name}' (the {table.code} {table.title} table)")
        )
    if out.problems:
        return out
    columns = {**table.categories, **{f"{k} (total less)": v for k, v in table.total_minus.items()}}
    for number, line in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in line):
            continue

        def cell(i: int, line=line) -> str:
            return line[i].strip() if i < len(line) else ""

        code = cell(code_at).upper()
        if not AREA_CODE.match(code):
            out.problems.append(
                Problem(number, header[code_at], f"'{code}' is not an ONS area code (E06000035)")
            )
            continue
        if code in out.counts:
            out.problems.append(Problem(number, header[code_at], f"{code} appears more than once"))
            continue
        values: dict[str, int] = {}
        bad = False
        for category in set(columns.values()) | ({"total"} if table.total_minus else set()):
            try:
                values[category] = _count(cell(at[category]))
            except ValueError as exc:
                out.problems.append(Problem(number, header[at[category]], str(exc)))
                bad = True
        if bad:
            continue
        groups = {group: values[category] for group, category in table.categories.items()}
        for group, category in table.total_minus.items():
            if values[category] > values["total"]:
                out.problems.append(
                    Problem(
                        number,
                        header[at["total"]],
                        f"The total ({values['total']:,}) is less than "
                        f"'{category}' ({values[category]:,})",
                    )
                )
                bad = True
                continue
            groups[group] = values["total"] - values[category]
        if not bad:
            out.counts[code] = groups
    if not out.counts and not out.problems:
        out.problems.append(Problem(0, "", "The file has a header but no rows."))
    return out
