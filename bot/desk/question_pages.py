"""The question list (filters, groups, pages) and one question's page with its actions."""

from handlers.admin import texts as admin_texts
from handlers.admin.roles import Actor
from handlers.coordination.routing import departments_for
from handlers.desk import texts
from handlers.desk.actions import Detail
from handlers.desk.campaigns import CHOICE, Where
from handlers.desk.listing import Filters, Group, Page, stamp
from handlers.settings import Settings
from handlers.texts import STATUS
from bot.public.routes import public_path
from bot.desk.pages import csrf_field, e, layout, link, notes


def _select(name: str, label: str, options: list[tuple[str, str]], chosen: str) -> str:
    items = [f'<option value="">{e(texts.F_ANY)}</option>'] + [
        f'<option value="{e(v)}"{" selected" if v == chosen else ""}>{e(t)}</option>' for v, t in options
    ]
    return f'<div><label for="f-{name}">{e(label)}</label><select id="f-{name}" name="{name}">{"".join(items)}</select></div>'


def _input(name: str, label: str, kind: str, value: str) -> str:
    return f'<div><label for="f-{name}">{e(label)}</label><input id="f-{name}" name="{name}" type="{kind}" value="{e(value)}"></div>'


def _check(name: str, label: str, on: bool) -> str:
    checked = " checked" if on else ""
    return f'<div><label class="inline"><input type="checkbox" name="{name}" value="1"{checked}>{e(label)}</label></div>'


def filter_form(settings: Settings, filters: Filters, where: Where | None = None) -> str:
    """The filters as a GET form (bookmarkable, no CSRF needed: it changes nothing)."""
    v = filters.values
    fields = [
        _input("q", texts.F_SEARCH, "search", v.get("q", "")),
        _select("chu_de", texts.F_TOPIC, [(t.id, t.short) for t in settings.topics], v.get("chu_de", "")),
        _select("don_vi", texts.F_UNIT, [(u.code, u.name) for u in settings.units], v.get("don_vi", "")),
        _select("co_quan", texts.F_DEPARTMENT, [(d.code, d.name) for d in settings.departments], v.get("co_quan", "")),
        _select("trang_thai", texts.F_STATUS, list(STATUS.items()), v.get("trang_thai", "")),
        _input("tu", texts.F_FROM, "date", v.get("tu", "")),
        _input("den", texts.F_TO, "date", v.get("den", "")),
        _check("xem_lai", texts.F_REVIEW, filters.review),
        _check("tre", texts.F_LATE, filters.late),
        f'<div><button type="submit">{e(texts.F_APPLY)}</button></div>',
    ]
    fields += [f'<input type="hidden" name="{CHOICE}" value="{e(v)}">' for v in (where.params() if where else {}).values()]
    return f'<form method="get" action="/desk/cau-hoi" class="filters" aria-label="{e(texts.FILTERS)}">{"".join(fields)}</form>'


def _row(settings: Settings, group: Group) -> str:
    q = group.question
    topic = settings.topic(q.topic or "khac")
    unit = settings.unit(q.unit_code or "")
    flags = [texts.FLAG_REVIEW] if q.needs_review else []
    flags += [texts.FLAG_LATE] if q.late else []
    similar = f'<br><span class="muted">{e(texts.SIMILAR.format(count=len(group.similar) + 1))}</span>' if group.similar else ""
    return (
        f'<tr><td><a href="/desk/cau-hoi/{e(q.code)}">{e(q.code)}</a></td>'
        f'<td class="wide">{e(stamp(settings, q.created_at))}</td><td>{e(topic.short if topic else q.topic)}</td>'
        f'<td class="wide">{e(unit.name if unit else q.unit_code or "—")}</td>'
        f'<td>{e(STATUS.get(q.status, q.status))} <span class="flag">{e(", ".join(flags))}</span></td>'
        f"<td>{e(q.text_raw[:160])}{similar}</td></tr>"
    )


