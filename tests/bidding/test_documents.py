"""The document rules (pure module): names are made safe, types checked by content."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tendercare.bidding import documents


@given(st.text(max_size=400))
def test_safe_filename_is_never_a_path_and_never_empty(name):
    safe = documents.safe_filename(name)
    assert safe
    assert "/" not in safe and "\\" not in safe
    assert not safe.startswith(".")
    assert len(safe) <= documents.MAX_NAME
    assert all(c.isascii() and (c.isalnum() or c in " ._-") for c in safe)


@given(
    st.text(alphabet="abcdefghij -_", min_size=1, max_size=30),
    st.sampled_from(list(documents.CONTENT_TYPES)),
)
def test_safe_filename_keeps_the_extension(stem, ext):
    assert documents.extension_of(f"{stem}.{ext}") == ext


@given(st.binary(max_size=64))
def test_only_pdf_magic_passes_as_pdf(head):
    assert documents.content_matches("pdf", head) == head.startswith(b"%PDF-")


@pytest.mark.parametrize("size", [0, -1])
def test_empty_files_refused(size):
    with pytest.raises(documents.Refused, match="empty"):
        documents.check(name="a.pdf", size=size, head=b"%PDF-")


def test_limit_is_exactly_ten_megabytes():
    documents.check(name="a.pdf", size=documents.MAX_BYTES, head=b"%PDF-")
    with pytest.raises(documents.Refused, match="10 MB"):
        documents.check(name="a.pdf", size=documents.MAX_BYTES + 1, head=b"%PDF-")


def test_double_extension_is_judged_by_the_last():
    with pytest.raises(documents.Refused):
        documents.check(name="report.pdf.exe", size=10, head=b"%PDF-")
    assert documents.check(name="archive.exe.pdf", size=10, head=b"%PDF-").extension == "pdf"
