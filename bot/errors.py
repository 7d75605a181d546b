"""Our one error tree: adapters translate library errors into these."""


class DoithoaiError(Exception):
    """Base of every error this project raises on purpose."""


class ConfigError(DoithoaiError):
    """The configuration file or environment is invalid."""


class ChannelError(DoithoaiError):
    """Sending through a channel failed."""


class RecipientUnreachable(ChannelError):
    """The recipient blocked the bot or never started it (Telegram 403)."""


class RateLimited(ChannelError):
    """The platform asked us to slow down."""

    def __init__(self, retry_after: float, message: str = "") -> None:
        super().__init__(message or f"retry after {retry_after}s")
        self.retry_after = retry_after


class TransientChannelError(ChannelError):
    """A 5xx, timeout or network failure worth retrying."""


class PermanentChannelError(ChannelError):
    """A request the platform will never accept (400 …)."""
