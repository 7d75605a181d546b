"""The desk's HTTP routes: login links, session cookie, CSRF, and pages calling handlers/desk."""

import asyncio
import hmac
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import BodyPartReader, web
from sqlalchemy.exc import IntegrityError

from bot.desk import announce_pages, campaign_pages, pages
from bot.desk.campaign_routes import CampaignRoutes
from bot.desk.question_pages import question_list, question_page
from bot.desk.responses import AFTER, CSRF, FORM, NO_STORE, REAL, WHERE, html as _html, missing as _missing
from bot.desk.responses import person, where as _where
from bot.dispatcher import duplicate_update
from bot.errors import ChannelError
from handlers.admin.campaign import effective_settings
from handlers.admin.args import looks_like_code
from handlers.admin.context import Act, Seams
from handlers.admin.stats import scoped_questions
from handlers.clock import Clock
from handlers.coordination.chart import render_chart
from bot.desk.admin_pages import admin_page
from handlers.admin import texts as admin_texts
from handlers.admin.roles import ADMIN
from handlers.desk import actions, admin as desk_admin, announcements as desk_announcements, listing, sessions, texts
from handlers.desk import campaigns as desk_campaigns
from handlers.desk.campaigns import CHOICE
from handlers.types import Attachment
from handlers.scope import covers
from handlers.settings import Settings
from handlers.types import Address, Reply
from storage import Question, Store, UnitOfWork
from storage.secret import pseudonym

COOKIE = "desk_session"
STATIC = Path(__file__).resolve().parent / "static"
Deliver = Callable[[Address, Reply], Awaitable[None]]
Page = Callable[[web.Request, Act], Awaitable[web.StreamResponse]]
PUBLICATION = {"cong-khai": "cong_khai", "bo-cong-khai": "bo_cong_khai"}  # actions of handlers/admin/publication.py
DESK = "desk"  # the "channel" of desk form tokens among the processed updates
ONCE_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
log = logging.getLogger(__name__)


def _once(form: Any) -> str | None:
    """The form's one-time token (pages.csrf_field), if it carries a well-formed one."""
    value = str(form.get(pages.ONCE, "")) if form is not None else ""
    return value if ONCE_TOKEN.fullmatch(value) else None


def _already_done() -> web.Response:
    """The answer to a form posted a second time."""
    log.info("desk: a form posted again was not acted on twice")
    return _html(pages.message(texts.ALREADY_DONE_TITLE, [texts.ALREADY_DONE]), 409)


