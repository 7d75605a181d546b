"""Greetings and thanks are not questions: the bot answers them and invites the question instead.

A text is small talk when every folded word (no diacritics, see handlers.choices.fold) is a word of
greeting, politeness or "may I ask", and at least one of them is the core of a greeting or of thanks.
«Em chào anh chị ạ», «alo», «ad ơi», «cho em hỏi với» are small talk; «Chào anh chị, em muốn hỏi
về vay vốn» is a question, because «vay» and «vốn» say what it is about.
"""

from enum import Enum

from handlers.choices import fold

MAX_WORDS = 10

# Words that say nothing about a subject: forms of address, particles, "is anyone there", "may I ask".
_FILLER = frozenset(
    "em e anh a chi c ban b minh moi nguoi cac ca ad admin bot shop oi a ah ak nha nhe nhen ha hen"
    " day do o co ai khong ko k hong hok kh xin cho hoi muon chut xiu ti voi duoc dc giup nhieu lam"
    " ve".split()
)
_GREETING_CORE = frozenset("chao alo hi hello helo hey oi ai hoi".split())
_THANKS_CORE = frozenset("cam thanks thank thankyou tks thx ok oke okie okay vang da u uhm um".split())
_THANKS_WORDS = frozenset("cam on you very much".split())


class SmallTalk(str, Enum):
    """What a small-talk text is."""

    GREETING = "greeting"
    THANKS = "thanks"


def small_talk(text: str) -> SmallTalk | None:
    """GREETING or THANKS when the text says only that, else None (it may be a question)."""
    words = fold(text).split()
    if not words or len(words) > MAX_WORDS:
        return None
    if not all(w in _FILLER or w in _GREETING_CORE or w in _THANKS_CORE or w in _THANKS_WORDS for w in words):
        return None
    if any(w in _GREETING_CORE for w in words):
        return SmallTalk.GREETING
    if any(w in _THANKS_CORE for w in words):
        return SmallTalk.THANKS
    return None
