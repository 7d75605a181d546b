"""/cong_khai and /bo_cong_khai: a coordinator in scope approves a question's public text, or takes it back.

Only an answered question whose youth allowed publication can be approved, and the public text
(the youth's own words, or an edited version) is refused while it still holds a phone number, an
e-mail address or the asker's stored name. The staff desk's question page calls the same functions.
"""

import logging
import re

from handlers.admin import texts
from handlers.admin.context import Act
from handlers.admin.questions import find
from handlers.coordination.similar import fold_fast
from storage import Question
from storage import publication as repo

log = logging.getLogger(__name__)

MAX_PUBLIC_CHARS = 3500
# Vietnamese phone numbers: 0 or (+)84, then 8–10 more digits, spaces, dots or dashes allowed between.
PHONE = re.compile(r"(?<!\d)(?:\+\s?84|84|0)(?:[\s.\-]?\d){8,10}(?!\d)")
EMAIL = re.compile(r"[\w.+\-]+\s?@\s?[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)


def _words(text: str) -> str:
    return " " + " ".join(fold_fast(text).split()) + " "


def text_problem(text: str, names: list[str]) -> str | None:
    """Why this public text may not be published (a key of texts.PUBLISH_REFUSED), or None."""
    if not text.strip():
        return "empty"
    if len(text) > MAX_PUBLIC_CHARS:
        return "too_long"
    if PHONE.search(text):
        return "phone"
    if EMAIL.search(text):
        return "email"
    return "name" if names_in(text, names) else None


def names_in(text: str, names: list[str]) -> bool:
    """Whether a whole stored name appears in the text, ignoring case and diacritics."""
    folded = _words(text)
    return any(_words(name).strip() and _words(name) in folded for name in names)


async def refusal(act: Act, question: Question, text: str) -> str | None:
    """Why the question cannot be approved with this text, in Vietnamese, or None."""
    if not question.public_ok:
        return texts.PUBLISH_NO_CONSENT.format(code=question.code)
    answer = (await act.uow.admin.answers_of([question.id or 0])).get(question.id or 0)
    if not repo.answered(question, [answer] if answer is not None else []):
        return texts.PUBLISH_NOT_ANSWERED.format(code=question.code)
    names = await repo.names_of(act.uow.session, question)
    problem = text_problem(text, names)
    if problem is None and answer is not None and names_in(answer.text, names):
        problem = "answer_name"  # the answer is published too (its phone numbers are the departments')
    if problem is None:
        return None
    return texts.PUBLISH_REFUSED[problem].format(code=question.code, length=len(text), max=MAX_PUBLIC_CHARS)


async def approve(act: Act, question: Question, text: str) -> bool:
    """Publish the question with `text` (checked first); says what happened."""
    text = text.strip()
    refused = await refusal(act, question, text)
    if refused is not None:
        log.info("publication of %s refused", question.code)
        act.say(refused)
        return False
    edited = text != question.text_raw.strip()
    await repo.approve(act.uow.session, question, text, act.now)
    await act.audit("cong_khai", code=question.code, detail="edited text" if edited else "as written")
    act.say(texts.PUBLISH_DONE.format(code=question.code, text=text))
    return True


async def withdraw(act: Act, question: Question) -> None:
    """Take the question off the public page (the youth's consent stays as they set it)."""
    if not repo.is_published(question):
        act.say(texts.UNPUBLISH_NOTHING.format(code=question.code))
        return
    await repo.withdraw(act.uow.session, question)
    await act.audit("bo_cong_khai", code=question.code)
    act.say(texts.UNPUBLISH_DONE.format(code=question.code))


async def publish_command(act: Act) -> None:
    """/cong_khai MÃ [văn bản đã biên tập]: without a text, the question as the youth wrote it."""
    parts = act.msg.args.strip().split(maxsplit=1)
    if not parts:
        act.say(texts.USAGE.format(usage=texts.PUBLISH_USAGE))
        return
    question = await find(act, parts[0], "cong_khai")
    if question is not None:
        await approve(act, question, parts[1] if len(parts) == 2 else question.text_raw)


async def unpublish_command(act: Act) -> None:
    """/bo_cong_khai MÃ."""
    code = act.msg.args.strip()
    if not code:
        act.say(texts.USAGE.format(usage=texts.UNPUBLISH_USAGE))
        return
    question = await find(act, code.split()[0], "bo_cong_khai")
    if question is not None:
        await withdraw(act, question)
