"""What the web chat API checks before a request reaches the conversation: origin, client address, rates."""

import ipaddress
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from aiohttp import web

logger = logging.getLogger(__name__)

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Limits:
    """New sessions and consents allowed per client address per window (config: channels.web)."""

    # A school's computer lab or a youth centre reaches us through one NAT address: a class of ~45
    # opening the chat in the same lesson must pass, a script creating thousands of youth must not.
    sessions: int = 60
    consents: int = 60
    window_seconds: float = 600.0
    trusted_proxies: tuple[str, ...] = ()  # reverse proxies whose X-Forwarded-For we believe
    max_addresses: int = 100_000  # addresses remembered per window; beyond it they share one budget


class Counter(Protocol):
    """Hits per client address in the current window (in memory, or in Redis for several workers)."""

    limit: int

    async def hit(self, key: str) -> int: ...


class WindowCounter:
    """Counts hits per key in fixed windows; a new window forgets the old one, so memory stays bounded."""

    OVERFLOW = "*"

    def __init__(self, limit: int, window_seconds: float, now: Callable[[], float], max_keys: int) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self._now = now
        self._max_keys = max_keys
        self._window = -1
        self._counts: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._counts)

    def _roll(self) -> None:
        window = int(self._now() // self.window_seconds)
        if window != self._window:
            self._window, self._counts = window, {}

    async def hit(self, key: str) -> int:
        """Count one hit for `key`; returns the key's hits in this window, this one included."""
        self._roll()
        if key not in self._counts and len(self._counts) >= self._max_keys:
            key = self.OVERFLOW  # many distinct addresses at once: they share one budget
        used = min(self._counts.get(key, 0) + 1, self.limit + 2)  # enough to tell the first refusal
        self._counts[key] = used
        return used


def parse_networks(entries: Iterable[str]) -> tuple[IpNetwork, ...]:
    """Addresses or CIDR networks (config: channels.web.trusted_proxies)."""
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _ip(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def client_key(request: web.Request, proxies: tuple[IpNetwork, ...]) -> str:
    """Whom a request counts against: its peer address, or the first untrusted X-Forwarded-For hop
    when the peer is a trusted proxy. IPv6 counts per /64, the block one household or client gets."""
    address = _ip(request.remote)
    if address is not None and any(address in net for net in proxies):
        hops = [_ip(hop) for hop in request.headers.get("X-Forwarded-For", "").split(",")]
        for hop in reversed(hops):
            if hop is None:
                break
            address = hop
            if not any(hop in net for net in proxies):
                break
    if address is None:
        return str(request.remote)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` in lower case when `url` is exactly an http(s) origin, else None."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or "*" in parts.netloc:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def _own_hosts(request: web.Request, proxies: tuple[IpNetwork, ...]) -> set[str]:
    """The host names this request was sent to: Host, and X-Forwarded-Host from a trusted proxy
    (nginx's default `proxy_pass` rewrites Host to the upstream's name)."""
    hosts = {request.host.lower()}
    peer = _ip(request.remote)
    forwarded = request.headers.get("X-Forwarded-Host")
    if forwarded and peer is not None and any(peer in net for net in proxies):
        hosts.add(forwarded.split(",")[0].strip().lower())
    return hosts


def cross_site_refusal(
    request: web.Request, portal_origins: frozenset[str], proxies: tuple[IpNetwork, ...] = ()
) -> str | None:
    """Why a POST must be refused as coming from another site, or None. Requests without Origin
    and Sec-Fetch-Site (curl, server to server) are same-origin as far as we can tell."""
    fetch_site = request.headers.get("Sec-Fetch-Site", "").lower()
    if fetch_site == "same-origin":
        return None  # set by the browser itself; a page cannot forge it
    origin = request.headers.get("Origin")
    if origin is None:
        return "Sec-Fetch-Site: cross-site" if fetch_site == "cross-site" else None
    if urlsplit(origin).netloc.lower() in _own_hosts(request, proxies):  # any scheme: TLS may end at a proxy
        return None
    if origin_of(origin) in portal_origins:
        return None
    return "foreign Origin"
