"""Read endpoints for feedback themes and "you said, we did", at /api/v1/engagement/feedback.
Scoped like the pages: a programme the caller may not see is 404."""

from django.http import Http404
from ninja import Router, Schema

from tendercare.programmes import queries as programme_queries

from . import queries, rules

router = Router()


class Problem(Schema):
    detail: str


class ThemeOut(Schema):
    id: int
    name: str
    description: str
    keywords: list[str]
    owner: str
    feedback_count: int


class ThemeCountOut(Schema):
    theme: str
    feedback_count: int


class ProgrammeThemesOut(Schema):
    programme_id: int
    programme: str
    themes: list[ThemeCountOut]


class LinkOut(Schema):
    kind: str
    kind_label: str
    label: str
    url: str


class ChangeOut(Schema):
    id: int
    you_said: str
    we_did: str
    theme: str
    feedback_count: int
    published: bool
    links: list[LinkOut]


class YouSaidWeDidOut(Schema):
    programme_id: int
    programme: str
    changes: list[ChangeOut]


def _programme(request, programme_id: int):
    if not rules.may_see_engagement(request.user):
        raise Http404("Not found")
    programme = (
        programme_queries.programmes_visible_to(request.user).filter(pk=programme_id).first()
    )
    if programme is None:
        raise Http404("Not found")
    return programme


@router.get("/feedback/themes", response=list[ThemeOut], summary="Feedback themes you may see")
def theme_list(request):
    return [
        {
            "id": t.pk,
            "name": t.name,
            "description": t.description,
            "keywords": t.keywords.splitlines(),
            "owner": t.owner.name,
            "feedback_count": t.feedback_count,
        }
        for t in queries.theme_list(request.user)
    ]


@router.get(
    "/feedback/programmes/{programme_id}/themes",
    response={200: ProgrammeThemesOut, 404: Problem},
    summary="A programme's feedback by confirmed theme, most first",
)
def programme_themes(request, programme_id: int):
    programme = _programme(request, programme_id)
    return {
        "programme_id": programme.pk,
        "programme": programme.name,
        "themes": [
            {"theme": name, "feedback_count": n} for name, n in queries.theme_counts(programme)
        ],
    }


@router.get(
    "/feedback/programmes/{programme_id}/you-said-we-did",
    response={200: YouSaidWeDidOut, 404: Problem},
    summary="A programme's changes: what people said, what was done, the theme, how many "
    "feedback items, and the requirement, KPI or decision that changed (with its page when "
    "you may open it)",
)
def you_said_we_did(request, programme_id: int):
    programme = _programme(request, programme_id)
    rows = queries.you_said_we_did(programme, viewer=request.user)
    return {
        "programme_id": programme.pk,
        "programme": programme.name,
        "changes": [
            {
                "id": r.pk,
                "you_said": r.you_said,
                "we_did": r.we_did,
                "theme": r.theme,
                "feedback_count": r.feedback_count,
                "published": r.published,
                "links": [
                    {"kind": x.kind, "kind_label": x.kind_label, "label": x.label, "url": x.url}
                    for x in r.links
                ],
            }
            for r in rows
        ],
    }
