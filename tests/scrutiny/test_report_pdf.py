# ruff: noqa: F811 - fixtures imported from report_fixtures
"""The PDF is tagged (PDF/UA-1): marked content, a structure tree, a language and a title."""

import re
import zlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tendercare.scrutiny import pdf, report, report_services

from .report_fixtures import AS_OF, _media, empty_programme, full_programme  # noqa: F401


def _readable(content: bytes) -> bytes:
    """The PDF with every Flate stream inflated, so that object streams can be searched."""
    parts = [content]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            parts.append(zlib.decompress(m.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def assert_tagged(content: bytes, title: str):
    assert content.startswith(b"%PDF-")
    text = _readable(content)
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", text), "not marked"
    assert b"/StructTreeRoot" in text
    assert re.search(rb"/Lang\s*\(en-GB\)", text)
    assert b"/DisplayDocTitle true" in text
    assert b"pdfuaid" in text  # the PDF/UA identification in the XMP metadata
    assert title.encode() in text or title.encode("utf-16-be") in text


@pytest.mark.parametrize("fixture", ["empty_programme", "full_programme"])
def test_the_committee_update_pdf_is_tagged(db, request, fixture):
    programme = request.getfixturevalue(fixture)
    doc = report.committee_update(programme, as_of=AS_OF)
    content = pdf.render_pdf(doc, report_services.render_body(doc))
    assert_tagged(content, "update for the committee")


def test_the_html_document_names_its_language_and_title(full_programme):
    doc = report.engagement_briefing(full_programme, as_of=AS_OF)
    html = pdf.document_html(doc, report_services.render_body(doc), styled=True)
    assert '<html lang="en-GB">' in html
    assert f"<title>{doc.title.replace(chr(39), '&#39;')}</title>" in html
    assert "<style>" in html and '"Page "' in html


def test_the_command_writes_pdf_and_html(full_programme, tmp_path):
    out, page = tmp_path / "r.pdf", tmp_path / "r.html"
    call_command(
        "report_scrutiny", "MED-HC-2026", output=str(out), html=str(page), as_of="2026-06-30"
    )
    assert_tagged(out.read_bytes(), "update for the committee")
    text = page.read_text()
    for section in ["Purpose", "Milestones", "Risks", "Engagement reach", "Open actions"]:
        assert section in text


def test_the_command_writes_the_briefing(full_programme, tmp_path):
    page = tmp_path / "b.html"
    call_command("report_scrutiny", "med-hc-2026", html=str(page), briefing=True)
    assert "engagement briefing note" in page.read_text()


def test_an_unknown_reference_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="No programme has the reference 'NOPE'"):
        call_command("report_scrutiny", "NOPE", output=str(tmp_path / "x.pdf"))


def test_a_bad_date_is_a_clear_error(empty_programme, tmp_path):
    with pytest.raises(CommandError, match="is not a date"):
        call_command("report_scrutiny", "EMPTY-2026", output=str(tmp_path / "x.pdf"), as_of="31/6")
