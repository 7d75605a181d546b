"""The public page of published answers (/cong-khai) on the web chat's server (issue #18)."""

from bot.public.routes import PublicPage

__all__ = ["PublicPage"]
