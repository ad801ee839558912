"""The programmes app keeps the house rules that tests/test_architecture.py does not list."""

import re
from pathlib import Path

import tendercare.programmes

APP = Path(tendercare.programmes.__file__).parent
DJANGO_IMPORT = re.compile(r"^\s*(from|import)\s+(django|rules|ninja)\b", re.MULTILINE)


def test_schedule_and_calendar_are_pure():
    for name in ("schedule.py", "calendar.py"):
        assert not DJANGO_IMPORT.search((APP / name).read_text()), name


def test_templates_have_no_inline_styles_or_scripts():
    for path in (APP / "jinja2").rglob("*.html"):
        text = path.read_text()
        assert "style=" not in text, path
        assert "<script" not in text, path
