"""Service navigation: which sections a person sees, by role."""

from django.urls import NoReverseMatch, reverse

SECTIONS = [
    # (label, url name, roles that see it; None means everyone signed in)
    ("Contracts", "contracts:register", None),
    ("Programmes", "programmes:list", None),
    ("Procurements", "procurement:list", None),
    ("Opportunities", "bidding:opportunities", {"provider"}),
    ("Open book", "pricing:submissions", {"provider"}),
    (
        "Clarifications",
        "bidding:clarifications",
        {"commissioner", "procurement_lead", "administrator"},
    ),
    (
        "Evaluation",
        "evaluation:worklist",
        {"evaluator", "commissioner", "procurement_lead", "administrator"},
    ),
    (
        "Pricing",
        "pricing:scenarios",
        {"commissioner", "procurement_lead", "contract_manager", "administrator", "councillor"},
    ),
    (
        "Monitoring",
        "performance:zones",
        {
            "commissioner",
            "procurement_lead",
            "contract_manager",
            "administrator",
            "councillor",
            "provider",
        },
    ),
    (
        "Engagement",
        "engagement:activities",
        {"commissioner", "procurement_lead", "contract_manager", "administrator", "councillor"},
    ),
    (
        "Scrutiny",
        "scrutiny:committees",
        {"commissioner", "procurement_lead", "contract_manager", "administrator", "councillor"},
    ),
    ("Areas", "geography:places", None),
    ("Organisations", "organisations:list", None),
    ("People", "organisations:people", {"administrator"}),
]


def navigation_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return []
    items = []
    for label, name, roles in SECTIONS:
        if roles is not None and user.role not in roles:
            continue
        try:
            href = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"text": label, "href": href, "active": request.path.startswith(href)})
    return items
