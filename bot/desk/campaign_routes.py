"""The province's admins' desk routes: every campaign at a glance, and «Tạo chiến dịch»."""

from typing import Any

from aiohttp import web

from bot.desk import campaign_pages
from bot.desk.responses import AFTER, CSRF, FORM, html, missing, person, where
from handlers.admin.context import Act, Seams, notify
from handlers.admin.roles import ADMIN
from handlers.desk import campaigns


class CampaignRoutes:
    """Pages wrapped by Desk._page (session, CSRF, one transaction); the listeners run after its commit."""

    def __init__(self, seams: Seams) -> None:
        self.seams = seams

    def _links(self, key: str, units: tuple[str, ...] = ()) -> list[tuple[str, str]]:
        base = self.seams.desk_url() if self.seams.desk_url is not None else None
        return campaigns.deep_links(key, base, units)

    async def overview(self, request: web.Request, act: Act) -> web.StreamResponse:
        """One row per campaign with its counts and links (403 for anyone but the province's admins)."""
        found = await campaigns.overview(act, person(request))
        if found is None:
            return missing(True)
        links = {row.key: self._links(row.key) for row in found}
        return html(campaign_pages.overview_page(found, links, act.actor, request[CSRF], where(request)))

    async def form(self, request: web.Request, act: Act) -> web.StreamResponse:
        """The empty «Tạo chiến dịch» form."""
        real = person(request)
        if not (real.province_wide and real.role == ADMIN):
            await act.audit("tao_chien_dich", detail="desk", allowed=False)
            return missing(True)
        return html(campaign_pages.create_page({}, [], act.actor, request[CSRF], where(request)))

    async def create(self, request: web.Request, act: Act) -> web.StreamResponse:
        """Create the campaign (handlers.campaigns.create validates); then the app's listeners schedule its jobs."""
        real = person(request)
        if not (real.province_wide and real.role == ADMIN):
            await campaigns.create(act, real, {})  # audited as refused
            return missing(True)
        form: Any = request[FORM]
        typed = {k: str(form.get(k, ""))[:4000] for k in campaigns.FORM_FIELDS}
        spec, problems = await campaigns.create(act, real, typed)
        if spec is None:
            return html(campaign_pages.create_page(typed, problems, act.actor, request[CSRF], where(request)), 422)
        campaign = act.settings.province.for_campaign(spec).campaign
        request[AFTER].append(lambda: notify(self.seams.campaign_listeners, campaign))
        links = self._links(spec.key, tuple(u.code for u in spec.units))
        return html(campaign_pages.created_page(spec.key, spec.name, links, act.actor, request[CSRF], where(request)))
