"""The docs list every default with its value and source, as the issue asks."""

from pathlib import Path

from tendercare.pricing import defaults

DOCS = Path(__file__).resolve().parents[2] / "docs" / "pricing.md"


def test_every_default_is_listed_with_its_source():
    text = DOCS.read_text()
    for default in (*defaults.HCA_2025, *defaults.BAND_TRAVEL):
        row = next(
            (
                line
                for line in text.splitlines()
                if line.startswith(f"| `{default.key}` |")
                and f"| {default.band or 'all'} | {default.value} |" in line
            ),
            None,
        )
        assert row is not None, f"{default.key} ({default.band or 'all'}) missing from docs"
        assert default.source in row
        assert row.rstrip().endswith(f"| {default.source_date.isoformat()} |"), row


def test_the_real_living_wage_starting_point_is_documented_with_its_date():
    text = DOCS.read_text()
    rlw = defaults.RLW_2025_DEFAULT
    assert rlw.source in text and rlw.source_date.isoformat() in text
