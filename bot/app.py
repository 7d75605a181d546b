"""Assembly: config → storage → tagger → conversation → dispatcher → channels, and the run loop."""

import asyncio
import contextlib
import gc
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from aiohttp import web

from bot.announce import BroadcastAnnouncer, announcer_for
from bot.channels.base import MayUpload, OutboundChannel, RunnableChannel
from bot.channels.registry import Wiring, build_channels
from bot.channels.web import WebChannel
from bot.channels.web_links import campaign_unit_names
from bot.channels.web_outbox import WebOutbox
from bot.channels.web_redis import RedisWindowCounter, redis_counters
from bot.config import AppConfig
from bot.coordination import CoordinationJobs, build_coordination
from bot.desk import Desk
from bot.files import FileLinks
from bot.public import PublicPage
from bot.leader import Leadership, leadership_for
from bot.logsetup import redact_secrets
from bot.takeover import resume_abandoned
from bot.scheduler import Scheduler
from bot.dispatcher import Dispatcher
from bot.flood_redis import RedisFloodGuard, redis_flood_guard
from bot.errors import ChannelError, RecipientUnreachable
from handlers.admin import menus
from handlers.admin.commands import menu
from handlers.admin.context import Seams
from handlers.admin.roles import resolve
from handlers.clock import Clock, SystemClock
from handlers.conversation import Conversation
from handlers.tagging import Tagger
from handlers.types import Address, Reply
from storage import Store, create_engine
from storage.migrate import upgrade
from storage.secret import load_secret

log = logging.getLogger(__name__)


def load_tagger() -> tuple[Tagger | None, object]:
    """The shipped topic tagger and its normaliser; (None, None) when it cannot load."""
    try:
        from nlp import TopicTagger, normalize

        return TopicTagger.load(), normalize
    except Exception:  # noqa: BLE001 - the bot still works: youth then pick the topic
        log.exception("topic tagger unavailable; youth will pick topics and questions need review")
        return None, None


@dataclass
class App:
    """Every long-lived object of one running bot."""

    config: AppConfig
    store: Store
    dispatcher: Dispatcher
    web: WebChannel
    runnables: list[RunnableChannel] = field(default_factory=list)  # bot/channels/registry.py
    channels: dict[str, OutboundChannel] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    web_port: int | None = None
    coordination: CoordinationJobs | None = None  # digests, reminders, final export (issue #4)
    scheduler: Scheduler | None = None
    announcer: BroadcastAnnouncer | None = None  # /thongbao (issue #5)
    leader: Leadership | None = None  # runs the scheduler in one process of several (issue #7)
    secret: bytes = b""  # keys pseudonyms and signs web sessions (storage/secret.py)
    files: FileLinks | None = None  # files staff cannot receive on their channel, as signed links (bot/files.py)

    def public_url(self) -> str:
        """Where staff reach this server: channels.web.public_url, else the local address it listens on."""
        web_config = self.config.channels.web
        if web_config.public_url:
            return web_config.public_url
        host = "localhost" if web_config.host in ("", "0.0.0.0", "::") else web_config.host
        return f"http://{host}:{self.web_port or web_config.port}"

    async def deliver(self, address: Address, reply: Reply) -> None:
        """Send a reply to anyone on the channel they use (raises bot.errors.ChannelError)."""
        channel = self.channels.get(address.channel)
        if channel is None:
            raise RecipientUnreachable(f"channel {address.channel!r} is not running")
        await channel.send(address, reply)

    async def _publish_menus(self, published: list[tuple[Address | None, list[tuple[str, str]]]] | None = None) -> None:
        """Command menus per role (youth by default, staff per chat) on channels that have them."""
        published = menus(self.config) if published is None else published
        for channel in self.runnable():
            set_menus = getattr(channel, "set_menus", None)
            if set_menus is None:
                continue
            try:
                await set_menus(published)
            except ChannelError as exc:
                log.warning("%s command menus not set: %s", channel.name, type(exc).__name__)

    def republish_menu(self, address: Address, role: str, province_wide: bool = True) -> None:
        """After /cap_quyen or /thu_quyen: that chat's menu follows its role (sent in the background;
        a local campaign's admin gets no province-only command)."""
        task = asyncio.create_task(self._publish_menus([(address, menu(role, province_wide))]), name="menu")
        self._tasks.append(task)
        task.add_done_callback(self._tasks.remove)

    def runnable(self) -> list[RunnableChannel]:
        """The channels this process runs besides the web chat, in start order."""
        return list(self.runnables)

    async def start(self) -> None:
        """Open the web server (with every webhook route) and start each configured channel."""
        channels = self.config.channels
        for channel in self.runnable():
            channel.mount(self.web.app)  # routes must exist before the server freezes its router
        self._runner = web.AppRunner(self.web.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, channels.web.host, channels.web.port, reuse_port=channels.web.reuse_port or None)
        await site.start()
        self.web_port = self._runner.addresses[0][1]
        log.info("web chat on http://%s:%s/", channels.web.host, self.web_port)
        for channel in self.runnable():
            await channel.start()
            log.info("%s channel started", channel.name)
        if self.leader is not None:
            await self.leader.start()
        if self.announcer is not None:
            self.announcer.resume()  # a /thongbao a dead process left half-sent
        await self._publish_menus()

    async def stop(self) -> None:
        """Stop channels, the web server and the database."""
        if self.announcer is not None:
            await self.announcer.drain()
        if self.leader is not None:
            await self.leader.stop()
        for channel in reversed(self.runnable()):
            try:
                await channel.stop()
            except Exception:  # noqa: BLE001 - keep stopping the others
                log.exception("stopping the %s channel failed", channel.name)
        tasks = list(self._tasks)  # finished menu tasks remove themselves
        for task in tasks:
            task.cancel()
        for task in tasks:
            try:
                await task
            except asyncio.CancelledError:
                pass
        if self._runner is not None:
            await self._runner.cleanup()
        if isinstance(self.dispatcher.flood, RedisFloodGuard):
            await self.dispatcher.flood.close()
        await self.store.close()


