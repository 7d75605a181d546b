"""The web chat's JSON API as chat.js speaks it: POST /api/session, /api/message, /api/poll."""

import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp


@dataclass
class Answer:
    """One /api/message response: status, replies' texts and the buttons offered."""

    status: int
    body: dict[str, Any]

    @property
    def texts(self) -> list[str]:
        return [reply["text"] for reply in self.body.get("replies", [])]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        return [(b["label"], b["data"]) for r in self.body.get("replies", []) for row in r["buttons"] for b in row]


@dataclass
class WebUser:
    """One browser: its signed session, a message counter, the last buttons it was offered."""

    http: aiohttp.ClientSession
    base: str
    session: str = ""
    buttons: list[tuple[str, str]] = field(default_factory=list)
    _mids: Any = field(default_factory=lambda: itertools.count(1))
    _page: str = field(default_factory=lambda: uuid.uuid4().hex[:12])  # one page load: mids stay unique

    async def open(self) -> str:
        async with self.http.post(f"{self.base}/api/session", json={}) as response:
            assert response.status == 200, await response.text()
            self.session = (await response.json())["session"]
        return self.session

    async def post(self, body: dict[str, Any]) -> Answer:
        """One message with this session and a fresh mid, whatever the outcome."""
        if not self.session:
            await self.open()
        payload = {"session": self.session, "mid": f"{self._page}-{next(self._mids)}", **body}
        async with self.http.post(f"{self.base}/api/message", json=payload) as response:
            answer = Answer(response.status, await response.json())
        if answer.buttons:
            self.buttons = answer.buttons
        return answer

    async def say(self, text: str) -> Answer:
        answer = await self.post({"text": text})
        assert answer.status == 200, answer.body
        return answer

    async def press(self, label: str) -> Answer:
        """Press the last offered button whose label contains `label`."""
        data = next((d for lab, d in self.buttons if label in lab), None)
        assert data is not None, f"no button {label!r} in {self.buttons}"
        answer = await self.post({"button": data})
        assert answer.status == 200, answer.body
        return answer

    async def poll(self, after: int = 0) -> list[dict[str, Any]]:
        async with self.http.post(f"{self.base}/api/poll", json={"session": self.session, "after": after}) as r:
            assert r.status == 200, await r.text()
            return list((await r.json())["messages"])


def receipt_code(answer: Answer) -> str:
    """The receipt code in a reply («Mã câu hỏi: ST…»)."""
    for line in answer.text.splitlines():
        if "Mã câu hỏi" in line:
            return line.split(":", 1)[1].strip().strip("*").split()[0]
    raise AssertionError(f"no receipt in {answer.texts}")
