"""Reads about engagement, already scoped to the person asking (and, for the public pages,
to what is published)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet, Sum

from tendercare.geography.models import SOURCE_CENSUS, SOURCE_IMD, Lsoa
from tendercare.organisations.queries import organisation_family

from . import reach as reach_rules
from . import rules
from .groups import BY_CODE, DIMENSIONS, NOT_PROVIDED, quintile_of_decile
from .models import (
    Activity,
    CensusPopulation,
    Change,
    Channel,
    FeedbackItem,
    Participation,
    SurveyImport,
    Theme,
)


def _family(user) -> list[int]:
    return organisation_family(getattr(user, "organisation", None))


def activities_visible_to(user) -> QuerySet[Activity]:
    if not rules.may_see_engagement(user):
        return Activity.objects.none()
    return Activity.objects.filter(owner_id__in=_family(user)).select_related("owner", "programme")


def feedback_visible_to(user) -> QuerySet[FeedbackItem]:
    return FeedbackItem.objects.filter(activity__in=activities_visible_to(user))


def themes_visible_to(user) -> QuerySet[Theme]:
    if not rules.may_see_engagement(user):
        return Theme.objects.none()
    return Theme.objects.filter(owner_id__in=_family(user))


def changes_visible_to(user) -> QuerySet[Change]:
    if not rules.may_see_engagement(user):
        return Change.objects.none()
    return Change.objects.filter(programme__owner_id__in=_family(user)).select_related("programme")


def published_activities() -> QuerySet[Activity]:
    """For the public pages: published activities only."""
    return Activity.objects.filter(published=True).select_related("owner", "programme")


def published_changes() -> QuerySet[Change]:
    return Change.objects.filter(published=True).select_related("programme")


# ---------------------------------------------------------------------------------------------
# Feedback, themes and "you said, we did" (Engagement B). Other apps' tables are read through
# their own scoped queries; imports are local so that this section stands on its own.


def family_of(organisation) -> list[int]:
    """The whole family an organisation belongs to: the body everything was merged into, and
    every body merged into that, so that a predecessor and its successor count as one."""
    if organisation is None:
        return []
    top, seen = organisation, set()
    while top.merged_into_id and top.pk not in seen:
        seen.add(top.pk)
        top = top.merged_into
    return organisation_family(top)


def can_manage(user, obj) -> bool:
    """May this person change obj (anything with an owner: an activity, a theme, a
    programme)? Councillors never may."""
    return bool(rules.can_manage_owned(user, obj))


def can_add_themes(user) -> bool:
    return bool(rules.may_manage_engagement(user)) and bool(getattr(user, "organisation", None))


def themes_for_owner(user, owner) -> QuerySet[Theme]:
    """Themes this person may use for something owned by `owner` (same family); user=None is
    the system and sees the whole family."""
    qs = Theme.objects.filter(owner_id__in=family_of(owner))
    if user is not None:
        qs = qs.filter(pk__in=themes_visible_to(user).values("pk"))
    return qs.order_by("name", "pk")


def theme_list(user) -> QuerySet[Theme]:
    from django.db.models import Count

    return (
        themes_visible_to(user)
        .select_related("owner")
        .annotate(feedback_count=Count("feedback", distinct=True))
        .order_by("name", "pk")
    )


def feedback_list(user, *, programme=None, activity=None, theme=None, unconfirmed=False):
    qs = feedback_visible_to(user).select_related(
        "activity", "activity__programme", "activity__owner", "themes_confirmed_by"
    )
    if programme is not None:
        qs = qs.filter(activity__programme=programme)
    if activity is not None:
        qs = qs.filter(activity=activity)
    if theme is not None:
        qs = qs.filter(themes=theme)
    if unconfirmed:
        qs = qs.filter(themes_confirmed_at__isnull=True)
    return qs.prefetch_related("themes").order_by("-received_on", "-pk")


def feedback_of_programme(user, programme) -> QuerySet[FeedbackItem]:
    """The programme's feedback this person may see (user=None: all of it)."""
    qs = FeedbackItem.objects.filter(activity__programme=programme)
    if user is not None:
        qs = qs.filter(pk__in=feedback_visible_to(user).values("pk"))
    return qs.select_related("activity").prefetch_related("themes").order_by("received_on", "pk")


