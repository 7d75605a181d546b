"""Logging for the service: one format, quiet HTTP libraries, and no configured secret in any line.

httpx logs every request URL at INFO, and a Telegram URL carries the bot token (/bot<token>/…);
PTB logs each Bot API call's parameters at DEBUG, setWebhook's secret_token among them. Raising
the HTTP libraries to WARNING stops the first; a filter on the root handlers that redacts every
configured secret stops whatever a library at any level would still print.
"""

import logging
import re
from collections.abc import Iterable

from bot.config import AppConfig

REDACTED = "<redacted>"
MIN_SECRET = 6  # a shorter value would redact ordinary words; such a secret is too weak anyway
QUIET = ("httpx", "httpcore", "alembic")  # httpx: one INFO line per request, with its URL


class RedactingFilter(logging.Filter):
    """Replaces each known secret in a record's message and traceback with <redacted>."""

    def __init__(self) -> None:
        super().__init__("redact")
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, secrets: Iterable[str | None]) -> None:
        """Redact these values from now on (short or empty ones are ignored)."""
        self._secrets |= {s for s in secrets if s and len(s) >= MIN_SECRET}
        ordered = sorted(self._secrets, key=len, reverse=True)  # the token before its own secret part
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def redact(self, text: str) -> str:
        """`text` with every secret replaced."""
        return self._pattern.sub(REDACTED, text) if self._pattern is not None else text

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is None:
            return True
        message = record.getMessage()
        if self._pattern.search(message):
            record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


REDACTOR = RedactingFilter()


def configure(level: str) -> None:
    """The process's logging: one format on stderr, the HTTP libraries at WARNING."""
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def secrets_of(config: AppConfig) -> list[str]:
    """Every secret the configuration holds: bot tokens (and their secret part), webhook secrets, passwords."""
    values: list[str] = []
    for channel in (config.channels.telegram, config.channels.zalo):
        for secret in (channel.token, channel.webhook_secret):
            if secret is not None:
                value = secret.get_secret_value()
                values += [value, value.partition(":")[2]]  # Telegram's "<bot id>:<secret>"
    oa = config.channels.zalo_oa
    values += [s.get_secret_value() for s in (oa.secret_key, oa.app_secret, oa.refresh_token) if s is not None]
    values.append(_password(config.database.url))
    if config.redis.url is not None:
        values.append(_password(config.redis.url.get_secret_value()))
    return [v for v in values if v]


def _password(url: str) -> str:
    """The password in a database or Redis URL ('' when none)."""
    match = re.match(r"^[a-z0-9+]+://[^:/@]*:([^@]*)@", url)
    return match.group(1) if match else ""


def redact_secrets(config: AppConfig) -> None:
    """Install the redacting filter on every root handler, knowing `config`'s secrets (idempotent)."""
    REDACTOR.add(secrets_of(config))
    for handler in logging.getLogger().handlers:
        if REDACTOR not in handler.filters:
            handler.addFilter(REDACTOR)
