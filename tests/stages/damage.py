"""Damaged variants of a clean text, the way web text arrives broken.

Each variant is a function from the clean text to the bytes of a damaged file. A variant that
cannot represent the text (cp1252 or Latin-1 bytes for a text with characters outside that
codec) raises `CannotDamage`, and the caller counts a skip.

Every damage in VARIANTS is one the encoding stage promises to undo exactly: a wrong or marked
byte encoding, UTF-8 read as Windows-1252 (mojibake), HTML entities, other line ends, invisible
characters inside words, and control characters. LOSSY_VARIANTS lose information on the way, so
they only serve to test that the repair gate hides nothing.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Callable

import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-windows-1252" codec)

Damage = Callable[[str], bytes]

_WORD = re.compile(r"[^\W\d_]{6,}")
# C0 controls and DEL that carry no text (no tab, line feed, form feed or carriage return), and
# two format controls ftfy also removes (U+206B, U+FFFA).
CONTROLS = "\x01\x02\x07\x08\x0e\x1b\x1f\x7f\u206b\ufffa"


class CannotDamage(ValueError):
    """The text has characters the damaged form cannot carry."""


def encoded(text: str, codec: str) -> bytes:
    try:
        return text.encode(codec)
    except UnicodeEncodeError as e:
        raise CannotDamage(f"{codec} cannot encode {e.object[e.start]!r}") from None


def mojibake(text: str) -> str:
    """UTF-8 bytes read as Windows-1252: "été" becomes "Ã©tÃ©", "’" becomes "â€™"."""
    return text.encode("utf-8").decode("sloppy-windows-1252")


def mojibake_lost_nbsp(text: str) -> str:
    """Mojibake whose no-break spaces became plain spaces on the way: "à" is "Ã" and a space."""
    return mojibake(text).replace("\u00a0", " ")


def mojibake_one_paragraph(text: str) -> str:
    """Only the longest paragraph with non-ASCII characters is mojibake, the rest stays right."""
    lines = text.split("\n")
    candidates = [i for i, line in enumerate(lines) if not line.isascii()]
    if not candidates:
        raise CannotDamage("no non-ASCII paragraph to turn into mojibake")
    worst = max(candidates, key=lambda i: len(lines[i]))
    lines[worst] = mojibake(lines[worst])
    return "\n".join(lines)


def _entity(ch: str) -> str:
    if ch == "&":
        return "&amp;"
    if ch == "\u2019":
        return "&#8217;"  # numeric, decimal: how CMSs usually write it
    name = html.entities.codepoint2name.get(ord(ch))
    return f"&{name};" if name else f"&#x{ord(ch):X};"


def entities(text: str) -> str:
    """Every non-ASCII character and & as an HTML entity: named (&eacute; &nbsp;), else numeric."""
    return "".join(_entity(ch) if ch == "&" or ord(ch) > 126 else ch for ch in text)


def entities_except(text: str, keep: str) -> str:
    """Entities on every paragraph except those equal to `keep`."""
    return "\n".join(line if line == keep else entities(line) for line in text.split("\n"))


def invisible(text: str) -> str:
    """A zero-width space and a soft hyphen inside every word of six letters or more."""
    return _WORD.sub(lambda m: m[0][:2] + "\u200b" + m[0][2:4] + "\u00ad" + m[0][4:], text)


def controls(text: str) -> str:
    """A control character inside every word of six letters or more, cycling through CONTROLS."""
    counter = iter(range(1 << 62))
    return _WORD.sub(lambda m: m[0][:3] + CONTROLS[next(counter) % len(CONTROLS)] + m[0][3:], text)


def mixture(text: str) -> str:
    """CRLF line ends, entities, and one mojibake paragraph (left without entities)."""
    damaged = mojibake_one_paragraph(text)
    broken = next(a for a, b in zip(damaged.split("\n"), text.split("\n"), strict=True) if a != b)
    return entities_except(damaged, broken).replace("\n", "\r\n")


def _utf8(fix: Callable[[str], str]) -> Damage:
    return lambda text: fix(text).encode("utf-8")


VARIANTS: dict[str, Damage] = {
    "utf8-bom": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "utf16-bom": lambda text: text.encode("utf-16"),
    "cp1252": lambda text: encoded(text, "cp1252"),
    "latin1": lambda text: encoded(text, "latin-1"),
    "mojibake": _utf8(mojibake),
    "mojibake-paragraph": _utf8(mojibake_one_paragraph),
    "entities": _utf8(entities),
    "crlf": _utf8(lambda text: text.replace("\n", "\r\n")),
    "cr": _utf8(lambda text: text.replace("\n", "\r")),
    "invisible": _utf8(invisible),
    "controls": _utf8(controls),
    "mixture": _utf8(mixture),
}

# Damage that loses information, so no repair can be exact: ftfy reads "Ã " as "à" and keeps the
# space, right in "voilÃ  tout" but not in "bouche-Ã -oreille". Used to test the gate only.
LOSSY_VARIANTS: dict[str, Damage] = {
    "mojibake-lost-nbsp": _utf8(mojibake_lost_nbsp),
}
