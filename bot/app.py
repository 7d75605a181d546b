"""Assembly: config → storage → tagger → conversation → dispatcher → channels, and the run loop."""

import asyncio
import logging
from dataclasses import dataclass, field

from aiohttp import web

from bot.channels.base import OutboundChannel
from bot.channels.telegram_aiogram import AiogramChannel
from bot.channels.web import WebChannel
from bot.config import AppConfig
from bot.dispatcher import Dispatcher
from bot.errors import RecipientUnreachable
from handlers.clock import Clock, SystemClock
from handlers.conversation import Conversation
from handlers.tagging import Tagger
from handlers.types import Address, Reply
from storage import Store, create_engine
from storage.migrate import upgrade

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
    telegram: AiogramChannel | None = None
    channels: dict[str, OutboundChannel] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    web_port: int | None = None

    async def deliver(self, address: Address, reply: Reply) -> None:
        """Send a reply to anyone on the channel they use (raises bot.errors.ChannelError)."""
        channel = self.channels.get(address.channel)
        if channel is None:
            raise RecipientUnreachable(f"channel {address.channel!r} is not running")
        await channel.send(address, reply)

    async def start(self) -> None:
        """Open the web server and start each configured channel."""
        channels = self.config.channels
        if self.telegram is not None:
            tg = channels.telegram
            secret = tg.webhook_secret.get_secret_value() if tg.webhook_secret else None
            if tg.mode == "webhook":
                self.telegram.mount_webhook(self.web.app, tg.webhook_path, secret)
        self._runner = web.AppRunner(self.web.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, channels.web.host, channels.web.port)
        await site.start()
        self.web_port = self._runner.addresses[0][1]
        log.info("web chat on http://%s:%s/", channels.web.host, self.web_port)
        if self.telegram is not None:
            tg = channels.telegram
            if tg.mode == "webhook" and tg.webhook_url:
                secret = tg.webhook_secret.get_secret_value() if tg.webhook_secret else None
                await self.telegram.set_webhook(tg.webhook_url, secret)
                log.info("telegram webhook set")
            elif tg.mode == "polling":
                self._tasks.append(asyncio.create_task(self.telegram.run_polling(), name="telegram-polling"))
                log.info("telegram polling started")

    async def stop(self) -> None:
        """Stop channels, the web server and the database."""
        if self.telegram is not None:
            await self.telegram.stop_polling()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except asyncio.CancelledError:
                pass
        if self.telegram is not None:
            await self.telegram.close()
        if self._runner is not None:
            await self._runner.cleanup()
        await self.store.close()


async def build_app(
    config: AppConfig, *, clock: Clock | None = None, tagger: Tagger | None | str = "shipped", migrate: bool = True
) -> App:
    """Wire every component from the configuration."""
    clock = clock or SystemClock()
    engine = create_engine(config.database.url)
    if migrate:
        await upgrade(engine)
    store = Store(engine)
    normalise = None
    if tagger == "shipped":
        tagger, normalise = load_tagger()
    conversation = Conversation(config, tagger, clock, normalise)  # type: ignore[arg-type]
    dispatcher = Dispatcher(store, conversation, clock)
    web_channel = WebChannel(dispatcher.handle, frame_ancestors=config.channels.web.frame_ancestors)
    telegram = None
    tg = config.channels.telegram
    if tg.token is not None:
        telegram = AiogramChannel(tg.token.get_secret_value(), dispatcher.handle, api_base=tg.api_base)
    channels: dict[str, OutboundChannel] = {}
    if telegram is not None:
        channels[telegram.name] = telegram
    return App(
        config=config, store=store, dispatcher=dispatcher, web=web_channel, telegram=telegram, channels=channels
    )


async def serve(config: AppConfig, stop: asyncio.Event | None = None) -> None:
    """Run until `stop` is set (or forever)."""
    app = await build_app(config)
    await app.start()
    try:
        await (stop or asyncio.Event()).wait()
    finally:
        await app.stop()
