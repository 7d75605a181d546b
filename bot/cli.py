"""The `doithoai` command: serve, migrate, nlp."""

import argparse
import asyncio
import logging
import signal
import sys
from bot.config import AppConfig, load_config
from bot.errors import ConfigError
from bot.logsetup import configure as configure_logging
from handlers.clock import Clock, SystemClock

log = logging.getLogger("doithoai")


def _config(args: argparse.Namespace, clock: Clock | None = None) -> AppConfig:
    """The configuration; with --demo, the campaign moved ahead of today in its own time zone."""
    config = load_config(args.config)
    if getattr(args, "demo", False):
        from bot.demo import demo_config

        config = demo_config(config, clock or SystemClock())
    return config


async def _serve(config: AppConfig) -> None:
    from bot.app import serve

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await serve(config, stop)


async def _migrate(config: AppConfig) -> None:
    from storage import create_engine
    from storage.migrate import upgrade

    engine = create_engine(config.database.url, **config.database.pool())
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def _corrections(config_path: str | None) -> list[tuple[str, str]]:
    """Coordinator topic corrections stored in the database, as (text, label)."""
    from storage import Store, create_engine
    from storage.migrate import upgrade

    async def read() -> list[tuple[str, str]]:
        store = Store(create_engine(load_config(config_path).database.url))
        try:
            await upgrade(store.engine)
            async with store.unit() as uow:
                return await uow.questions.corrections(include_youth=False)
        finally:
            await store.close()

    return asyncio.run(read())


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    top = argparse.ArgumentParser(prog="doithoai", description="Tiếp nhận câu hỏi đối thoại với thanh niên")
    top.add_argument("--config", default=None, help="path to config.yaml (default: the shipped one)")
    top.add_argument("--log-level", default="INFO")
    sub = top.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run every configured channel (web chat always)")
    serve.add_argument("--config", default=argparse.SUPPRESS, help="path to config.yaml")
    serve.add_argument("--demo", action="store_true", help="move the dialogue (and its year) ahead of today")
    migrate = sub.add_parser("migrate", help="bring the database schema up to date")
    migrate.add_argument("--config", default=argparse.SUPPRESS, help="path to config.yaml")
    try:
        from nlp.cli import register
    except ImportError:
        log.debug("nlp commands unavailable")
    else:
        register(sub, lambda: _corrections(getattr(top.parse_known_args()[0], "config", None)))
    return top


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `doithoai` console script."""
    args = parser().parse_args(argv)
    configure_logging(args.log_level)
    try:
        if args.command == "serve":
            asyncio.run(_serve(_config(args)))
        elif args.command == "migrate":
            asyncio.run(_migrate(_config(args)))
        else:
            return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"doithoai: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