def _staff_check(config: AppConfig, store: Store) -> MayUpload:
    """Whether an address is an admin or coordinator (their documents are downloaded for /nhap)."""

    async def may_upload(address: Address) -> bool:
        async with store.unit() as uow:
            return (await resolve(config, uow, address)).is_staff

    return may_upload


def _youth_known(store: Store) -> Callable[[Address], Awaitable[bool]]:
    """Whether a chat already has a youth row (the web chat counts only first consents per address)."""

    async def known(address: Address) -> bool:
        async with store.unit() as uow:
            return await uow.youth.get(address.channel, address.chat_id) is not None

    return known


def _web_counters(
    config: AppConfig, dispatcher: Dispatcher, clock: Clock, secret: bytes
) -> tuple[RedisWindowCounter, RedisWindowCounter] | None:
    """With Redis, the web chat's per-address limits hold across every worker (on the flood guard's pool)."""
    if not isinstance(dispatcher.flood, RedisFloodGuard):
        return None  # each process counts for itself
    web = config.channels.web
    return redis_counters(
        dispatcher.flood.client, web.sessions_per_address, web.consents_per_address, web.limit_window_seconds,
        lambda: clock.now().timestamp(), secret,
    )


async def build_app(
    config: AppConfig, *, clock: Clock | None = None, tagger: Tagger | None | str = "shipped", migrate: bool = True,
    secret: bytes | None = None,
) -> App:
    """Wire every component from the configuration."""
    clock = clock or SystemClock()
    secret = load_secret() if secret is None else secret
    engine = create_engine(config.database.url, **config.database.pool())
    if migrate:
        await upgrade(engine)
    store = Store(engine, secret=secret)
    normalise = None
    if tagger == "shipped":
        tagger, normalise = load_tagger()
    conversation = Conversation(config, tagger, clock, normalise)  # type: ignore[arg-type]
    dispatcher = Dispatcher(store, conversation, clock)
    if config.redis.url is not None:  # one flood budget per chat across every worker
        limits = config.limits
        dispatcher.flood = redis_flood_guard(
            config.redis.url.get_secret_value(), clock, limits.flood_messages, limits.flood_window_seconds,
            secret=secret,
        )
    web_config = config.channels.web
    web_channel = WebChannel(
        dispatcher.handle, secret=secret, frame_ancestors=web_config.frame_ancestors, outbox=WebOutbox(store, clock.now),
        limits=web_config.limits(), known=_youth_known(store), counters=_web_counters(config, dispatcher, clock, secret),
        organizer=config.campaign.organizer, units={u.code.upper(): u.name for u in config.units},
        unit_name=campaign_unit_names(store, config),
    )
    files = FileLinks(
        store, secret, clock, lifetime=timedelta(minutes=web_config.file_link_minutes), zone=config.campaign.zone,
        base_url=lambda: app.public_url(),
    )
    web_channel.files = files
    files.mount(web_channel.app)
    runnables = build_channels(Wiring(config, dispatcher.handle, store, clock, _staff_check(config, store), files))
    channels: dict[str, OutboundChannel] = {c.name: c for c in (web_channel, *runnables)}
    app = App(
        config=config, store=store, dispatcher=dispatcher, web=web_channel, runnables=runnables,
        channels=channels, secret=secret, files=files,
    )
    app.coordination, app.scheduler = build_coordination(
        config, store, app.deliver, clock, lambda: list(app.channels), secret=app.secret
    )
    app.coordination.tagger, app.coordination.normalise = conversation.tagger, conversation.normalise
    if app.scheduler is not None:
        app.leader = _leadership(config, store, app.coordination, app.scheduler)
        # /chien_dich or a new campaign on this worker moves or adds its jobs at once (others follow within a check).
        conversation.admin.seams.campaign_listeners.append(app.scheduler.reschedule)
    dispatcher.outbound = app.deliver  # answers to youth, notices to coordinators (issue #5)
    app.announcer = announcer_for(config, store, app.deliver, clock)
    conversation.admin.seams.announcer = app.announcer
    conversation.admin.seams.role_listeners.append(app.republish_menu)
    _mount_desk(app, conversation.admin.seams, clock)
    PublicPage(store, config).mount(web_channel.app)  # /cong-khai: published answers (issue #18)
    return app


