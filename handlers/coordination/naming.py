"""How scheduled messages name their campaign: a local campaign's are headed by its name, the
province's read exactly as they always did (issue #18)."""

from handlers.coordination import texts
from handlers.settings import Settings
from storage.models import PRIMARY_CAMPAIGN


def is_local(settings: Settings) -> bool:
    """Whether `settings` describe a local campaign (not the province's)."""
    return settings.key != PRIMARY_CAMPAIGN


def named(settings: Settings, text: str) -> str:
    """The text headed by the campaign's name when it is a local campaign's."""
    if not is_local(settings):
        return text
    return texts.CAMPAIGN_LINE.format(campaign=settings.campaign.name) + "\n" + text


def stamped(settings: Settings, stamp: str) -> str:
    """A file name's time stamp, with the campaign's key first when it is a local campaign's."""
    return f"{settings.key}-{stamp}" if is_local(settings) else stamp
