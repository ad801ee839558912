"""Which bid documents are accepted, and what they are called. Pure: no Django.

A file is accepted when it is no larger than the limit, its extension is on the list, and its
first bytes agree with the extension (PDF, the zip container of Office and OpenDocument files,
text without NUL bytes). The provider's filename is kept for display only, made safe.
"""

import re
import unicodedata
from dataclasses import dataclass

MAX_BYTES = 10 * 1024 * 1024
HEAD_BYTES = 8192
MAX_NAME = 120

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "txt": "text/plain",
    "csv": "text/csv",
}
ALLOWED = ", ".join(ext.upper() for ext in CONTENT_TYPES)
ZIP_MAGIC = b"PK\x03\x04"


class Refused(ValueError):
    """The file was refused; the message says why and what to do."""


@dataclass(frozen=True)
class Checked:
    filename: str
    extension: str
    size: int
    content_type: str


def safe_filename(name: str) -> str:
    """The last path part, letters, digits, spaces, dots, hyphens and underscores only, no
    leading dots, at most MAX_NAME characters, keeping the extension."""
    name = unicodedata.normalize("NFKD", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = name.encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9 ._-]", "_", name)
    name = re.sub(r"\s+", " ", name)
    stem, _, ext = name.rpartition(".") if "." in name else (name, "", "")
    ext = re.sub(r"[^A-Za-z0-9]", "", ext)[:10]
    room = MAX_NAME - (len(ext) + 1 if ext else 0)
    stem = stem.strip(" .-")[:room].rstrip(" .") or "document"
    return f"{stem}.{ext}" if ext else stem


def extension_of(name: str) -> str:
    name = safe_filename(name)
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def content_matches(extension: str, head: bytes) -> bool:
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension in ("docx", "xlsx", "odt"):
        return head.startswith(ZIP_MAGIC)
    if extension in ("txt", "csv"):
        return b"\x00" not in head
    return False


def check(*, name: str, size: int, head: bytes) -> Checked:
    if size <= 0:
        raise Refused("The file is empty: choose the document again")
    if size > MAX_BYTES:
        raise Refused(
            f"The file is {size / 1024 / 1024:.1f} MB; files must be 10 MB or smaller. "
            "Split it or save it in a smaller format"
        )
    extension = extension_of(name)
    if extension not in CONTENT_TYPES:
        raise Refused(f"The file must be one of {ALLOWED}")
    if not content_matches(extension, head):
        raise Refused(
            f"The file is called .{extension} but its contents are not {extension.upper()}: "
            "save it again in that format"
        )
    return Checked(
        filename=safe_filename(name),
        extension=extension,
        size=size,
        content_type=CONTENT_TYPES[extension],
    )
