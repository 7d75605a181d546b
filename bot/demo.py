"""`serve --demo`: the campaign moved ahead of today, in its own time zone, with its year and codes."""

import logging
import re
from datetime import date, timedelta

from bot.config import AppConfig
from handlers.clock import Clock
from handlers.settings import Campaign

log = logging.getLogger(__name__)


def demo_config(config: AppConfig, clock: Clock) -> AppConfig:
    """The configuration with the campaign moved `demo_days_ahead` days past today (campaign time zone)."""
    before = config.campaign
    today = clock.now().astimezone(before.zone).date()
    after = moved_campaign(before, today)
    log.info(
        "demo: dialogue moved from %s to %s (today is %s in %s); deadline now the end of %s; "
        "campaign year %s, receipt prefix %s",
        before.dialogue_date, after.dialogue_date, today, before.timezone, after.deadline_date,
        after.dialogue_date.year, after.receipt_prefix,
    )
    return config.model_copy(update={"campaign": after})


def moved_campaign(campaign: Campaign, today: date) -> Campaign:
    """The campaign with its dialogue `demo_days_ahead` days after `today`.

    The seed's year follows the moved date: every standalone occurrence of the old dialogue year in
    the name, theme and organizer becomes the new year, and so does a receipt prefix that ends in the
    old year (ST2023 → ST2027). A prefix without that year is kept as it is.
    """
    dialogue = today + timedelta(days=campaign.demo_days_ahead)
    old, new = str(campaign.dialogue_date.year), str(dialogue.year)
    year = re.compile(rf"(?<!\d){old}(?!\d)")
    update: dict[str, object] = {"dialogue_date": dialogue}
    if old != new:
        for field in ("name", "theme", "organizer"):
            update[field] = year.sub(new, getattr(campaign, field))
        if campaign.receipt_prefix.endswith(old):
            update["receipt_prefix"] = campaign.receipt_prefix[: -len(old)] + new
    return Campaign.model_validate({**campaign.model_dump(), **update})
