"""Admin and coordinator commands, the answer loop and offline import (issue #5)."""

from handlers.admin.answers import overdue_notices
from handlers.admin.campaign import effective_settings
from handlers.admin.commands import menus
from handlers.admin.context import Announcer, Seams
from handlers.admin.desk import AdminDesk

__all__ = ["AdminDesk", "Announcer", "Seams", "effective_settings", "menus", "overdue_notices"]
