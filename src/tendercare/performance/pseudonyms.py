"""Client ids become pseudonyms on the way in: HMAC-SHA256 of the id under a secret key.

The same id gives the same pseudonym for as long as the key stays the same, so a client's
visits can be followed across files and months (continuity of carers) without the store ever
holding the id. Without the key the pseudonym cannot be turned back into the id, nor checked
against a guessed one.

The key is configuration (settings.PSEUDONYM_KEY, from TENDERCARE_PSEUDONYM_KEY), never in the
repository. If it is empty, a random key is made once and kept in settings.VAR_DIR /
"pseudonym.key", readable by its owner only. Keep that file (or the setting) safe and backed
up: with a new key, the same client gets a new pseudonym.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from django.conf import settings

KEY_FILE = "pseudonym.key"
LENGTH = 32  # hex characters: 128 bits, plenty to keep pseudonyms apart


def key_path() -> Path:
    return Path(settings.VAR_DIR) / KEY_FILE


def key() -> bytes:
    configured = getattr(settings, "PSEUDONYM_KEY", "")
    if configured:
        return configured.encode("utf-8")
    path = key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # O_EXCL: two processes starting at once cannot both write a key.
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(handle, "w") as out:
                out.write(secrets.token_hex(32))
    os.chmod(path, 0o600)
    text = path.read_text().strip()
    if not text:
        raise RuntimeError(f"The pseudonym key file {path} is empty")
    return text.encode("utf-8")


def pseudonym(client_id: str, *, secret: bytes | None = None) -> str:
    """The pseudonym for one client id (surrounding spaces ignored)."""
    secret = key() if secret is None else secret
    digest = hmac.new(secret, client_id.strip().encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:LENGTH]


def pseudonyms(client_ids: list[str]) -> list[str]:
    secret = key()
    return [pseudonym(c, secret=secret) for c in client_ids]