async def _form(request: web.Request) -> dict[str, Any]:
    """A posted form: fields as text, a file as an Attachment (multipart read here, within the import's cap)."""
    if request.content_type != "multipart/form-data":
        return {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
    fields: dict[str, Any] = {}
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        data = bytearray()
        while chunk := await part.read_chunk():
            data += chunk
            if len(data) > desk_admin.MAX_UPLOAD:
                raise Oversize()
        if part.filename:
            fields[part.name] = Attachment(part.filename[:120], bytes(data), part.headers.get("Content-Type", ""))
        else:
            fields[part.name] = data.decode("utf-8", "replace")
    return fields


class Oversize(Exception):
    """An upload over the import's limit."""


def _said(act: Act) -> list[Reply]:
    """The replies to the person on the page (shown there), taken out of what is delivered."""
    said = [r for r in act.replies if r.address is None or r.address == act.actor.address]
    act.replies = [r for r in act.replies if r not in said]
    return said


def _no_campaign(refused: str) -> web.Response:
    """403 for a campaign not the person's, 404 for a key no campaign has."""
    if refused == "forbidden":
        log.info("desk: a page of another campaign refused")
        return _html(pages.message(texts.FORBIDDEN_TITLE, [texts.FORBIDDEN], "error"), 403)
    return _html(pages.message(texts.NOT_FOUND, [texts.CAMPAIGN_UNKNOWN], "error"), 404)


async def _question(uow: UnitOfWork, request: web.Request) -> Question | None:
    """The question a /desk/cau-hoi/{code} page is about (its campaign is the page's), if any."""
    code = request.match_info.get("code", "")
    return await uow.questions.by_code(code) if looks_like_code(code) else None


class Desk:
    """Serves /desk; every page resolves the session (and the person's role) afresh."""

    def __init__(self, store: Store, settings: Settings, clock: Clock, seams: Seams, deliver: Deliver,
                 secret: bytes, secure: bool, lease: timedelta = timedelta(minutes=10)) -> None:
        self.store, self.settings, self.clock, self.seams = store, settings, clock, seams
        self.deliver, self.secret, self.secure = deliver, secret, secure
        self.lease = lease  # the announcer's: a kept run whose claims are older has no live run

    def mount(self, app: web.Application) -> None:
        """Add the desk's routes to the web server."""
        add = app.router.add_route
        add("GET", "/desk/login", self.login_page)
        add("POST", "/desk/login", self.login)
        add("POST", "/desk/logout", self.logout)
        add("GET", "/desk", self._page(self.overview))
        add("GET", "/desk/chart.png", self._page(self.chart))
        add("GET", "/desk/cau-hoi", self._page(self.questions))
        add("GET", "/desk/cau-hoi/xuat.{kind:xlsx|csv}", self._page(self.export))
        add("GET", "/desk/cau-hoi/{code}", self._page(self.question))
        for action in ("gan-chu-de", "tra-loi", "da-xem", *PUBLICATION):
            add("POST", f"/desk/cau-hoi/{{code}}/{action}", self._page(self.act_on, post=True))
        add("GET", "/desk/quan-tri", self._page(self.admin))
        add("POST", "/desk/quan-tri/lenh", self._page(self.admin_command, post=True))
        add("POST", "/desk/quan-tri/nut", self._page(self.admin_button, post=True))
        add("POST", "/desk/quan-tri/nhap", self._page(self.admin_import, post=True))
        add("GET", announce_pages.PATH, self._page(self.announcements))
        add("POST", announce_pages.RESUME_PATH, self._page(self.announce_resume, post=True))
        campaigns = CampaignRoutes(self.seams)
        add("GET", campaign_pages.PATH, self._page(campaigns.overview))
        add("GET", campaign_pages.CREATE_PATH, self._page(campaigns.form))
        add("POST", campaign_pages.CREATE_PATH, self._page(campaigns.create, post=True))
        app.router.add_static("/desk/static", STATIC)

    def csrf(self, token: str) -> str:
        """The session-bound CSRF token its forms carry."""
        return pseudonym(self.secret, "desk-csrf", token)[:32]

    # --- login ------------------------------------------------------------------

    async def login_page(self, request: web.Request) -> web.Response:
        """The link from /dangnhap: checked but not spent (previews GET links), a button spends it."""
        token = request.query.get("token", "")
        async with self.store.unit() as uow:
            refused = await sessions.link_refusal(uow, token, self.clock.now())
        return self._refused(refused) if refused else _html(pages.login_confirm(token))

    async def login(self, request: web.Request) -> web.Response:
        """Spend the link and set the session cookie."""
        token = str((await request.post()).get("token", ""))
        async with self.store.unit() as uow:
            settings = await effective_settings(self.settings, uow)
            opened = await sessions.open_link(uow, settings, token, self.clock.now())
        if opened.token is None:
            return self._refused(opened.refused)
        response = web.Response(status=303, headers={"Location": "/desk", **NO_STORE})
        response.set_cookie(COOKIE, opened.token, path="/desk", httponly=True, samesite="Strict",
                            secure=self.secure, max_age=int(sessions.ABSOLUTE_LIMIT.total_seconds()))
        return response

    def _refused(self, key: str) -> web.Response:
        log.info("desk login link refused: %s", key)
        lines = [texts.LOGIN_REFUSED.get(key, texts.LOGIN_REFUSED["forged"]), texts.LOGIN_AGAIN]
        return _html(pages.message(texts.LOGIN_REFUSED_TITLE, lines, "error"), 410 if key in ("used", "expired") else 403)

    async def logout(self, request: web.Request) -> web.Response:
        """End this session; the cookie goes too."""
        token = request.cookies.get(COOKIE, "")
        form = await request.post()
        if not hmac.compare_digest(str(form.get("csrf", "")), self.csrf(token)):
            return _html(pages.message(texts.FORBIDDEN_TITLE, [texts.CSRF], "error"), 403)
        async with self.store.unit() as uow:
            await sessions.logout(uow, token)
        response = _html(pages.message(texts.LOGOUT, [texts.SIGNED_OUT, texts.LOGIN_AGAIN]))
        response.del_cookie(COOKIE, path="/desk")
        return response

    # --- signed-in pages ----------------------------------------------------------

    def _page(self, page: Page, post: bool = False) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """Wrap a page: a live session, the CSRF check on posts, one transaction, then deliveries."""

        async def handler(request: web.Request) -> web.StreamResponse:
            token = request.cookies.get(COOKIE, "")
            try:
                form = await _form(request) if post else None
            except Oversize:
                mb = desk_admin.MAX_UPLOAD // (1024 * 1024)
                return _html(pages.message(texts.FORBIDDEN_TITLE, [texts.UPLOAD_TOO_LARGE.format(mb=mb)], "error"), 413)
            if form is not None and not hmac.compare_digest(str(form.get("csrf", "")), self.csrf(token)):
                log.warning("desk: a post without a valid CSRF token refused")
                return _html(pages.message(texts.FORBIDDEN_TITLE, [texts.CSRF], "error"), 403)
            try:
                return await self._signed_in(request, page, token, form)
            except Exception:  # noqa: BLE001 - one boundary per request: a Vietnamese page, not a traceback
                log.exception("desk: unexpected error on %s", request.path)
                return _html(pages.message(texts.ERROR_TITLE, [texts.ERROR], "error"), 500)

        return handler

    async def _signed_in(self, request: web.Request, page: Page, token: str, form: Any) -> web.StreamResponse:
        """Resolve the session, run the page in one transaction, then deliver to others.

        A form acts once: its one-time token is recorded with the action, as a chat update's id is
        (storage/updates.py), so a reload that posts it again, or a double click, changes nothing
        and sends no youth a second answer.
        """
        now = self.clock.now()
        once = _once(form)
        try:
            async with self.store.unit() as uow:
                settings = await effective_settings(self.settings, uow)
                actor = await sessions.current(uow, settings, token, now)
                if actor is None:
                    response: web.StreamResponse = _html(
                        pages.message(texts.SESSION_OVER, [texts.LOGIN_AGAIN], "error"), 401)
                    response.del_cookie(COOKIE, path="/desk")
                    return response
                if once is not None and await uow.updates.replies_for(DESK, once) is not None:
                    return _already_done()
                wanted = request.query.get(CHOICE, "")[:32] or None
                chosen = await desk_campaigns.choose(settings, uow, actor, wanted, await _question(uow, request))
                if chosen.settings is None:
                    return _no_campaign(chosen.refused)
                act = actions.desk_act(uow, chosen.settings, now, chosen.actor, self.seams)
                request[CSRF], request[FORM], request[WHERE], request[REAL] = self.csrf(token), form, chosen.where, actor
                request[AFTER] = []
                response = await page(request, act)
                if once is not None:
                    await uow.updates.record(DESK, once, str(actor.address), [], now)
        except IntegrityError as exc:
            if not duplicate_update(exc):
                raise
            return _already_done()  # its twin committed first; this one was rolled back whole
        await self._deliver([r for r in act.replies if r.address is not None and r.address != actor.address])
        for hook in request[AFTER]:
            hook()
        return response

    async def _deliver(self, replies: list[Reply]) -> None:
        """Answers to youth, notices to coordinators: after the commit, as the dispatcher does."""
        for reply in replies:
            assert reply.address is not None
            try:
                await self.deliver(reply.address, reply)
            except ChannelError as exc:
                log.info("desk: a reply to a chat on %s not delivered: %s", reply.address.channel, type(exc).__name__)

    async def overview(self, request: web.Request, act: Act) -> web.StreamResponse:
        """The campaign overview of the person's scope."""
        view = await actions.campaign(act)
        return _html(pages.overview(view, act.actor, request[CSRF], _where(request)))

    async def chart(self, request: web.Request, act: Act) -> web.StreamResponse:
        """The digest's chart of the person's scope, as PNG."""
        mine = await scoped_questions(act)
        png = await asyncio.to_thread(render_chart, act.settings, mine)
        return web.Response(body=png, content_type="image/png", headers=NO_STORE)

    async def questions(self, request: web.Request, act: Act) -> web.StreamResponse:
        """The filtered list."""
        filters = listing.parse(act.settings, request.query)
        number = int(request.query["trang"]) if request.query.get("trang", "").isdigit() else 1
        page = listing.page(act.settings, filters, await scoped_questions(act), number)
        await act.audit("desk_danh_sach", detail=" ".join(f"{k}={v}" for k, v in filters.values.items())[:200])
        return _html(question_list(act.settings, filters, page, act.actor, request[CSRF], _where(request)))

    async def export(self, request: web.Request, act: Act) -> web.StreamResponse:
        """The filtered view as .xlsx or .csv (the /xuat builders)."""
        filters = listing.parse(act.settings, request.query)
        chosen = listing.page(act.settings, filters, await scoped_questions(act), 1).matched
        xlsx, csv = await actions.export_files(act, chosen, " ".join(f"{k}={v}" for k, v in filters.values.items()))
        file = xlsx if request.match_info["kind"] == "xlsx" else csv
        disposition = f'attachment; filename="{file.filename}"'
        return web.Response(body=file.content, content_type=file.mime_type,
                            headers={**NO_STORE, "Content-Disposition": disposition})

    async def question(self, request: web.Request, act: Act, said: list[str] | None = None) -> web.StreamResponse:
        """One question, or 403 when out of the person's scope."""
        found, forbidden = await actions.in_scope(act, request.match_info["code"], "xem")
        if found is None:
            return _missing(forbidden)
        detail = await actions.detail(act, found)
        return _html(question_page(act.settings, detail, act.actor, request[CSRF], said or [], _where(request)))

    async def act_on(self, request: web.Request, act: Act) -> web.StreamResponse:
        """Retag, answer or mark reviewed; the page shows what the handler said."""
        action = request.path.rsplit("/", 1)[1]
        name = {"gan-chu-de": "gan_chu_de", "tra-loi": "tra_loi", **PUBLICATION}.get(action, "xem_lai")
        found, forbidden = await actions.in_scope(act, request.match_info["code"], name)
        if found is None:
            return _missing(forbidden)
        form: Any = request[FORM]
        if action == "gan-chu-de":
            await actions.retag(act, found, str(form.get("chu_de", "")))
        elif action == "tra-loi":
            await actions.answer(act, found, str(form.get("noi_dung", ""))[:3500], bool(form.get("tuong_tu")))
        elif action == "cong-khai":
            await actions.publish(act, found, str(form.get("noi_dung_cong_khai", ""))[:3600])
        elif action == "bo-cong-khai":
            await actions.unpublish(act, found)
        else:
            await actions.reviewed(act, found)
        said, _ = actions.outcome(act)
        act.replies = [r for r in act.replies if r.address is not None and r.address != act.actor.address]
        if not covers(act.actor.scope, found):  # retagged out of this person's scope: say so, no 403
            return _html(pages.layout(texts.NAV_QUESTIONS, pages.notes(said), act.actor, request[CSRF],
                                      where=_where(request)))
        return await self.question(request, act, said)

    # --- admins --------------------------------------------------------------------

    async def admin(self, request: web.Request, act: Act, announced: bool = False) -> web.StreamResponse:
        """The admin page (403 for coordinators)."""
        if act.actor.role != ADMIN:
            await act.audit("desk_quan_tri", allowed=False)
            return _missing(True)
        said = _said(act)
        audit = await desk_admin.audit_log(act, staff=await desk_campaigns.own_staff(act, person(request)))
        return _html(admin_page(act.settings, act.actor, request[CSRF], said, audit, announced, _where(request)))

    async def announcements(self, request: web.Request, act: Act) -> web.StreamResponse:
        """Each /thongbao with its progress (403 for coordinators)."""
        if act.actor.role != ADMIN:
            await act.audit("desk_thong_bao", allowed=False)
            return _missing(True)
        said = [r.text for r in _said(act)]
        items = await desk_announcements.announcements(act, self.lease, await desk_campaigns.own_staff(act, person(request)))
        return _html(announce_pages.announcements_page(act.settings, items, act.actor, request[CSRF], said,
                                                       _where(request)))

    async def announce_resume(self, request: web.Request, act: Act) -> web.StreamResponse:
        """«Tiếp tục gửi» of a paused announcement (admins only)."""
        if act.actor.role != ADMIN:
            await act.audit(desk_announcements.RESUMED, allowed=False)
            return _missing(True)
        run = str(request[FORM].get("run", ""))[:64]  # type: ignore[attr-defined]
        await desk_announcements.resume(act, run, self.lease, await desk_campaigns.own_staff(act, person(request)))
        return await self.announcements(request, act)

    async def admin_command(self, request: web.Request, act: Act) -> web.StreamResponse:
        """One command from its form."""
        form: Any = request[FORM]
        await desk_admin.run_command(act, str(form.get("lenh", ""))[:32], str(form.get("tham_so", ""))[:4000])
        return await self.admin(request, act)

    async def admin_button(self, request: web.Request, act: Act) -> web.StreamResponse:
        """A reply's button (an announcement's confirmation)."""
        await desk_admin.press(act, str(request[FORM].get("data", ""))[:64])  # type: ignore[attr-defined]
        sent = admin_texts.ANNOUNCE_SENT.split("{", 1)[0]
        return await self.admin(request, act, announced=any(r.text.startswith(sent) for r in act.replies))

    async def admin_import(self, request: web.Request, act: Act) -> web.StreamResponse:
        """The uploaded file, as /nhap takes it."""
        file = request[FORM].get("tep")  # type: ignore[attr-defined]
        if isinstance(file, Attachment):
            await desk_admin.upload(act, file)
        else:
            act.say(admin_texts.IMPORT_NEED_FILE)
        return await self.admin(request, act)
