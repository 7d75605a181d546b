"""The web chat's deep links (`?campaign=KEY&unit=CODE`): the unit line the page shows above the chat."""

from collections.abc import Awaitable, Callable

from handlers import campaigns
from handlers.settings import Settings
from storage import Store

UnitName = Callable[[str, str], Awaitable[str | None]]  # (campaign key, unit code) → the unit's name


def campaign_unit_names(store: Store, settings: Settings) -> UnitName:
    """The name of a campaign's unit, read from the registry (campaigns created at run time too)."""

    async def name(campaign: str, code: str) -> str | None:
        async with store.unit() as uow:
            every = await campaigns.every(settings, uow)
        key, unit_code = campaigns.parse_link(f"{campaign}-{code}", every)
        unit = every[key].unit(unit_code) if key is not None and unit_code else None
        return unit.name if unit is not None else None

    return name