def question_list(settings: Settings, filters: Filters, page: Page, actor: Actor, csrf: str,
                  where: Where | None = None) -> str:
    """The filtered, grouped, paginated list with its export links."""
    bad = notes([texts.F_BAD.format(names=", ".join(filters.bad))], "error") if filters.bad else ""
    params = dict(filters.values)
    exports = (
        f'<p>{e(texts.FOUND.format(count=len(page.matched)))} · '
        f'<a href="{link("/desk/cau-hoi/xuat.xlsx", where, params)}">{e(texts.EXPORT_XLSX)}</a> · '
        f'<a href="{link("/desk/cau-hoi/xuat.csv", where, params)}">{e(texts.EXPORT_CSV)}</a></p>'
    )
    if page.groups:
        head = "".join(f'<th scope="col"{w}>{e(h)}</th>' for h, w in (
            (texts.COL_CODE, ""), (texts.COL_TIME, ' class="wide"'), (texts.COL_TOPIC, ""),
            (texts.COL_UNIT, ' class="wide"'), (texts.COL_STATUS, ""), (texts.COL_TEXT, "")))
        rows = "".join(_row(settings, g) for g in page.groups)
        table = f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    else:
        table = f"<p>{e(texts.NONE_FOUND)}</p>"
    links = []
    if page.number > 1:
        links.append(f'<a href="{link("/desk/cau-hoi", where, {**params, "trang": str(page.number - 1)})}">{e(texts.PREVIOUS)}</a>')
    links.append(f"<span>{e(texts.PAGE.format(page=page.number, pages=page.pages))}</span>")
    if page.number < page.pages:
        links.append(f'<a href="{link("/desk/cau-hoi", where, {**params, "trang": str(page.number + 1)})}">{e(texts.NEXT)}</a>')
    body = filter_form(settings, filters, where) + bad + exports + table + f'<nav class="pages">{"".join(links)}</nav>'
    return layout(texts.NAV_QUESTIONS, body, actor, csrf, where=where, path="/desk/cau-hoi")


def _history(settings: Settings, detail: Detail) -> str:
    def topic(tid: str | None) -> str:
        found = settings.topic(tid or "khac")
        return found.short if found else (tid or "—")

    def who(written: str) -> str:
        return detail.names.get(written, written)

    lines = [texts.H_RETAG.format(time=stamp(settings, c.created_at), by=who(c.by), old=topic(c.old_topic),
                                  new=topic(c.new_topic)) for c in detail.corrections]
    lines += [texts.H_AUDIT.format(time=stamp(settings, a.created_at), actor=who(a.actor), action=a.action,
                                   detail=f" ({a.detail})" if a.detail else "") for a in detail.audit]
    return "<ul>" + "".join(f"<li>{e(line)}</li>" for line in lines) + "</ul>"


def _answer(settings: Settings, detail: Detail) -> str:
    answer = detail.answer
    if answer is None:
        return f"<p>{e(texts.Q_NO_ANSWER)}</p>"
    by = texts.Q_ANSWERED_BY.format(by=answer.answerer_name or answer.answered_by, time=stamp(settings, answer.created_at))
    comment = f"<p>{e(texts.Q_COMMENT.format(comment=answer.comment))}</p>" if answer.comment else ""
    rating = texts.Q_RATING.get(answer.rating or "", "")
    return f'<p class="text">{e(answer.text)}</p><p class="muted">{e(by)}</p><p id="rating">{e(rating)}</p>{comment}'


def _actions(settings: Settings, detail: Detail, csrf: str) -> str:
    code = e(detail.question.code)
    options = "".join(
        f'<option value="{e(t.id)}"{" selected" if t.id == detail.question.topic else ""}>{e(t.short)}</option>'
        for t in settings.topics
    )
    similar = ""
    if detail.similar:
        similar = (f'<p>{e(texts.Q_SIMILAR.format(codes=", ".join(detail.similar)))}</p>'
                   f'<label class="inline"><input type="checkbox" name="tuong_tu" value="1">{e(texts.A_ANSWER_SIMILAR)}</label>')
    reviewed = ""
    if detail.question.needs_review:
        reviewed = (f'<form method="post" action="/desk/cau-hoi/{code}/da-xem">{csrf_field(csrf)}'
                    f'<button type="submit">{e(texts.A_REVIEWED)}</button></form>')
    return (
        f'<section><h2>{e(texts.A_RETAG)}</h2><form method="post" action="/desk/cau-hoi/{code}/gan-chu-de">'
        f'{csrf_field(csrf)}<label for="topic">{e(texts.A_RETAG_TO)}</label>'
        f'<select id="topic" name="chu_de">{options}</select> <button type="submit">{e(texts.A_SAVE)}</button></form>'
        f'{reviewed}</section>'
        f'<section><h2>{e(texts.A_ANSWER)}</h2><form method="post" action="/desk/cau-hoi/{code}/tra-loi">'
        f'{csrf_field(csrf)}<label for="answer">{e(texts.A_ANSWER_TEXT)}</label>'
        f'<textarea id="answer" name="noi_dung" required maxlength="3500"></textarea>{similar}'
        f'<p><button type="submit">{e(texts.A_SEND)}</button></p></form></section>'
    )


