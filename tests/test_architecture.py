"""The house rules that a reader of the code can check mechanically."""

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "tendercare"
APPS = sorted(p.parent.name for p in SRC.glob("*/apps.py"))
DJANGO_IMPORT = re.compile(r"^\s*(from|import)\s+(django|rules|ninja)\b", re.MULTILINE)
# Pure domain modules: the rules of the domain with no Django in them.
PURE_MODULES = [
    "core/formats.py",
    "core/charts.py",
    "geography/profiles.py",
    "contracts/register_rules.py",
    "programmes/schedule.py",
    "core/calendar.py",
    "geography/ons_files.py",
    "evaluation/scoring.py",
    "award/allocation.py",
    "bidding/documents.py",
    "procurement/routes.py",
    "procurement/lifecycle.py",
    "procurement/evaluation_model.py",
    "pricing/cost_model.py",
    "pricing/defaults.py",
    "pricing/routing.py",
    "pricing/hhc.py",
    "pricing/open_book.py",
    "pricing/budget.py",
    "performance/kpis.py",
    "performance/spc.py",
    "performance/payments.py",
    "performance/status_rules.py",
    "performance/visit_rows.py",
    "engagement/groups.py",
    "engagement/reach.py",
    "engagement/themes.py",
    "engagement/survey_rows.py",
    "scrutiny/disclosure.py",
]


def thin_shell_files():
    for app in APPS:
        # views.py and its siblings (travel_views.py, ...) and api.py
        yield from sorted((SRC / app).glob("*views.py"))
        if (SRC / app / "api.py").exists():
            yield SRC / app / "api.py"


@pytest.mark.parametrize(
    "path", list(thin_shell_files()), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_views_and_api_never_query_models_directly(path):
    """Scoping lives in queries.py; a view that calls Model.objects could forget it."""
    tree = ast.parse(path.read_text())
    offenders = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager")
    ]
    assert not offenders, f"{path} uses .objects on lines {offenders}: go through queries.py"


@pytest.mark.parametrize("relative", PURE_MODULES)
def test_pure_modules_do_not_import_django(relative):
    path = SRC / relative
    if not path.exists():
        pytest.skip(f"{relative} not written yet")
    assert not DJANGO_IMPORT.search(path.read_text()), f"{relative} imports Django"


def test_every_app_with_models_has_one_migration_head():
    for app in APPS:
        migrations = SRC / app / "migrations"
        if not migrations.exists():
            continue
        names = {p.stem for p in migrations.glob("[0-9][0-9][0-9][0-9]_*.py")}
        leaves = set(names)
        for path in migrations.glob("[0-9][0-9][0-9][0-9]_*.py"):
            for match in re.finditer(rf"\(['\"]{app}['\"], ['\"](\w+)['\"]\)", path.read_text()):
                leaves.discard(match.group(1))
        assert len(leaves) <= 1, f"{app} has more than one migration head: {sorted(leaves)}"


def templates():
    return sorted(SRC.glob("*/jinja2/**/*.html"))


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(SRC)))
def test_templates_have_no_inline_styles_or_scripts(path):
    """The Content Security Policy forbids them; GOV.UK's one inline script carries a nonce."""
    text = path.read_text()
    assert "style=" not in text, f"{path} has an inline style attribute"
    for match in re.finditer(r"<script\b[^>]*>", text):
        assert "src=" in match.group(0), f"{path} has an inline script"
