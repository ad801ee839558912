"""Pages for feedback, its themes and "you said, we did" (under /engagement/feedback/).

Thin: parse, call a query or a service in feedback.py, render. Commissioning staff and
councillors of the owner's family see; those who may edit the register change; a councillor
gets 403 on a write; anything out of scope is 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tendercare.core import history
from tendercare.core.errors import DomainError
from tendercare.core.forms import run_service
from tendercare.programmes import queries as programme_queries

from . import feedback as services
from . import feedback_forms as forms
from . import queries, rules

PAGE_SIZE = 25


def _see(request) -> None:
    if not rules.may_see_engagement(request.user):
        raise Http404("Not found")


def _manage(request, obj, what: str = "this") -> None:
    if not queries.can_manage(request.user, obj):
        raise PermissionDenied(f"You can read {what} but not change it")


def _programme(request, pk: int):
    _see(request)
    return get_object_or_404(programme_queries.programmes_visible_to(request.user), pk=pk)


def _back(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _history_url(request):
    """history_url for templates, or "" while the model is not registered for history (the
    page would be 404)."""

    def link(obj) -> str:
        meta = obj._meta
        if history.visible_queryset(f"{meta.app_label}.{meta.model_name}", request.user) is None:
            return ""
        return history.history_url(obj)

    return link


def _excerpt(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


class _Usable:
    """Themes a person may use for what an owner holds, and the suggestions they give,
    looked up once per owner on a page."""

    def __init__(self, user):
        self.user = user
        self._by_owner: dict[int, list] = {}

    def themes(self, owner) -> list:
        if owner.pk not in self._by_owner:
            self._by_owner[owner.pk] = list(queries.themes_for_owner(self.user, owner))
        return self._by_owner[owner.pk]

    def suggestions(self, item) -> list:
        return services.suggestions_for(item, self.themes(item.activity.owner))


# ---------------------------------------------------------------------------------------------
# Feedback


@login_required
@require_safe
def feedback_list(request):
    _see(request)
    user = request.user
    programmes = list(programme_queries.programmes_visible_to(user).order_by("name"))
    activities = list(queries.activities_visible_to(user))
    themes = list(queries.theme_list(user))
    filters = forms.FilterForm(
        request.GET,
        programmes=[(str(p.pk), p.name) for p in programmes],
        activities=[(str(a.pk), f"{a.title} ({a.starts_on:%-d %b %Y})") for a in activities],
        themes=[(str(t.pk), t.name) for t in themes],
    )
    programme = next((p for p in programmes if str(p.pk) == filters.chosen("programme")), None)
    activity = next((a for a in activities if str(a.pk) == filters.chosen("activity")), None)
    theme = next((t for t in themes if str(t.pk) == filters.chosen("theme")), None)
    unconfirmed = filters.chosen("status") == "unconfirmed"
    items = queries.feedback_list(
        user, programme=programme, activity=activity, theme=theme, unconfirmed=unconfirmed
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    usable = _Usable(user)
    manages: dict[int, bool] = {}  # by owner: one family lookup each, not one a row
    rows = []
    for item in page.object_list:
        owner_id = item.activity.owner_id
        if owner_id not in manages:
            manages[owner_id] = queries.can_manage(user, item.activity)
        rows.append(
            {
                "item": item,
                "themes": list(item.themes.all()),
                "suggestions": [] if item.themes_confirmed_at else usable.suggestions(item),
                "can_manage": manages[owner_id],
            }
        )
    return render(
        request,
        "engagement/feedback_list.html",
        {
            "filters": filters,
            "programme": programme,
            "activity": activity,
            "theme": theme,
            "unconfirmed": unconfirmed,
            "page": page,
            "rows": rows,
            "programmes": programmes,
            "can_add": bool(rules.may_manage_engagement(user)),
            "here": request.get_full_path(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def feedback_add(request):
    _see(request)
    user = request.user
    if not rules.may_manage_engagement(user):
        raise PermissionDenied("You can read feedback but not add it")
    activities = [a for a in queries.activities_visible_to(user) if queries.can_manage(user, a)]
    choices = [(str(a.pk), f"{a.title} ({a.starts_on:%-d %B %Y})") for a in activities]
    initial = {}
    wanted = request.GET.get("activity", "")
    if any(value == wanted for value, _ in choices):
        initial["activity"] = wanted
    form = forms.FeedbackForm(request.POST or None, activities=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = next(a for a in activities if str(a.pk) == data["activity"])
        item = run_service(
            form,
            lambda: services.feedback_add(
                activity=chosen, text=data["text"], received_on=data["received_on"], by=user
            ),
        )
        if item:
            messages.success(request, "Feedback added: now confirm its themes")
            return redirect("engagement:feedback-item", item.pk)
    return render(request, "engagement/feedback_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def feedback_item(request, pk: int):
    _see(request)
    user = request.user
    item = get_object_or_404(queries.feedback_list(user), pk=pk)
    usable = _Usable(user)
    themes = usable.themes(item.activity.owner)
    suggestions = usable.suggestions(item)
    current = [str(t.pk) for t in item.themes.all()]
    ticked = current if item.themes_confirmed_at else [str(s.key) for s in suggestions]
    form = forms.ConfirmThemesForm(
        request.POST if request.method == "POST" else None,
        themes=[(str(t.pk), t.name) for t in themes],
        initial={"themes": ticked},
    )
    if request.method == "POST":
        _manage(request, item.activity, "this feedback")
        if form.is_valid():
            chosen = set(form.cleaned_data["themes"])
            done = run_service(
                form,
                lambda: services.feedback_confirm_themes(
                    item=item, themes=[t for t in themes if str(t.pk) in chosen], by=user
                ),
            )
            if done:
                messages.success(request, "Themes confirmed")
                return redirect(_back(request, reverse("engagement:feedback-item", args=[pk])))
    reasons = {str(s.key): s.because for s in suggestions}
    return render(
        request,
        "engagement/feedback_item.html",
        {
            "item": item,
            "form": form,
            "suggestions": suggestions,
            "reasons": reasons,
            "themes": list(item.themes.all()),
            "changes": list(queries.changes_visible_to(user).filter(feedback=item)),
            "can_manage": queries.can_manage(user, item.activity),
            "history_url": _history_url(request),
            "next": _back(request, ""),
        },
    )


# ---------------------------------------------------------------------------------------------
# Themes


def _theme_form(request, theme=None):
    initial = {}
    if theme is not None:
        initial = {"name": theme.name, "description": theme.description, "keywords": theme.keywords}
    return forms.ThemeForm(request.POST if request.method == "POST" else None, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def theme_list(request):
    _see(request)
    user = request.user
    can_add = queries.can_add_themes(user)
    form = _theme_form(request)
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied("You can read themes but not add them")
        if form.is_valid():
            data = form.cleaned_data
            theme = run_service(
                form,
                lambda: services.theme_create(
                    owner=user.organisation,
                    name=data["name"],
                    description=data["description"],
                    keywords=data["keywords"],
                    by=user,
                ),
            )
            if theme:
                messages.success(request, f"Theme '{theme.name}' added")
                return redirect("engagement:themes")
    return render(
        request,
        "engagement/theme_list.html",
        {"themes": queries.theme_list(user), "form": form, "can_add": can_add},
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_edit(request, pk: int):
    _see(request)
    user = request.user
    theme = get_object_or_404(queries.theme_list(user), pk=pk)
    can_manage = queries.can_manage(user, theme)
    form = _theme_form(request, theme)
    if request.method == "POST":
        _manage(request, theme, "this theme")
        if form.is_valid():
            data = form.cleaned_data
            done = run_service(
                form,
                lambda: services.theme_update(
                    theme=theme,
                    name=data["name"],
                    description=data["description"],
                    keywords=data["keywords"],
                    by=user,
                ),
            )
            if done:
                messages.success(request, f"Theme '{theme.name}' saved")
                return redirect("engagement:themes")
    return render(
        request,
        "engagement/theme_form.html",
        {
            "theme": theme,
            "form": form,
            "can_manage": can_manage,
            "history_url": _history_url(request),
        },
    )


# ---------------------------------------------------------------------------------------------
# You said, we did


@login_required
@require_safe
def you_said_we_did(request, pk: int):
    programme = _programme(request, pk)
    user = request.user
    return render(
        request,
        "engagement/change_list.html",
        {
            "programme": programme,
            "rows": queries.you_said_we_did(programme, viewer=user),
            "theme_counts": queries.theme_counts(programme),
            "can_manage": queries.can_manage(user, programme),
            "history_url": _history_url(request),
        },
    )


def _change_choices(request, programme, change=None) -> dict:
    user = request.user
    theme_filter = request.GET.get("theme", "")
    themes = list(queries.themes_for_owner(user, programme.owner))
    items = list(queries.feedback_of_programme(user, programme))
    linked = set(change.feedback.values_list("pk", flat=True)) if change else set()
    shown_theme = next((t for t in themes if str(t.pk) == theme_filter), None)
    if shown_theme is not None:
        items = [f for f in items if f.pk in linked or shown_theme in f.themes.all()]  # prefetched
    return {
        "themes": themes,
        "shown_theme": shown_theme,
        "requirements": list(queries.requirements_linkable(user, programme)),
        "kpi_schedules": list(queries.kpi_schedules_linkable(user, programme)),
        "decisions": list(queries.decisions_linkable(user, programme)),
        "items": items,
    }


def _change_form(request, choices: dict, initial: dict):
    def feedback_label(f):
        names = ", ".join(t.name for t in f.themes.all())
        said = _excerpt(f.text)
        tagged = f"; {names}" if names else ""
        return f"“{said}” ({f.activity.title}, {f.received_on:%-d %b %Y}{tagged})"

    return forms.ChangeForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        themes=[(str(t.pk), t.name) for t in choices["themes"]],
        requirements=[(str(r.pk), queries.requirement_label(r)) for r in choices["requirements"]],
        kpi_schedules=[
            (str(s.pk), queries.kpi_schedule_label(s)) for s in choices["kpi_schedules"]
        ],
        decisions=[(str(d.pk), queries.decision_label(d)) for d in choices["decisions"]],
        feedback=[(str(f.pk), feedback_label(f)) for f in choices["items"]],
    )


def _picked(objects, value):
    return next((o for o in objects if str(o.pk) == value), None) if value else None


def _change_kwargs(form, choices: dict) -> dict:
    data = form.cleaned_data
    chosen = set(data["feedback"])
    return {
        "you_said": data["you_said"],
        "we_did": data["we_did"],
        "theme": _picked(choices["themes"], data["theme"]),
        "requirement": _picked(choices["requirements"], data["requirement"]),
        "kpi_schedule": _picked(choices["kpi_schedules"], data["kpi_schedule"]),
        "decision": _picked(choices["decisions"], data["decision"]),
        "feedback": [f for f in choices["items"] if str(f.pk) in chosen],
    }


@login_required
@require_http_methods(["GET", "POST"])
def change_create(request, pk: int):
    programme = _programme(request, pk)
    _manage(request, programme, "this programme's engagement")
    choices = _change_choices(request, programme)
    initial = {"theme": str(choices["shown_theme"].pk)} if choices["shown_theme"] else {}
    form = _change_form(request, choices, initial)
    if request.method == "POST" and form.is_valid():
        change = run_service(
            form,
            lambda: services.change_create(
                programme=programme, by=request.user, **_change_kwargs(form, choices)
            ),
        )
        if change:
            messages.success(request, "Change recorded")
            return redirect(
                reverse("engagement:you-said-we-did", args=[programme.pk]) + f"#change-{change.pk}"
            )
    return render(
        request,
        "engagement/change_form.html",
        {"programme": programme, "form": form, "change": None, **choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_edit(request, pk: int):
    _see(request)
    change = get_object_or_404(queries.changes_visible_to(request.user), pk=pk)
    programme = change.programme
    _manage(request, programme, "this programme's engagement")
    choices = _change_choices(request, programme, change)
    initial = {
        "you_said": change.you_said,
        "we_did": change.we_did,
        "theme": str(change.theme_id or ""),
        "requirement": str(change.requirement_id or ""),
        "kpi_schedule": str(change.kpi_schedule_id or ""),
        "decision": str(change.decision_id or ""),
        "feedback": [str(v) for v in change.feedback.values_list("pk", flat=True)],
    }
    form = _change_form(request, choices, initial)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.change_update(
                change=change, by=request.user, **_change_kwargs(form, choices)
            ),
        )
        if done:
            messages.success(request, "Change saved")
            return redirect(
                reverse("engagement:you-said-we-did", args=[programme.pk]) + f"#change-{change.pk}"
            )
    return render(
        request,
        "engagement/change_form.html",
        {"programme": programme, "form": form, "change": change, **choices},
    )


@login_required
@require_POST
def change_publish(request, pk: int):
    _see(request)
    change = get_object_or_404(queries.changes_visible_to(request.user), pk=pk)
    _manage(request, change.programme, "this programme's engagement")
    action = request.POST.get("action")
    if action == "unpublish":
        services.change_unpublish(change=change, by=request.user)
        messages.success(request, "Change withdrawn from the public pages")
    elif action == "publish":
        services.change_publish(change=change, by=request.user)
        messages.success(request, "Change published on the public pages")
    else:
        raise DomainError("Choose to publish the change or to withdraw it")
    return redirect(
        reverse("engagement:you-said-we-did", args=[change.programme_id]) + f"#change-{change.pk}"
    )
