"""Parsing what staff type after a command: key=value filters, dates, receipt-code lists."""

import re
from datetime import date, datetime

from handlers.choices import fold

_KEY = re.compile(r"^[a-z_]{1,32}$")
_CODE = re.compile(r"^[A-Za-z0-9]{2,12}-\d{1,9}$")


def parse_pairs(args: str) -> tuple[dict[str, str], list[str]]:
    """key=value items (keys folded to ASCII lower case) and the other words, in order."""
    pairs: dict[str, str] = {}
    rest: list[str] = []
    for word in args.split():
        key, sep, value = word.partition("=")
        key = fold(key)
        if sep and value and _KEY.match(key):
            pairs[key] = value
        else:
            rest.append(word)
    return pairs, rest


def parse_date(value: str) -> date | None:
    """dd/mm/yyyy or yyyy-mm-dd."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None


def parse_codes(text: str) -> list[str] | None:
    """Receipt codes separated by commas or spaces (upper-cased), or None if any is malformed."""
    codes = [c.upper() for c in re.split(r"[,\s]+", text.strip()) if c]
    if not codes or not all(_CODE.match(c) for c in codes):
        return None
    return list(dict.fromkeys(codes))


def looks_like_code(text: str) -> bool:
    """Whether a word is a receipt code such as ST2023-0042."""
    return bool(_CODE.match(text.strip()))


_FIELD = re.compile(r"(?:^|(?<=\s))([^\s=\"']{1,32})=")


def parse_fields(args: str) -> tuple[dict[str, str], str]:
    """key=value items whose values may hold spaces (up to the next `key=`) or be quoted
    (`ten="Đối thoại phường 1"`); keys folded to ASCII lower case. Also the text before the first key."""
    found = list(_FIELD.finditer(args))
    fields: dict[str, str] = {}
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(args)
        value = args[match.end():end].strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'“”" or value[:1] == "“" and value[-1:] == "”":
            value = value[1:-1].strip()
        fields[fold(match.group(1)).replace(" ", "_")] = value
    return fields, args[: found[0].start()].strip() if found else args.strip()
