"""The server secret: it keys pseudonyms (HMAC) and signs web chat sessions.

One secret for every worker: `DOITHOAI_SECRET` (at least 32 characters) when set, otherwise a random
key kept in a file (`data/secret.key` by default, created with mode 0600 on first start). Workers on
one machine share the file; workers on several machines must share the environment variable.
"""

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SECRET_ENV = "DOITHOAI_SECRET"
DEFAULT_SECRET_FILE = Path("data/secret.key")
MIN_LENGTH = 32


class SecretError(ValueError):
    """The configured secret is unusable."""


def load_secret(environ: Mapping[str, str] | None = None, path: Path = DEFAULT_SECRET_FILE) -> bytes:
    """The server secret from the environment, or from `path` (created when absent)."""
    environ = os.environ if environ is None else environ
    value = environ.get(SECRET_ENV, "").strip()
    if value:
        if len(value) < MIN_LENGTH:
            raise SecretError(f"{SECRET_ENV} must be at least {MIN_LENGTH} characters")
        return value.encode()
    if path.exists():
        stored = path.read_text(encoding="ascii").strip()
        if len(stored) < MIN_LENGTH:
            raise SecretError(f"{path} holds a secret shorter than {MIN_LENGTH} characters")
        return stored.encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = secrets.token_urlsafe(48)
    try:  # O_EXCL: two workers starting together keep the first one's key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_secret(environ, path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(fresh + "\n")
    return fresh.encode()


def pseudonym(secret: bytes, *parts: str) -> str:
    """A keyed, non-reversible key for `parts` (HMAC-SHA256, hex): without the secret it cannot be
    recomputed from an enumerable chat id."""
    return hmac.new(secret, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


SESSION_KEY = "doithoai.secret"


def secret_of(session: Any) -> bytes:
    """The server secret the Store put on this session (see `Store.unit`)."""
    secret = session.info.get(SESSION_KEY)
    if not secret:
        raise SecretError("this session was not opened by a Store: no server secret to key pseudonyms")
    return bytes(secret)


# The keys that must outlive a youth, each in its own namespace of the HMAC.
def recipient_key(secret: bytes, recipient: str) -> str:
    """What the sent-log keeps of an address."""
    return pseudonym(secret, "delivery", recipient)


def update_chat_key(secret: bytes, address: str) -> str:
    """What a processed-update mark keeps of the chat it came from (to erase it with the youth)."""
    return pseudonym(secret, "update-chat", address)


def blocked_key(secret: bytes, channel: str, chat_id: str) -> str:
    """What a block keeps of a chat whose youth erased their data: the block outlives them."""
    return "~" + pseudonym(secret, "blocked", channel, chat_id)


def erased_actor(secret: bytes, address: str) -> str:
    """What the audit log keeps of an erased youth: the same tag on each of their lines."""
    return "erased:" + pseudonym(secret, "audit", address)[:16]
