"""Load config.yaml into frozen pydantic models; environment variables override the file."""

import os
import re
from collections.abc import Mapping
from urllib.parse import urlsplit
from datetime import time
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator

from bot.channels.web_guard import Limits, origin_of, parse_networks
from bot.coordination_config import Coordination
from bot.errors import ConfigError
from handlers.scope import config_errors
from handlers.settings import Frozen, Settings

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"
TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as a webhook secret_token


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
    frame_ancestors: tuple[str, ...] = ()  # portal origins that may embed the page, besides its own
    reuse_port: bool = False  # SO_REUSEPORT: several `serve` processes share one port (WEB_REUSE_PORT=1)
    # Per client address and window (shared by the workers through Redis when REDIS_URL is set).
    sessions_per_address: int = Field(60, ge=1, le=100_000)
    consents_per_address: int = Field(60, ge=1, le=100_000)
    limit_window_seconds: int = Field(600, ge=1, le=86_400)
    trusted_proxies: tuple[str, ...] = ()  # reverse proxies whose X-Forwarded-For names the client
    # Where staff reach this server (/dangnhap links, links to files their channel cannot carry);
    # None: http://host:port, which only a browser on this machine opens.
    public_url: str | None = None
    file_link_minutes: int = Field(120, ge=5, le=1440)  # how long such a link works

    @field_validator("frame_ancestors")
    @classmethod
    def _origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        wrong = [entry for entry in value if origin_of(entry) is None]
        if wrong:
            raise ValueError(f"not an origin such as https://tinhdoan.example.vn: {wrong}")
        return tuple(origin_of(entry) or entry for entry in value)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        try:
            parse_networks(value)
        except ValueError as exc:
            raise ValueError(f"not an IP address or network: {exc}") from None
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        local = parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1")
        if not (parts.scheme == "https" and parts.hostname or local) or parts.query or parts.fragment:
            raise ValueError(f"must be https://… (or http://localhost for a local run), without ? or #: {value!r}")
        return value.rstrip("/")

    def limits(self) -> Limits:
        """The web channel's per-address limits."""
        return Limits(
            sessions=self.sessions_per_address, consents=self.consents_per_address,
            window_seconds=float(self.limit_window_seconds), trusted_proxies=self.trusted_proxies,
        )


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

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> "TelegramChannel":
        # Without it anyone who finds the URL can post an update "from" an admin's chat id.
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret is not None else ""
        if self.webhook_secret is not None and not TELEGRAM_SECRET.fullmatch(secret):
            raise ValueError("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z a-z 0-9 _ -")
        if self.mode == "webhook" and self.token is not None and self.webhook_secret is None:
            raise ValueError(
                "TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_SECRET (1-256 characters of A-Z a-z 0-9 _ -)"
            )
        return self


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

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> "ZaloChannel":
        if self.mode == "webhook" and self.token is not None and self.webhook_secret is None:
            raise ValueError("ZALO_MODE=webhook needs ZALO_WEBHOOK_SECRET (8-256 characters)")
        return self


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
        errors = config_errors(self, self.roles.coordinators)
        for spec in self.campaigns:  # a local campaign's scopes name its own units
            errors += [f"campaigns.{spec.key}: {e}" for e in config_errors(self.for_campaign(spec), spec.roles.coordinators)]
        if errors:
            raise ValueError("; ".join(errors))
        return self


def _env_overrides(raw: dict[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    """Apply DATABASE_URL, REDIS_URL, WEB_HOST, WEB_PORT, WEB_REUSE_PORT, WEB_PUBLIC_URL, TELEGRAM_* and ZALO_*."""
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
    if env.get("WEB_PUBLIC_URL"):
        web["public_url"] = env["WEB_PUBLIC_URL"]
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
    raw = _read_yaml(source)
    _check_times(source, raw, AppConfig)
    _check_unit_codes(source, raw)
    raw = _env_overrides(raw, env)
    try:
        return AppConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{source}: {_describe(exc)}") from exc


def _read_yaml(source: Path) -> dict[str, Any]:
    """The file's top-level mapping; a syntax error names the file and line."""
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {source}: {exc}") from exc
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(source)
        raise ConfigError(f"{where}: YAML syntax error: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: YAML syntax error: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: the top level must be a mapping")
    return raw


def _check_times(source: Path, raw: Any, model: type[BaseModel], where: str = "") -> None:
    """Refuse an unquoted time: YAML 1.1 reads 17:00 as the number 1020, which would mean 00:17."""
    if not isinstance(raw, dict):
        return
    for name, field in model.model_fields.items():
        value, key = raw.get(name), f"{where}{name}"
        annotation = field.annotation
        if annotation is time and isinstance(value, int) and not isinstance(value, bool):
            raise ConfigError(f'{source}: {key}: write the time in quotes, e.g. {name}: "17:00" '
                              f"(unquoted, YAML reads it as the number {value})")
        nested = _model_of(annotation)
        if nested is not None and isinstance(value, dict):
            _check_times(source, value, nested, f"{key}.")
        elif nested is not None and isinstance(value, list):
            for index, item in enumerate(value):
                _check_times(source, item, nested, f"{key}.{index}.")


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The settings model inside a field's type (the model itself, or a tuple of it)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _check_unit_codes(source: Path, raw: dict[str, Any]) -> None:
    """Unit codes are matched case-insensitively (/start CODE, don_vi=CODE): two may not differ only in case."""
    units = raw.get("units")
    if not isinstance(units, list):
        return
    seen: dict[str, str] = {}
    for unit in units:
        code = unit.get("code") if isinstance(unit, dict) else None
        if not isinstance(code, str):
            continue
        if code.upper() in seen:
            raise ConfigError(f"{source}: units: the code {code!r} appears twice (as {seen[code.upper()]!r} too)")
        seen[code.upper()] = code