def _publication(settings: Settings, detail: Detail, csrf: str) -> str:
    """Consent, approval state, and the approve / withdraw forms (handlers/admin/publication.py checks)."""
    q, code = detail.question, e(detail.question.code)
    if not q.public_ok:
        return f'<section><h2>{e(texts.P_TITLE)}</h2><p>{e(texts.P_NO_CONSENT)}</p></section>'
    lines = [f"<p>{e(texts.P_CONSENTED.format(time=stamp(settings, q.public_ok_at or q.created_at)))}</p>"]
    if q.public_at is not None and q.public_text is not None:
        lines.append(f'<p>{e(texts.P_LIVE.format(time=stamp(settings, q.public_at)))}</p>'
                     f'<p class="text" id="public-text">{e(q.public_text)}</p>'
                     f'<form method="post" action="/desk/cau-hoi/{code}/bo-cong-khai">{csrf_field(csrf)}'
                     f'<button type="submit">{e(texts.P_WITHDRAW)}</button></form>')
    else:
        lines.append(f"<p>{e(texts.P_NOT_LIVE)}</p>")
    if detail.answer is None:
        lines.append(f"<p>{e(texts.P_NOT_ANSWERED)}</p>")
    else:
        lines.append(
            f'<form method="post" action="/desk/cau-hoi/{code}/cong-khai">{csrf_field(csrf)}'
            f'<label for="public">{e(texts.P_TEXT)}</label><textarea id="public" name="noi_dung_cong_khai" required '
            f'maxlength="3500">{e(q.public_text or q.text_raw)}</textarea>'
            f'<p><button type="submit">{e(texts.P_APPROVE)}</button> <a href="{e(public_path(settings.key))}">'
            f'{e(texts.P_PAGE)}</a></p></form>'
        )
    return f'<section><h2>{e(texts.P_TITLE)}</h2>{"".join(lines)}</section>'


def question_page(settings: Settings, detail: Detail, actor: Actor, csrf: str, said: list[str],
                  where: Where | None = None) -> str:
    """One question: text, details, the tagger's scores, answer and rating, history, actions."""
    q = detail.question
    unit = settings.unit(q.unit_code or "")
    topic = settings.topic(q.topic or "khac")
    codes = departments_for(settings, q.topic)
    scores = sorted((q.topic_scores or {}).items(), key=lambda kv: -float(kv[1]))
    score_text = ", ".join(
        f"{(settings.topic(k).short if settings.topic(k) else k)} {float(v):.2f}" for k, v in scores[:5]  # type: ignore[union-attr]
    ) or "—"
    flags = ", ".join([texts.FLAG_REVIEW] * q.needs_review + [texts.FLAG_LATE] * q.late)
    facts = [
        (texts.COL_TIME, stamp(settings, q.created_at)),
        (texts.COL_STATUS, STATUS.get(q.status, q.status) + (f" — {flags}" if flags else "")),
        (texts.Q_CHANNEL, admin_texts.CHANNEL_NAMES.get(q.channel, q.channel)),
        (texts.COL_UNIT, unit.name if unit else (q.unit_code or "—")),
        (texts.Q_ASKER, q.asker_name or admin_texts.ANONYMOUS),
        (texts.COL_TOPIC, topic.short if topic else (q.topic or "—")),
        (texts.Q_TOPIC_SOURCE, admin_texts.TOPIC_SOURCES.get(q.topic_source, q.topic_source)),
        (texts.Q_SCORES, score_text),
        (texts.Q_EVIDENCE, ", ".join(detail.evidence) or "—"),
        (texts.Q_DEPARTMENTS, ", ".join(d.name for d in settings.departments if d.code in codes) or "—"),
    ]
    dl = "".join(f"<tr><th scope=\"row\">{e(k)}</th><td>{e(v)}</td></tr>" for k, v in facts)
    body = (
        notes(said) + f'<h2>{e(texts.Q_TEXT)}</h2><p class="text">{e(q.text_raw)}</p>'
        f"<h2>{e(texts.Q_DETAILS)}</h2><table><tbody>{dl}</tbody></table>"
        f"<h2>{e(texts.Q_ANSWER)}</h2>{_answer(settings, detail)}"
        + _actions(settings, detail, csrf) + _publication(settings, detail, csrf)
        + f"<h2>{e(texts.Q_HISTORY)}</h2>{_history(settings, detail)}"
    )
    return layout(texts.Q_TITLE.format(code=q.code), body, actor, csrf, where=where)
