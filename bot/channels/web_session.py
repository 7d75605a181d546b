"""Web chat sessions the server can verify: a random id signed with the server secret."""

import hmac
import re
import secrets

from storage.secret import pseudonym

TOKEN_RE = re.compile(r"([A-Za-z0-9_-]{22})\.([0-9a-f]{32})")
PURPOSE = "web-session"  # keeps these MACs apart from every other use of the secret


class SessionSigner:
    """Issues `<id>.<mac>` tokens; only the id is stored (as the chat id), the MAC proves we issued it."""

    def __init__(self, secret: bytes) -> None:
        if not secret:
            raise ValueError("web sessions need the server secret (storage.secret.load_secret)")
        self._secret = secret

    def _mac(self, session_id: str) -> str:
        return pseudonym(self._secret, PURPOSE, session_id)[:32]  # 128 bits

    def issue(self) -> str:
        """A fresh token for a new conversation."""
        return self.token(secrets.token_urlsafe(16))

    def token(self, session_id: str) -> str:
        """The signed token of a known session id (issue() draws a random one)."""
        return f"{session_id}.{self._mac(session_id)}"

    def verify(self, token: object) -> str | None:
        """The session id when `token` is one we issued, else None (constant-time comparison)."""
        if not isinstance(token, str):
            return None
        match = TOKEN_RE.fullmatch(token)
        if match is None:
            return None
        session_id, mac = match.groups()
        return session_id if hmac.compare_digest(mac, self._mac(session_id)) else None