def _mount_desk(app: App, seams: Seams, clock: Clock) -> None:
    """The staff desk under /desk on the web chat's server; /dangnhap links point at it."""
    web_config = app.config.channels.web
    public = web_config.public_url
    desk = Desk(app.store, app.config, clock, seams, app.deliver, app.secret,
                secure=bool(public and public.startswith("https://")),
                lease=timedelta(minutes=app.config.coordination.broadcast.lease_minutes))
    desk.mount(app.web.app)

    def base() -> str | None:
        return app.public_url() if public or app.web_port else None

    seams.desk_url = base


def _leadership(config: AppConfig, store: Store, jobs: CoordinationJobs, scheduler: Scheduler) -> Leadership:
    """The scheduler runs while this process leads; a new leader resumes half-sent broadcasts and
    follows the campaigns admins create or move (/tao_chien_dich, /chien_dich, the desk; on any worker)."""
    lease = timedelta(minutes=config.coordination.broadcast.lease_minutes)
    following: list[asyncio.Task[None]] = []

    async def follow() -> None:
        while True:
            await asyncio.sleep(config.scaling.leader_check_seconds)
            try:
                await scheduler.refresh()
            except Exception:  # noqa: BLE001 - keep following; the next check retries
                log.exception("reading the campaigns failed")

    async def elected() -> None:
        await scheduler.refresh()
        scheduler.start()
        await resume_abandoned(store, jobs, scheduler, lease)
        following.append(asyncio.create_task(follow(), name="campaign-follower"))

    async def lost() -> None:
        for task in following:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        following.clear()
        scheduler.stop()

    return leadership_for(config.database.url, elected, lost, config.scaling.leader_check_seconds)


async def serve(config: AppConfig, stop: asyncio.Event | None = None) -> None:
    """Run until `stop` is set (or forever)."""
    redact_secrets(config)  # before any channel logs a line
    app = await build_app(config)
    await app.start()
    gc.freeze()  # start-up objects (models, schemas, the tagger) live forever: keep them out of collections
    try:
        await (stop or asyncio.Event()).wait()
    finally:
        await app.stop()
