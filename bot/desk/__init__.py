"""The staff web desk under /desk on the web chat's server (routes, sessions, pages)."""

from bot.desk.routes import Desk

__all__ = ["Desk"]