def requirements_linkable(user, programme):
    """Requirements of specifications owned by the programme's owner family that this person
    may see: the programme's own procurements first."""
    from django.db.models import Case, IntegerField, Value, When

    from tendercare.procurement import queries as procurement_queries
    from tendercare.procurement.models import Requirement

    qs = Requirement.objects.filter(procurement__owner_id__in=family_of(programme.owner))
    if user is not None:
        qs = qs.filter(pk__in=procurement_queries.requirements_visible_to(user).values("pk"))
    ours = Case(
        When(procurement__programme=programme, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return qs.select_related("procurement").order_by(ours, "procurement__reference", "code")


def kpi_schedules_linkable(user, programme):
    """KPIs in the schedules of contracts the programme's owner family commissions, that this
    person may see: the programme's own contracts first."""
    from django.db.models import Case, IntegerField, Value, When

    from tendercare.performance import queries as performance_queries
    from tendercare.performance.models import KpiSchedule

    in_scope = list(programme.contracts.values_list("pk", flat=True))
    qs = KpiSchedule.objects.filter(
        contract__shares__organisation_id__in=family_of(programme.owner)
    ).distinct()
    if user is not None:
        qs = qs.filter(pk__in=performance_queries.schedules_visible_to(user).values("pk"))
    ours = Case(
        When(contract_id__in=in_scope, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.select_related("kpi", "contract").order_by(ours, "contract__reference", "kpi__code")


def decisions_linkable(user, programme):
    """Decisions of programmes of the owner family that this person may see: this
    programme's first."""
    from django.db.models import Case, IntegerField, Value, When

    from tendercare.programmes import queries as programme_queries
    from tendercare.programmes.models import Decision

    qs = Decision.objects.filter(programme__owner_id__in=family_of(programme.owner))
    if user is not None:
        qs = qs.filter(pk__in=programme_queries.decisions_visible_to(user).values("pk"))
    ours = Case(
        When(programme=programme, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.select_related("programme").order_by(ours, "-decided_on", "-pk")


def requirement_label(requirement) -> str:
    return f"{requirement.procurement.reference}: {requirement.code} {requirement.title}"


def kpi_schedule_label(schedule) -> str:
    return f"{schedule.contract.reference}: {schedule.kpi.name} (target {schedule.target})"


def decision_label(decision) -> str:
    return f"{decision.programme.name}: {decision.title} ({decision.decided_on:%-d %B %Y})"


@dataclass(frozen=True)
class Link:
    """What changed: a requirement, a KPI in a contract's schedule, or a decision."""

    kind: str  # "requirement", "kpi", "decision"
    kind_label: str  # "Requirement in a service specification", ...
    label: str
    url: str  # "" when the viewer may not open it (or there is no viewer: public pages)


@dataclass(frozen=True)
class YouSaidWeDidRow:
    change: Change
    you_said: str
    we_did: str
    theme: str  # the theme's name, or ""
    feedback_count: int
    links: tuple[Link, ...]
    published: bool

    @property
    def pk(self) -> int:
        return self.change.pk


def _links(change: Change, viewer) -> tuple[Link, ...]:
    from django.urls import reverse

    from tendercare.performance import queries as performance_queries
    from tendercare.procurement import queries as procurement_queries
    from tendercare.programmes import queries as programme_queries

    def may(visible, obj) -> bool:
        return viewer is not None and visible(viewer).filter(pk=obj.pk).exists()

    links = []
    if change.requirement_id:
        r = change.requirement
        url = ""
        label = requirement_label(r)
        if may(procurement_queries.requirements_visible_to, r):
            url = reverse("procurement:requirements", args=[r.procurement_id]) + "#requirements"
        elif viewer is None and not procurement_queries.is_published(r.procurement):
            # The public does not learn of a procurement before its notice does.
            label = f"{r.code} {r.title}"
        links.append(Link("requirement", "Requirement in a service specification", label, url))
    if change.kpi_schedule_id:
        s = change.kpi_schedule
        url = ""
        if may(performance_queries.schedules_visible_to, s):
            url = reverse("performance:schedule", kwargs={"contract_pk": s.contract_id})
        links.append(Link("kpi", "KPI in a contract schedule", kpi_schedule_label(s), url))
    if change.decision_id:
        d = change.decision
        url = ""
        if may(programme_queries.decisions_visible_to, d):
            url = reverse("programmes:decisions", args=[d.programme_id])
        links.append(Link("decision", "Decision", decision_label(d), url))
    return tuple(links)


def you_said_we_did(
    programme, *, published_only: bool = False, viewer=None
) -> list[YouSaidWeDidRow]:
    """The programme's changes with what people said, the theme, how many feedback items led
    to each and what changed (label, and a URL when `viewer` may open it; without a viewer, as
    on the public pages, labels only). Counts are raw: public output passes them through
    scrutiny/disclosure.py."""
    from django.db.models import Count

    qs = (
        Change.objects.filter(programme=programme)
        .select_related(
            "theme",
            "requirement__procurement",
            "kpi_schedule__kpi",
            "kpi_schedule__contract",
            "decision__programme",
        )
        .annotate(feedback_count=Count("feedback", distinct=True))
        .prefetch_related("feedback__activity")
        .order_by("pk")
    )
    if published_only:
        qs = qs.filter(published=True)
    return [
        YouSaidWeDidRow(
            change=c,
            you_said=c.you_said,
            we_did=c.we_did,
            theme=c.theme.name if c.theme_id else "",
            feedback_count=c.feedback_count,
            links=_links(c, viewer),
            published=c.published,
        )
        for c in qs
    ]


def theme_counts(programme, *, published_only: bool = False) -> list[tuple[str, int]]:
    """[(theme name, number of the programme's feedback items tagged with it)], most first,
    then by name. Only themes a person has confirmed count; with published_only, only feedback
    from published activities (for public reports)."""
    from django.db.models import Count, Q

    mine = Q(feedback__activity__programme=programme)
    if published_only:
        mine &= Q(feedback__activity__published=True)
    rows = (
        Theme.objects.filter(mine)
        .annotate(n=Count("feedback", filter=mine, distinct=True))
        .values_list("name", "n")
    )
    return sorted(((name, n) for name, n in rows if n), key=lambda r: (-r[1], r[0].lower()))


# ---------------------------------------------------------------------------------------------
# Activities, participation, survey imports and reach (Engagement A). This section's imports
# are its own, so that it stands apart from the others.


_AGE_FIELDS = {
    "0_15": "pop_0_15",
    "16_24": "pop_16_24",
    "25_34": "pop_25_34",
    "35_49": "pop_35_49",
    "50_64": "pop_50_64",
    "65_plus": "pop_65_plus",
}
CENSUS_DIMENSIONS = ("sex", "ethnic_group", "disability", "carer")


def activity_for(user, pk) -> Activity | None:
    return activities_visible_to(user).filter(pk=pk).first()


def can_manage_activity(user, activity: Activity) -> bool:
    return bool(rules.can_manage_owned(user, activity))


def can_record_engagement(user) -> bool:
    return bool(rules.may_manage_engagement(user)) and bool(getattr(user, "organisation_id", None))


def participant_totals(activity_ids) -> dict[int, int]:
    """Participants of each activity: every recorded dimension adds up to the same number, so
    the largest dimension total is the total (0 when nothing is recorded)."""
    sums: dict[tuple[int, str], int] = defaultdict(int)
    rows = Participation.objects.filter(activity_id__in=list(activity_ids)).values_list(
        "activity_id", "dimension", "count"
    )
    for activity_id, dimension, count in rows:
        sums[(activity_id, dimension)] += count
    totals: dict[int, int] = defaultdict(int)
    for (activity_id, _), n in sums.items():
        totals[activity_id] = max(totals[activity_id], n)
    return dict(totals)


def activity_list(user, *, programme=None) -> list[Activity]:
    """Activities this person may see (optionally of one programme), each with
    `participants` set."""
    qs = activities_visible_to(user)
    if programme is not None:
        qs = qs.filter(programme=programme)
    activities = list(qs)
    totals = participant_totals(a.pk for a in activities)
    for a in activities:
        a.participants = totals.get(a.pk, 0)
    return activities


def participation_recorded(activity: Activity) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for dimension, group, count in Participation.objects.filter(activity=activity).values_list(
        "dimension", "group", "count"
    ):
        out.setdefault(dimension, {})[group] = count
    return out


@dataclass(frozen=True)
class DimensionCounts:
    code: str
    label: str
    recorded: bool
    rows: list[tuple[str, str, int]]  # (group code, label, count)
    total: int


def participation_table(activity: Activity) -> tuple[int, list[DimensionCounts]]:
    """(participants, one table a dimension). A dimension not recorded counts everyone as
    not provided."""
    recorded = participation_recorded(activity)
    total = max((sum(g.values()) for g in recorded.values()), default=0)
    tables = []
    for d in DIMENSIONS:
        counts = recorded.get(d.code)
        if counts is None:
            counts = {NOT_PROVIDED: total}
        rows = [(code, label, counts.get(code, 0)) for code, label in d.groups]
        tables.append(DimensionCounts(d.code, d.label, d.code in recorded, rows, total))
    return total, tables


def survey_imports_of(activity: Activity):
    return SurveyImport.objects.filter(activity=activity).select_related("imported_by")


def survey_import_for(activity: Activity, pk) -> SurveyImport | None:
    return survey_imports_of(activity).filter(pk=pk).first()


def programmes_for_engagement(user):
    """Programmes this person may see and link engagement to (their family's)."""
    from tendercare.programmes.queries import programmes_visible_to

    if not rules.may_see_engagement(user):
        from tendercare.programmes.models import Programme

        return Programme.objects.none()
    return programmes_visible_to(user).order_by("name")


def programme_for_reach(user, pk):
    return programmes_for_engagement(user).filter(pk=pk).first()


def can_set_ages_served(user, programme) -> bool:
    """Whether this person may set the ages the programme serves (engagement managers of the
    owner's family)."""
    return bool(rules.can_manage_owned(user, programme))


def _participants_by_channel(programme) -> dict[str, dict[str, dict[str, int]]]:
    """{channel: participants by dimension and group over the programme's activities of that
    channel}. An activity's dimension not recorded counts its participants as not provided."""
    activities = list(Activity.objects.filter(programme=programme).values_list("pk", "channel"))
    channel_of = dict(activities)
    recorded: dict[int, dict[str, dict[str, int]]] = defaultdict(dict)
    rows = Participation.objects.filter(activity_id__in=channel_of).values_list(
        "activity_id", "dimension", "group", "count"
    )
    for activity_id, dimension, group, count in rows:
        recorded[activity_id].setdefault(dimension, {})[group] = count
    out = {c: {d.code: {} for d in DIMENSIONS} for c in Channel.values}
    for activity_id, channel in activities:
        dims = recorded.get(activity_id, {})
        total = max((sum(g.values()) for g in dims.values()), default=0)
        into = out.setdefault(channel, {d.code: {} for d in DIMENSIONS})
        for d in DIMENSIONS:
            for group, n in dims.get(d.code, {NOT_PROVIDED: total}).items():
                into[d.code][group] = into[d.code].get(group, 0) + n
    return out


def _total_of(counts: dict[str, dict[str, int]]) -> int:
    return max((sum(c.values()) for c in counts.values()), default=0)


def programme_participants(programme) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """(participants by dimension and group over the programme's activities, participants by
    channel). An activity's dimension not recorded counts its participants as not provided."""
    by_channel = _participants_by_channel(programme)
    out: dict[str, dict[str, int]] = {d.code: {} for d in DIMENSIONS}
    for counts in by_channel.values():
        for dimension, groups in counts.items():
            for group, n in groups.items():
                out[dimension][group] = out[dimension].get(group, 0) + n
    return out, {channel: _total_of(counts) for channel, counts in by_channel.items()}


def programme_population(programme) -> tuple[dict[str, dict[str, int]], dict[str, str], dict]:
    """(population by dimension and group over the programme's places, the source of each
    dimension, and why a dimension has none: {dimension: sentence})."""
    places = list(programme.places.all())
    population: dict[str, dict[str, int]] = {}
    sources: dict[str, str] = {}
    missing: dict[str, str] = {}
    if not places:
        for d in DIMENSIONS:
            if d.census:
                missing[d.code] = (
                    f"no population figures for {d.label.lower()}: the programme has no areas "
                    "served set"
                )
        return population, sources, missing
    lsoas = Lsoa.objects.filter(place__in=places)
    ages = lsoas.aggregate(**{group: Sum(name) for group, name in _AGE_FIELDS.items()})
    if any(ages.values()):
        population["age_band"] = {group: int(n or 0) for group, n in ages.items()}
        sources["age_band"] = SOURCE_CENSUS
    else:
        missing["age_band"] = "no population figures loaded for age (no LSOAs of these areas)"
    quintiles: dict[str, int] = defaultdict(int)
    for decile, n in (
        lsoas.exclude(imd_decile__isnull=True)
        .values("imd_decile")
        .annotate(n=Sum("pop_total"))
        .values_list("imd_decile", "n")
    ):
        quintiles[quintile_of_decile(decile)] += int(n or 0)
    if sum(quintiles.values()):
        population["deprivation_quintile"] = {q: quintiles.get(q, 0) for q in "12345"}
        sources["deprivation_quintile"] = f"{SOURCE_IMD} (national quintiles); {SOURCE_CENSUS}"
    else:
        missing["deprivation_quintile"] = (
            "no population figures loaded for deprivation quintile (no LSOAs with an IMD decile)"
        )
    codes = {p.code for p in places}
    rows = CensusPopulation.objects.filter(place__in=places, dimension__in=CENSUS_DIMENSIONS)
    found: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    places_with: dict[str, set[str]] = defaultdict(set)
    sources_of: dict[str, set[str]] = defaultdict(set)
    for place_id, dimension, group, count, source in rows.values_list(
        "place_id", "dimension", "group", "count", "source"
    ):
        found[dimension][group] += count
        places_with[dimension].add(place_id)
        sources_of[dimension].add(source)
    names = {p.code: p.name for p in places}
    for dimension in CENSUS_DIMENSIONS:
        label = BY_CODE[dimension].label.lower()
        lacking = sorted(codes - places_with[dimension])
        if lacking:
            missing[dimension] = f"no population figures loaded for {label}" + (
                f" in {', '.join(names[c] for c in lacking)}" if len(lacking) < len(codes) else ""
            )
            continue
        population[dimension] = dict(found[dimension])
        sources[dimension] = "; ".join(sorted(sources_of[dimension]))
    return population, sources, missing


@dataclass(frozen=True)
class DimensionReach:
    code: str
    label: str
    rows: list  # reach.GroupReach, groups then "not provided"
    participants: int  # everyone counted in the dimension
    said: int  # those who said (not "not provided")
    not_provided: int
    population: int | None  # residents compared (of the ages served, for age)
    source: str
    note: str  # why there is no comparison, when there is none
    outside: int = 0  # participants who said an age the programme does not serve
    population_outside: int | None = None  # residents of ages it does not serve

    @property
    def groups(self) -> list:
        """The groups compared (not "not provided", not an age outside those served)."""
        return [r for r in self.rows if not r.not_provided and not r.outside]

    @property
    def compared(self) -> int:
        """The base of the participant shares: those who said, within the groups compared."""
        return self.said - self.outside


@dataclass(frozen=True)
class ChannelReach:
    """Reach of one channel's activities (digital, or in person) against the same residents."""

    code: str
    label: str
    participants: int
    dimensions: list[DimensionReach]
    rows: list
    under_represented: list[str]


@dataclass(frozen=True)
class ProgrammeReach:
    programme: object
    activity_count: int
    participants: int
    digital: int
    in_person: int
    dimensions: list[DimensionReach]
    rows: list  # every reach.GroupReach
    under_represented: list[str]  # sentences
    missing_population: list[str]  # sentences
    places: list = field(default_factory=list)
    youngest_age_served: int = 0
    ages_note: str = ""  # which ages age compares, and how many were outside them
    channels: list[ChannelReach] = field(default_factory=list)  # digital, then in person

    @property
    def digital_share(self):
        return self.digital / self.participants if self.participants else None


def _dimensions(participants, population, sources, missing, rows) -> list[DimensionReach]:
    dimensions = []
    for d in DIMENSIONS:
        dim_rows = [r for r in rows if r.dimension == d.code]
        counts = participants.get(d.code, {})
        not_provided = counts.get(NOT_PROVIDED, 0)
        everyone = sum(counts.values())
        outside = sum(r.participants for r in dim_rows if r.outside)
        pop = population.get(d.code)
        pop_compared = pop_outside = None
        if pop:
            pop_outside = sum(r.population or 0 for r in dim_rows if r.outside)
            pop_compared = sum(pop.values()) - pop_outside
        if not d.census:
            note = "There is no Census population to compare this with."
        elif d.code in missing:
            note = missing[d.code][:1].upper() + missing[d.code][1:] + "."
        elif everyone - not_provided == 0:
            note = "Nobody who took part said, so there are no shares to compare."
        elif everyone - not_provided - outside == 0:
            note = "Nobody who took part said an age the programme serves, so there are no shares."
        else:
            note = ""
        dimensions.append(
            DimensionReach(
                code=d.code,
                label=d.label,
                rows=dim_rows,
                participants=everyone,
                said=everyone - not_provided,
                not_provided=not_provided,
                population=pop_compared,
                source=sources.get(d.code, ""),
                note=note,
                outside=outside,
                population_outside=pop_outside if pop_outside else None,
            )
        )
    return dimensions


def _ages_note(youngest: int, age: DimensionReach | None) -> str:
    """One sentence: which ages the age comparison covers, how many were outside them, and
    that the other dimensions compare with residents of all ages."""
    if youngest == 0:
        return (
            "Age compares participants with residents of all ages (the programme serves people "
            "of all ages)."
        )
    outside = age.outside if age is not None else 0
    people = "person" if outside == 1 else "people"
    return (
        f"Age compares participants with residents aged {youngest} and over, the ages the "
        f"programme serves: {outside:,} {people} who took part gave a younger age and "
        f"{'is' if outside == 1 else 'are'} left out of the age shares. The other dimensions "
        "(sex, ethnic group, disability, unpaid care, deprivation) compare with residents of "
        "all ages, because their Census figures are not split by age."
    )


def programme_reach(programme) -> ProgrammeReach:
    """Participation in the programme's activities by group compared with the population of
    the areas its services serve (docs/engagement.md, "Reach"). For age, only the ages the
    programme serves are compared (Programme.youngest_age_served). The same comparison is
    made for each channel's activities (digital, in person)."""
    by_channel = _participants_by_channel(programme)
    participants: dict[str, dict[str, int]] = {d.code: {} for d in DIMENSIONS}
    for counts in by_channel.values():
        for dimension, groups in counts.items():
            for group, n in groups.items():
                participants[dimension][group] = participants[dimension].get(group, 0) + n
    population, sources, missing = programme_population(programme)
    youngest = programme.youngest_age_served or 0
    served = reach_rules.age_bands_from(youngest)
    rows = reach_rules.reach(participants, population, served_age_bands=served)
    dimensions = _dimensions(participants, population, sources, missing, rows)
    channels = []
    for code, label in Channel.choices:
        counts = by_channel.get(code, {})
        channel_rows = reach_rules.reach(counts, population, served_age_bands=served)
        channels.append(
            ChannelReach(
                code=code,
                label=label,
                participants=_total_of(counts),
                dimensions=_dimensions(counts, population, sources, missing, channel_rows),
                rows=channel_rows,
                under_represented=reach_rules.under_represented_sentences(channel_rows),
            )
        )
    age = next((d for d in dimensions if d.code == reach_rules.AGE), None)
    return ProgrammeReach(
        programme=programme,
        activity_count=Activity.objects.filter(programme=programme).count(),
        participants=_total_of(participants),
        digital=_total_of(by_channel.get(Channel.DIGITAL.value, {})),
        in_person=_total_of(by_channel.get(Channel.IN_PERSON.value, {})),
        dimensions=dimensions,
        rows=rows,
        under_represented=reach_rules.under_represented_sentences(rows),
        missing_population=[missing[d.code] for d in DIMENSIONS if d.code in missing],
        places=list(programme.places.all()),
        youngest_age_served=youngest,
        ages_note=_ages_note(youngest, age),
        channels=channels,
    )
