"""Deterministic fault injection and rate limiting for the fake Bot API."""

import math
import random
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

JsonDict = dict[str, Any]

DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected fault",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
BLOCKED_DESCRIPTION = "Forbidden: bot was blocked by the user"


class ApiError(Exception):
    """A Bot API error answer: HTTP status equals error_code, as Telegram does."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    @classmethod
    def bad_request(cls, reason: str) -> "ApiError":
        """A 400 with Telegram's "Bad Request: ..." prefix."""
        return cls(400, f"Bad Request: {reason}")

    @classmethod
    def injected(cls, status: int, retry_after: int | None, description: str | None) -> "ApiError":
        """An injected fault with Telegram's usual wording for that status."""
        if status == 429:
            retry_after = 1 if retry_after is None else retry_after
            default = f"Too Many Requests: retry after {retry_after}"
        else:
            default = DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
        return cls(status, description or default, retry_after if status == 429 else None)

    def payload(self) -> JsonDict:
        """The JSON body Telegram answers with."""
        body: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def method_key(method: str) -> str:
    """Telegram method names are case-insensitive."""
    return method.lower()


def is_send_method(key: str) -> bool:
    """Methods that deliver content to a chat (and so count against rate limits)."""
    return key.startswith(("send", "copy", "forward")) and key != "sendchataction"


def targets_chat(key: str) -> bool:
    """Methods a blocked user refuses: sends, edits and chat actions."""
    return key.startswith(("send", "copy", "forward", "edit"))


@dataclass
class _FailRule:
    key: str
    status: int
    remaining: int
    retry_after: int | None
    description: str | None


@dataclass
class _RatioRule:
    ratio: float
    statuses: tuple[int, ...]
    keys: frozenset[str]
    retry_after: int
    rng: random.Random


class FaultInjector:
    """Scripted failures (next N calls), seeded random failures and blocked chats."""

    def __init__(self) -> None:
        self._rules: list[_FailRule] = []
        self._ratio: _RatioRule | None = None
        self.blocked_chats: set[int | str] = set()

    def fail_next(
        self,
        method: str,
        status: int,
        count: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """Fail the next `count` calls of `method` with `status`."""
        self._rules.append(_FailRule(method_key(method), status, count, retry_after, description))

    def fail_ratio(
        self,
        ratio: float,
        statuses: Iterable[int],
        seed: int,
        methods: Iterable[str],
        retry_after: int,
    ) -> None:
        """Fail a seeded-random share of calls to `methods`; ratio 0 turns it off."""
        keys = frozenset(method_key(m) for m in methods)
        rule = _RatioRule(ratio, tuple(statuses), keys, retry_after, random.Random(seed))
        self._ratio = rule if ratio > 0 else None

    def clear(self) -> None:
        """Forget every scripted and random fault (blocked chats stay)."""
        self._rules.clear()
        self._ratio = None

    def check(self, key: str, params: JsonDict) -> None:
        """Raise the injected error due for this call, if any."""
        for rule in self._rules:
            if rule.key == key and rule.remaining > 0:
                rule.remaining -= 1
                if rule.remaining == 0:
                    self._rules.remove(rule)
                raise ApiError.injected(rule.status, rule.retry_after, rule.description)
        ratio = self._ratio
        if ratio is not None and key in ratio.keys and ratio.rng.random() < ratio.ratio:
            status = ratio.rng.choice(ratio.statuses)
            raise ApiError.injected(status, ratio.retry_after, None)
        if targets_chat(key) and normalize_chat_id(params.get("chat_id")) in self.blocked_chats:
            raise ApiError(403, BLOCKED_DESCRIPTION)


def normalize_chat_id(value: Any) -> int | str | None:
    """Chat ids arrive as ints (JSON) or strings (forms); '@name' stays a string."""
    if value is None or isinstance(value, int):
        return value
    text = str(value)
    try:
        return int(text)
    except ValueError:
        return text


class RateLimiter:
    """Sliding one-second windows, global and per chat, over successful sends."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.global_per_second: int | None = None
        self.per_chat_per_second: int | None = None
        self._global: deque[float] = deque()
        self._per_chat: dict[int | str, deque[float]] = {}

    def configure(self, global_per_second: int | None, per_chat_per_second: int | None) -> None:
        """Set or lift (None) the limits; history is kept."""
        self.global_per_second = global_per_second
        self.per_chat_per_second = per_chat_per_second

    def check(self, chat_id: int | str) -> None:
        """Raise a 429 if one more send to `chat_id` would exceed a limit."""
        now = self._clock()
        windows = [(self._global, self.global_per_second)]
        windows.append((self._per_chat.setdefault(chat_id, deque()), self.per_chat_per_second))
        for window, limit in windows:
            _prune(window, now)
            if limit is not None and len(window) >= limit:
                retry_after = max(1, math.ceil(window[0] + 1.0 - now))
                raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    def record(self, chat_id: int | str) -> None:
        """Count one delivered send."""
        now = self._clock()
        self._global.append(now)
        self._per_chat.setdefault(chat_id, deque()).append(now)


def _prune(window: deque[float], now: float) -> None:
    while window and window[0] <= now - 1.0:
        window.popleft()
