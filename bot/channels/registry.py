"""Every channel besides the web chat: one builder per channel, in start order.

A new channel is one adapter module in bot/channels/ with a `build(wiring)` function, plus one
entry in BUILDERS. A builder returns None when the channel is not configured.
"""

from collections.abc import Callable
from dataclasses import dataclass

from bot.channels.base import MayUpload, RunnableChannel
from bot.channels.polling import StoreInbox
from bot.channels.telegram_aiogram import AiogramChannel, Handle
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_api import ZaloBotAPI
from bot.config import AppConfig
from bot.coordination import pacer_for
from bot.files import FileLinks
from handlers.clock import Clock
from storage import Store


@dataclass(frozen=True)
class Wiring:
    """What a channel builder may use."""

    config: AppConfig
    handle: Handle
    store: Store
    clock: Clock
    may_upload: MayUpload | None = None  # whose documents are downloaded (staff only)
    files: FileLinks | None = None  # files a channel cannot carry, offered as signed links


ChannelBuilder = Callable[[Wiring], RunnableChannel | None]


def _secret(value: object) -> str | None:
    return value.get_secret_value() if value is not None else None  # type: ignore[attr-defined]


def build_telegram(wiring: Wiring) -> RunnableChannel | None:
    """The Telegram adapter chosen by channels.telegram.library, when a token is set; either one
    gets the token's send pacer and the staff check for documents (/nhap)."""
    tg = wiring.config.channels.telegram
    if tg.token is None:
        return None
    options = {
        "api_base": tg.api_base, "mode": tg.mode, "webhook_url": tg.webhook_url,
        "webhook_path": tg.webhook_path, "webhook_secret": _secret(tg.webhook_secret),
    }
    if tg.library == "ptb":
        from bot.channels.telegram_ptb import PtbChannel

        channel: AiogramChannel | PtbChannel = PtbChannel(
            tg.token.get_secret_value(), wiring.handle, **options  # type: ignore[arg-type]
        )
    else:
        channel = AiogramChannel(tg.token.get_secret_value(), wiring.handle, **options)  # type: ignore[arg-type]
    channel.pacer = pacer_for(wiring.config)  # one send budget per bot token: replies and broadcasts
    channel.may_upload = wiring.may_upload
    channel.inbox = StoreInbox(wiring.store, wiring.clock)  # polled updates kept until handled
    return channel


def build_zalo(wiring: Wiring) -> ZaloChannel | None:
    """The Zalo Bot Platform adapter, when ZALO_BOT_TOKEN is set."""
    zc = wiring.config.channels.zalo
    if zc.token is None:
        return None
    api = ZaloBotAPI(zc.token.get_secret_value(), base_url=zc.api_base)
    channel = ZaloChannel(
        api, wiring.handle, mode=zc.mode, webhook_url=zc.webhook_url, webhook_path=zc.webhook_path,
        webhook_secret=_secret(zc.webhook_secret),
    )
    channel.files = wiring.files
    channel.inbox = StoreInbox(wiring.store, wiring.clock)  # polled events kept until handled
    return channel


def build_zalo_oa(wiring: Wiring) -> RunnableChannel | None:
    """The Zalo Official Account adapter, when the ZALO_OA_* variables are set."""
    from bot.channels.zalo_oa import build

    return build(wiring)


BUILDERS: tuple[ChannelBuilder, ...] = (build_telegram, build_zalo, build_zalo_oa)


def build_channels(wiring: Wiring, builders: tuple[ChannelBuilder, ...] = BUILDERS) -> list[RunnableChannel]:
    """The configured channels, in start order."""
    return [channel for builder in builders if (channel := builder(wiring)) is not None]
