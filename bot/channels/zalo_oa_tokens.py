"""The OA access token, shared by every worker through the database and renewed by one of them.

Renewal: take the lease (one worker renews; the others wait and read), record that the refresh
token is being spent, ask Zalo, write Zalo's answer ahead into the row's pending slot, then
confirm it as the current pair. A worker that dies after the write-ahead leaves a pending pair
the next reader confirms; one that dies before it leaves an intent, and a refresh token Zalo then
refuses is reported loudly with what the operator must do. No token is ever logged.
"""

import asyncio
import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from bot.channels.zalo_oa_api import OAuthClient, RefreshRejected, TokenPair
from bot.errors import ChannelError, PermanentChannelError, TransientChannelError
from handlers.clock import Clock
from storage import Store
from storage.clock import from_db
from storage.zalo_oa_tokens import ZaloOAToken, ZaloOATokenRepo

log = logging.getLogger(__name__)

RESEED = "set ZALO_OA_REFRESH_TOKEN to a new refresh token from the OA's authorization and restart"


def fingerprint(token: str) -> str:
    """What the database keeps of the operator's refresh token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


class TokenKeeper:
    """A TokenSource (bot/channels/zalo_oa_api.py) backed by the zalo_oa_token row."""

    def __init__(
        self, store: Store, oauth: OAuthClient, clock: Clock, *, seed: str | None = None,
        renew_before: timedelta = timedelta(hours=1), lease: timedelta = timedelta(seconds=60),
        poll_seconds: float = 0.1,
    ) -> None:
        self.store, self.oauth, self.clock = store, oauth, clock
        self.app_id = oauth.app_id
        self._seed = seed
        self.renew_before, self.lease, self.poll_seconds = renew_before, lease, poll_seconds
        self.owner = secrets.token_hex(8)  # this worker, in the lease column
        self._renewing = asyncio.Lock()  # one renewal per process; the lease orders processes

    def __repr__(self) -> str:
        return f"TokenKeeper(app_id={self.app_id!r}, tokens=<redacted>)"

    async def start(self) -> None:
        """Adopt ZALO_OA_REFRESH_TOKEN when it is new (first start, or the operator's re-authorization)."""
        async with self.store.unit() as uow:
            repo = ZaloOATokenRepo(uow.session)
            row = await repo.get(self.app_id)
            if self._seed is None:
                if row is None:
                    log.error("zalo oa: no token stored and ZALO_OA_REFRESH_TOKEN unset; sends will fail")
                return
            seed_hash = fingerprint(self._seed)
            if row is not None and row.seed_hash == seed_hash:
                return  # already adopted once; the database holds its successors
            await repo.seed(self.app_id, self._seed, seed_hash, self.clock.now())
        log.info("zalo oa: adopted the refresh token from ZALO_OA_REFRESH_TOKEN")

    async def close(self) -> None:
        """Close the OAuth client's session."""
        await self.oauth.close()

    async def access_token(self) -> str:
        """The current access token, renewed first when it expires within `renew_before`."""
        row = await self._read()
        if row.access_token and from_db(row.access_expires_at) - self.renew_before > self.clock.now():
            return row.access_token
        return await self.renew(row.access_token)

    async def renew(self, stale: str) -> str:
        """A fresh access token instead of `stale`: renewed here, or read once another worker has."""
        async with self._renewing:
            loop = asyncio.get_running_loop()
            give_up = loop.time() + self.lease.total_seconds()
            while True:
                row = await self._read()
                if row.access_token and row.access_token != stale and self._alive(row):
                    return row.access_token
                if await self._claim(row.refresh_token):
                    return await self._renew_owned(row.refresh_token)
                if loop.time() > give_up:
                    raise TransientChannelError("zalo oa: another worker's token renewal did not finish")
                await asyncio.sleep(self.poll_seconds)

    def _alive(self, row: ZaloOAToken) -> bool:
        return from_db(row.access_expires_at) > self.clock.now()

    async def _read(self) -> ZaloOAToken:
        """The row; a pair written ahead by a worker that died before confirming is confirmed now."""
        async with self.store.unit() as uow:
            repo = ZaloOATokenRepo(uow.session)
            row = await repo.get(self.app_id)
            if row is None:
                raise PermanentChannelError(f"zalo oa: no token stored; {RESEED}")
            now = self.clock.now()
            orphan = row.lease_until is None or from_db(row.lease_until) < now
            if row.pending_access_token is not None and orphan and await repo.confirm(self.app_id, now):
                log.warning("zalo oa: confirmed a renewed token pair left by an interrupted renewal")
                row = await repo.get(self.app_id)
                assert row is not None
            return row

    async def _claim(self, refresh_token: str) -> bool:
        now = self.clock.now()
        async with self.store.unit() as uow:
            repo = ZaloOATokenRepo(uow.session)
            return await repo.claim(self.app_id, refresh_token, self.owner, now, now + self.lease)

    async def _renew_owned(self, refresh_token: str) -> str:
        """Holding the lease: spend the refresh token, write the answer ahead, confirm it."""
        try:
            pair = await self.oauth.refresh(refresh_token)
        except RefreshRejected:
            await self._release()
            log.error("zalo oa: Zalo refused the stored refresh token; %s", RESEED)
            raise
        except ChannelError:
            await self._release()  # no answer: the token may be unspent; the next call tries again
            raise
        await self.write_ahead(pair)
        await self.confirm()
        log.info("zalo oa: access token renewed, valid for %d s", pair.expires_in)
        return pair.access_token

    async def write_ahead(self, pair: TokenPair) -> None:
        """Keep Zalo's answer durably before anything else may fail."""
        expires_at: datetime = self.clock.now() + timedelta(seconds=pair.expires_in)
        async with self.store.unit() as uow:
            await ZaloOATokenRepo(uow.session).stash(self.app_id, pair.access_token, pair.refresh_token, expires_at)

    async def confirm(self) -> None:
        """The written-ahead pair becomes the current one."""
        async with self.store.unit() as uow:
            await ZaloOATokenRepo(uow.session).confirm(self.app_id, self.clock.now())

    async def _release(self) -> None:
        async with self.store.unit() as uow:
            await ZaloOATokenRepo(uow.session).release(self.app_id, self.owner)
