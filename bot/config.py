"""Load config.yaml into frozen pydantic models; environment variables override the file."""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator

from bot.coordination_config import Coordination
from bot.errors import ConfigError
from handlers.coordination.routing import unknown_scope_entries
from handlers.settings import Frozen, Settings

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"


class Database(Frozen):
    """Where data lives, and how many PostgreSQL connections each worker keeps."""

    url: str = "sqlite+aiosqlite:///data/doithoai.db"
    # PostgreSQL only (SQLite's transactions take turns). Each worker keeps pool_size connections
    # open; all workers together, with the leader lock and job store, stay below max_connections.
    pool_size: int = Field(20, ge=1, le=200)
    max_overflow: int = Field(0, ge=0, le=200)

    def pool(self) -> dict[str, int]:
        """Keyword arguments for `storage.create_engine`."""
        return {"pool_size": self.pool_size, "max_overflow": self.max_overflow}


class WebChannel(Frozen):
    """The web chat for the provincial portal."""

    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)
    frame_ancestors: str = "*"
    reuse_port: bool = False  # SO_REUSEPORT: several `serve` processes share one port (WEB_REUSE_PORT=1)


class Redis(Frozen):
    """Optional shared state for several workers (REDIS_URL); without it each process keeps its own."""

    url: SecretStr | None = None  # from the environment only: it may carry a password


class Scaling(Frozen):
    """Running several worker processes on one database."""

    leader_check_seconds: float = Field(5.0, gt=0, le=300)  # how often leadership is tried or checked


class TelegramChannel(Frozen):
    """Telegram bot settings (the token comes only from the environment)."""

    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_path: str = "/telegram/webhook"
    api_base: str | None = None
    token: SecretStr | None = None
    webhook_secret: SecretStr | None = None
    library: Literal["aiogram", "ptb"] = "aiogram"  # which client library runs the bot


