"""Suggested themes for a piece of feedback, from each theme's keywords. No Django here.

A theme lists its keywords one per line: a word ("transport") or a phrase ("late visits").
A keyword matches the text as whole words, in any case, and a plural matches its singular
either way round ("visit" finds "visits", "carers" finds "carer"). Punctuation and hyphens
separate words, so "home-care" is the phrase "home care".

Suggestions are only suggestions: a person confirms the themes (engagement/feedback.py).
They are ranked by how many different keywords matched, then how many times they matched,
then by name, and each carries the words that matched, so that the page can say why.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+")


def stem(word: str) -> str:
    """A word lower-cased and, if it looks like an English plural, made singular. Simple on
    purpose: it only has to map a plural and its singular to the same form."""
    w = word.lower()
    if len(w) <= 3 or not w.endswith("s") or w.endswith(("ss", "us", "is")):
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zes")):
        return w[:-2]
    return w[:-1]


def words(text: str) -> list[str]:
    """The text's words, as written, in order."""
    return _WORD.findall(text or "")


def parse_keywords(text: str) -> tuple[str, ...]:
    """Keywords from a theme's text box: one per line, spaces tidied, blanks and repeats (in
    any case) dropped, first spelling kept."""
    seen: set[tuple[str, ...]] = set()
    out = []
    for line in (text or "").splitlines():
        keyword = " ".join(line.split())
        key = tuple(stem(w) for w in words(keyword))
        if not key or key in seen:
            continue
        seen.add(key)
        out.append(keyword)
    return tuple(out)


@dataclass(frozen=True)
class ThemeKeywords:
    key: Hashable  # the theme's id, handed back in the suggestion
    name: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    keyword: str  # as the theme lists it
    found: str  # as the text first says it
    times: int


@dataclass(frozen=True)
class Suggestion:
    key: Hashable
    name: str
    matches: tuple[Match, ...]  # in the order the theme lists its keywords

    @property
    def keyword_count(self) -> int:
        return len(self.matches)

    @property
    def times(self) -> int:
        return sum(m.times for m in self.matches)

    @property
    def because(self) -> str:
        """Why it was suggested, for the page: 'mentions "late visits" and "carers"'."""
        quoted = [f"\u201c{m.found}\u201d" for m in self.matches]
        if len(quoted) == 1:
            return f"mentions {quoted[0]}"
        return f"mentions {', '.join(quoted[:-1])} and {quoted[-1]}"


def _occurrences(phrase: tuple[str, ...], stems: list[str]) -> list[int]:
    n = len(phrase)
    return [i for i in range(len(stems) - n + 1) if tuple(stems[i : i + n]) == phrase]


def suggest(text: str, themes: Iterable[ThemeKeywords]) -> list[Suggestion]:
    """The themes whose keywords the text mentions, best first."""
    written = words(text)
    stems = [stem(w) for w in written]
    found = []
    for theme in themes:
        matches = []
        seen: set[tuple[str, ...]] = set()
        for keyword in theme.keywords:
            phrase = tuple(stem(w) for w in words(keyword))
            if not phrase or phrase in seen:
                continue
            seen.add(phrase)
            at = _occurrences(phrase, stems)
            if at:
                first = " ".join(written[at[0] : at[0] + len(phrase)])
                matches.append(Match(keyword=keyword, found=first, times=len(at)))
        if matches:
            found.append(Suggestion(key=theme.key, name=theme.name, matches=tuple(matches)))
    found.sort(key=lambda s: (-s.keyword_count, -s.times, s.name.lower(), str(s.key)))
    return found
