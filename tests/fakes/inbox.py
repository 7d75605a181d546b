"""bot/channels/polling.py's `Inbox` in a dict, for the poller's and the Zalo adapter's tests (the
store's own, storage/inbox.py, is tested in tests/bot/test_polling_inbox.py)."""

from typing import Any


class MemoryInbox:
    """One channel's kept updates in a dict, recording what happened in which order."""

    def __init__(self, channel: str = "telegram", rows: dict[int, str] | None = None,
                 fail_keep: bool = False) -> None:
        self.channel = channel
        self.rows: dict[int, str] = dict(rows or {})
        self.fail_keep = fail_keep
        self.events: list[tuple[str, Any]] = []

    async def keep(self, channel: str, updates: list[tuple[int, str]], forget: list[int]) -> None:
        assert channel == self.channel
        if self.fail_keep:
            raise RuntimeError("database is locked")
        for number in forget:
            self.rows.pop(number, None)
        self.rows.update(updates)
        self.events.append(("keep", [n for n, _ in updates]))

    async def forget(self, channel: str, update_ids: list[int]) -> None:
        assert channel == self.channel
        for number in update_ids:
            self.rows.pop(number, None)
        self.events.append(("forget", sorted(update_ids)))

    async def pending(self, channel: str) -> list[tuple[int, str]]:
        assert channel == self.channel
        return sorted(self.rows.items())