class ZaloChannel(Frozen):
    """Zalo Bot Platform settings (token and webhook secret come only from the environment)."""

    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_path: str = "/zalo/webhook"
    api_base: str | None = None
    token: SecretStr | None = None
    webhook_secret: SecretStr | None = None

    @field_validator("webhook_secret")
    @classmethod
    def _secret_length(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not 8 <= len(value.get_secret_value()) <= 256:
            raise ValueError("ZALO_WEBHOOK_SECRET must be 8-256 characters")
        return value


class ZaloOAChannel(Frozen):
    """Zalo Official Account settings (app id and secrets come only from the environment)."""

    webhook_path: str = "/zalo-oa/webhook"
    api_base: str | None = None  # ZALO_OA_API_BASE (tests point it at a fake)
    oauth_base: str | None = None  # ZALO_OA_OAUTH_BASE
    app_id: str | None = None
    secret_key: SecretStr | None = None  # the OA secret key: event signatures
    app_secret: SecretStr | None = None  # the app's secret key: token renewal
    refresh_token: SecretStr | None = None  # the first refresh token only; later ones live in the database
    max_event_age_seconds: int = Field(300, ge=10, le=86_400)  # older signed events are replays
    renew_before_minutes: int = Field(60, ge=1, le=600)  # renew the ~25 h access token this early
    sends_per_second: float = Field(8.0, gt=0, le=100)  # OA publishes no rate: a cautious pace

    @model_validator(mode="after")
    def _all_or_nothing(self) -> "ZaloOAChannel":
        given = [self.app_id is not None, self.secret_key is not None, self.app_secret is not None]
        if any(given) and not all(given):
            raise ValueError("the Zalo OA channel needs ZALO_OA_APP_ID, ZALO_OA_SECRET_KEY and ZALO_OA_APP_SECRET")
        return self

    @property
    def enabled(self) -> bool:
        """Whether the OA channel runs."""
        return self.app_id is not None


class Channels(Frozen):
    """Every channel the process may run."""

    web: WebChannel = WebChannel()
    telegram: TelegramChannel = TelegramChannel()
    zalo: ZaloChannel = ZaloChannel()
    zalo_oa: ZaloOAChannel = ZaloOAChannel()


class AppConfig(Settings):
    """The whole configuration: campaign settings plus runtime wiring."""

    database: Database = Database()
    channels: Channels = Channels()
    coordination: Coordination = Coordination()
    redis: Redis = Redis()
    scaling: Scaling = Scaling()

    @model_validator(mode="after")
    def _known_scopes(self) -> "AppConfig":
        unknown = unknown_scope_entries(self, self.roles.coordinators)
        if unknown:
            raise ValueError(f"roles.coordinators scope: not a topic id or department code: {unknown}")
        return self


def _env_overrides(raw: dict[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    """Apply DATABASE_URL, REDIS_URL, WEB_HOST, WEB_PORT, WEB_REUSE_PORT, the TELEGRAM_* and ZALO_* variables."""
    channels = raw.setdefault("channels", {}) or {}
    raw["channels"] = channels
    web = channels.setdefault("web", {}) or {}
    channels["web"] = web
    telegram = channels.setdefault("telegram", {}) or {}
    channels["telegram"] = telegram
    if env.get("DATABASE_URL"):
        raw.setdefault("database", {})
        raw["database"] = {**(raw["database"] or {}), "url": env["DATABASE_URL"]}
    if env.get("WEB_HOST"):
        web["host"] = env["WEB_HOST"]
    if env.get("WEB_PORT"):
        web["port"] = env["WEB_PORT"]
    if env.get("WEB_REUSE_PORT"):
        web["reuse_port"] = env["WEB_REUSE_PORT"]
    if "url" in (raw.get("redis") or {}):
        raise ConfigError("redis.url: set it with the REDIS_URL environment variable, not in the file")
    if env.get("REDIS_URL"):
        raw["redis"] = {**(raw.get("redis") or {}), "url": env["REDIS_URL"]}
    for key in ("token", "webhook_secret", "api_base"):
        if key in telegram:
            raise ConfigError(f"channels.telegram.{key}: set it with an environment variable, not in the file")
    for var, key in (
        ("TELEGRAM_BOT_TOKEN", "token"),
        ("TELEGRAM_WEBHOOK_SECRET", "webhook_secret"),
        ("TELEGRAM_API_BASE", "api_base"),
        ("TELEGRAM_MODE", "mode"),
        ("TELEGRAM_WEBHOOK_URL", "webhook_url"),
        ("TELEGRAM_LIBRARY", "library"),
    ):
        if env.get(var):
            telegram[key] = env[var]
    _zalo_overrides(channels, env)
    _zalo_oa_overrides(channels, env)
    return raw


def _zalo_overrides(channels: dict[str, Any], env: Mapping[str, str]) -> None:
    """Apply the ZALO_* variables; secrets may not be written in the file."""
    zalo = channels.setdefault("zalo", {}) or {}
    channels["zalo"] = zalo
    for key in ("token", "webhook_secret", "api_base"):
        if key in zalo:
            raise ConfigError(f"channels.zalo.{key}: set it with an environment variable, not in the file")
    for var, key in (
        ("ZALO_BOT_TOKEN", "token"),
        ("ZALO_WEBHOOK_SECRET", "webhook_secret"),
        ("ZALO_API_BASE", "api_base"),
        ("ZALO_MODE", "mode"),
        ("ZALO_WEBHOOK_URL", "webhook_url"),
    ):
        if env.get(var):
            zalo[key] = env[var]


def _zalo_oa_overrides(channels: dict[str, Any], env: Mapping[str, str]) -> None:
    """Apply the ZALO_OA_* variables; the app id and secrets may not be written in the file."""
    oa = channels.setdefault("zalo_oa", {}) or {}
    channels["zalo_oa"] = oa
    for key in ("app_id", "secret_key", "app_secret", "refresh_token", "api_base", "oauth_base"):
        if key in oa:
            raise ConfigError(f"channels.zalo_oa.{key}: set it with an environment variable, not in the file")
    for var, key in (
        ("ZALO_OA_APP_ID", "app_id"),
        ("ZALO_OA_SECRET_KEY", "secret_key"),
        ("ZALO_OA_APP_SECRET", "app_secret"),
        ("ZALO_OA_REFRESH_TOKEN", "refresh_token"),
        ("ZALO_OA_API_BASE", "api_base"),
        ("ZALO_OA_OAUTH_BASE", "oauth_base"),
    ):
        if env.get(var):
            oa[key] = env[var]


def _describe(exc: ValidationError) -> str:
    """Each invalid key with its reason, one per line."""
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        lines.append(f"  {where}: {error['msg']}")
    return "invalid configuration:\n" + "\n".join(lines)


def load_config(
    path: Path | str | None = None,
    env: Mapping[str, str] | None = None,
) -> AppConfig:
    """Parse and validate the configuration (`serve --demo` then moves the campaign: bot/demo.py)."""
    env = os.environ if env is None else env
    source = Path(path) if path else DEFAULT_CONFIG
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read {source}: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: the top level must be a mapping")
    raw = _env_overrides(raw, env)
    try:
        return AppConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{source}: {_describe(exc)}") from exc
