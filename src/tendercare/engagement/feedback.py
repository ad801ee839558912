"""Writes about feedback, themes and what changed ("you said, we did").

Each function is one transaction and leaves an audit record. `by`, when given, must be allowed
to change engagement for the owner (commissioning staff of the owner's family who may edit the
register; councillors never may); `by=None` is the system (the demo, survey imports).

A change must say what changed: a requirement in a service specification, a KPI in a
contract's schedule, or a programme decision (the table's check constraint holds the same rule).
Everything linked must belong to the programme's owner family and, when a person links it, be
something that person may see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from tendercare.core.audit import Auditor, snapshot
from tendercare.core.errors import DomainError, NotAllowed

from . import queries, rules
from . import themes as theme_rules
from .models import Activity, Change, FeedbackItem, Theme

NEEDS_A_LINK = (
    "Say what changed: choose a requirement in a service specification, a KPI in a contract "
    "schedule or a decision (at least one)"
)


def _text(value: str | None, message: str, *, limit: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    if limit and len(value) > limit:
        raise DomainError(f"{message[6:].capitalize()} must be {limit} characters or fewer")
    return value


def _require_manage(by, obj, what: str) -> None:
    if by is not None and not rules.can_manage_owned(by, obj):
        raise NotAllowed(f"You cannot change {what}")


def _themes_for(owner, chosen: Iterable[Theme], by) -> list[Theme]:
    chosen = list(chosen)
    if not chosen:
        return []
    allowed = set(queries.themes_for_owner(by, owner).values_list("pk", flat=True))
    refused = [t.name for t in chosen if t.pk not in allowed]
    if refused:
        raise DomainError(f"These themes are not ones you can use here: {', '.join(refused)}")
    return sorted({t.pk: t for t in chosen}.values(), key=lambda t: t.name)


# ---------------------------------------------------------------------------------------------
# Themes


def _theme_fields(owner, name, description, keywords, exclude_pk=None) -> dict:
    name = _text(name, "Enter the theme's name", limit=120)
    clash = Theme.objects.filter(owner=owner, name__iexact=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError(f"{owner} already has a theme called {name}")
    return {
        "name": name,
        "description": (description or "").strip(),
        # One keyword a line, tidied: the same text the suggestions read.
        "keywords": "\n".join(theme_rules.parse_keywords(keywords or "")),
    }


def theme_create(*, owner, name: str, description: str = "", keywords: str = "", by=None) -> Theme:
    if not owner.is_commissioner:
        raise DomainError("A theme belongs to a commissioning body (council, CCG or ICB)")
    if by is not None and not (rules.may_manage_engagement(by) and owner.pk in queries._family(by)):
        raise NotAllowed("You cannot add themes for that organisation")
    fields = _theme_fields(owner, name, description, keywords)
    with transaction.atomic():
        theme = Theme.objects.create(owner=owner, **fields)
        Auditor(by=by).created(theme)
    return theme


def theme_update(
    *, theme: Theme, name: str, description: str = "", keywords: str = "", by=None
) -> Theme:
    _require_manage(by, theme, "this theme")
    fields = _theme_fields(theme.owner, name, description, keywords, exclude_pk=theme.pk)
    with transaction.atomic():
        before = snapshot(theme)
        for key, value in fields.items():
            setattr(theme, key, value)
        theme.save()
        Auditor(by=by).updated(theme, before=before, summary="Theme changed")
    return theme


def suggestions_for(
    item: FeedbackItem, theme_list: Iterable[Theme]
) -> list[theme_rules.Suggestion]:
    """Suggested themes for a feedback item, from the keywords of the themes given."""
    return theme_rules.suggest(
        item.text,
        [
            theme_rules.ThemeKeywords(t.pk, t.name, theme_rules.parse_keywords(t.keywords))
            for t in theme_list
        ],
    )


# ---------------------------------------------------------------------------------------------
# Feedback


def feedback_add(
    *,
    activity: Activity,
    text: str,
    received_on: dt.date,
    themes: Iterable[Theme] = (),
    survey_import=None,
    by=None,
    at: dt.datetime | None = None,
) -> FeedbackItem:
    """Feedback received at an activity. Themes given here were chosen by hand, so they count
    as confirmed by `by`; without them the item waits for a person to confirm its themes."""
    _require_manage(by, activity, "this activity's feedback")
    text = _text(text, "Enter what the person said", limit=10000)
    if not isinstance(received_on, dt.date):
        raise DomainError("Enter the date the feedback was received")
    if received_on < activity.starts_on:
        raise DomainError(
            "The feedback cannot be received before the activity started "
            f"({activity.starts_on:%-d %B %Y})"
        )
    chosen = _themes_for(activity.owner, themes, by)
    with transaction.atomic():
        item = FeedbackItem.objects.create(
            activity=activity, text=text, received_on=received_on, survey_import=survey_import
        )
        summary = "Feedback added"
        if chosen:
            item.themes.set(chosen)
            item.themes_confirmed_by = by
            item.themes_confirmed_at = at or timezone.now()
            item.save(update_fields=["themes_confirmed_by", "themes_confirmed_at"])
            summary += f"; themes: {', '.join(t.name for t in chosen)}"
        Auditor(by=by).created(item, summary=summary)
    return item


def feedback_confirm_themes(
    *,
    item: FeedbackItem,
    themes: Iterable[Theme],
    by,
    at: dt.datetime | None = None,
) -> FeedbackItem:
    """A person confirms the item's themes (suggested or chosen by hand; none is an answer
    too: no theme fits). Records who and when; confirming again replaces the themes."""
    activity = item.activity
    _require_manage(by, activity, "this feedback's themes")
    chosen = _themes_for(activity.owner, themes, by)
    with transaction.atomic():
        before = snapshot(item)
        before["themes"] = sorted(item.themes.values_list("pk", flat=True))
        item.themes.set(chosen)
        item.themes_confirmed_by = by
        item.themes_confirmed_at = at or timezone.now()
        item.save(update_fields=["themes_confirmed_by", "themes_confirmed_at"])
        names = ", ".join(t.name for t in chosen) or "no theme fits"
        Auditor(by=by).updated(item, before=before, summary=f"Themes confirmed: {names}")
    return item


# ---------------------------------------------------------------------------------------------
# Changes: you said, we did


def _change_fields(
    *,
    programme,
    you_said,
    we_did,
    theme,
    feedback,
    requirement,
    kpi_schedule,
    decision,
    by,
) -> tuple[dict, list[FeedbackItem]]:
    you_said = _text(you_said, "Enter what people said", limit=5000)
    we_did = _text(we_did, "Enter what was done", limit=5000)
    if requirement is None and kpi_schedule is None and decision is None:
        raise DomainError(NEEDS_A_LINK)
    if (
        requirement is not None
        and not queries.requirements_linkable(by, programme).filter(pk=requirement.pk).exists()
    ):
        raise DomainError(
            "Choose a requirement from a specification of this programme's commissioners "
            "that you can see"
        )
    if (
        kpi_schedule is not None
        and not queries.kpi_schedules_linkable(by, programme).filter(pk=kpi_schedule.pk).exists()
    ):
        raise DomainError(
            "Choose a KPI from the schedule of a contract this programme's commissioners hold "
            "that you can see"
        )
    if (
        decision is not None
        and not queries.decisions_linkable(by, programme).filter(pk=decision.pk).exists()
    ):
        raise DomainError("Choose a decision of this programme's commissioners that you can see")
    if (
        theme is not None
        and not queries.themes_for_owner(by, programme.owner).filter(pk=theme.pk).exists()
    ):
        raise DomainError("Choose a theme of this programme's commissioners")
    items = list({f.pk: f for f in feedback}.values())
    if items:
        allowed = set(
            queries.feedback_of_programme(by, programme)
            .filter(pk__in=[f.pk for f in items])
            .values_list("pk", flat=True)
        )
        if any(f.pk not in allowed for f in items):
            raise DomainError("Link only feedback received at this programme's activities")
    fields = {
        "you_said": you_said,
        "we_did": we_did,
        "theme": theme,
        "requirement": requirement,
        "kpi_schedule": kpi_schedule,
        "decision": decision,
    }
    return fields, items


def change_create(
    *,
    programme,
    you_said: str,
    we_did: str,
    theme: Theme | None = None,
    feedback: Iterable[FeedbackItem] = (),
    requirement=None,
    kpi_schedule=None,
    decision=None,
    by=None,
) -> Change:
    _require_manage(by, programme, "this programme's engagement")
    fields, items = _change_fields(
        programme=programme,
        you_said=you_said,
        we_did=we_did,
        theme=theme,
        feedback=feedback,
        requirement=requirement,
        kpi_schedule=kpi_schedule,
        decision=decision,
        by=by,
    )
    with transaction.atomic():
        change = Change.objects.create(programme=programme, created_by=by, **fields)
        change.feedback.set(items)
        Auditor(by=by).created(change, summary=f"Linked to {len(items)} feedback item(s)")
    return change


def change_update(
    *,
    change: Change,
    you_said: str,
    we_did: str,
    theme: Theme | None = None,
    feedback: Iterable[FeedbackItem] = (),
    requirement=None,
    kpi_schedule=None,
    decision=None,
    by=None,
) -> Change:
    """Replace what the change says and links to (the feedback given is the whole list)."""
    programme = change.programme
    _require_manage(by, programme, "this programme's engagement")
    fields, items = _change_fields(
        programme=programme,
        you_said=you_said,
        we_did=we_did,
        theme=theme,
        feedback=feedback,
        requirement=requirement,
        kpi_schedule=kpi_schedule,
        decision=decision,
        by=by,
    )
    with transaction.atomic():
        before = snapshot(change)
        before["feedback"] = sorted(change.feedback.values_list("pk", flat=True))
        for key, value in fields.items():
            setattr(change, key, value)
        change.save()
        change.feedback.set(items)
        Auditor(by=by).updated(
            change, before=before, summary=f"Changed; linked to {len(items)} feedback item(s)"
        )
    return change


def _set_published(change: Change, published: bool, by) -> Change:
    _require_manage(by, change.programme, "this programme's engagement")
    if change.published == published:
        return change
    with transaction.atomic():
        before = snapshot(change)
        change.published = published
        change.save(update_fields=["published", "updated_at"])
        Auditor(by=by).updated(
            change,
            before=before,
            summary="Published" if published else "Withdrawn from publication",
        )
    return change


def change_publish(*, change: Change, by=None) -> Change:
    """Shown on the public pages (with disclosure control on its counts)."""
    return _set_published(change, True, by)


def change_unpublish(*, change: Change, by=None) -> Change:
    return _set_published(change, False, by)
