"""Encoding repair: bytes to clean Unicode text, every repair recorded.

Decoding tries, in order: a byte-order mark; strict UTF-8; UTF-16 without a BOM (NUL pattern);
a charset detector restricted to `[encoding] fallback_encodings`; last, UTF-8 with replacement
characters, recorded as lossy. Bytes with NULs that are not UTF-16 are binary: InputError.

Repair is separate from typography (docs/normalisation.md). ftfy runs with an encoding-only
configuration (no quote uncurling, no ligature or width folding) and only on lines a cheap
pre-check flags: mojibake-like pairs, HTML entities, control characters, lone surrogates.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import ftfy

from pipeline.document import AuditEvent
from pipeline.errors import InputError
from pipeline.settings import EncodingSettings

STAGE = "encoding"

# ftfy options: repair only. Typography (quotes, ligatures, widths) is a policy decision taken
# below from settings, never as a side effect of repair.
FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=True,  # text inputs carry entities (&eacute; &nbsp; &#8217;) that are never meant literally
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,  # line ends are normalised before, so line numbers stay stable
    normalization="NFC",
    explain=True,
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# What Windows-1252 shows for bytes 0x80-0x9F: the second half of most UTF-8 mojibake pairs.
_CP1252_HIGH = (
    "\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018"
    "\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
)
# The pre-check: a UTF-8 lead byte read as Latin-1/cp1252 followed by a continuation byte, an
# HTML entity, a control character, or a lone surrogate. Lines without any pass untouched.
SUSPECT = re.compile(
    "[\u00c2\u00c3][\u0080-\u00bf" + _CP1252_HIGH + "]"
    "|[\u00c4-\u00ef][\u0080-\u009f\u00a1-\u00bf" + _CP1252_HIGH + "]"
    r"|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
    "|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]"
)
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85]")
_ZERO_WIDTH = re.compile("[\u200b\u2060\ufeff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"'})


def decode_bytes(data: bytes, settings: EncodingSettings) -> tuple[str, list[AuditEvent]]:
    """Decode input bytes; the event says which encoding was used and why."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace"), [_decoded(name, "byte-order mark")]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as e:
        utf8_error = e
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16, errors="replace"), [_decoded(utf16, "UTF-16 pattern of NUL bytes, no BOM")]
    nul = data.find(b"\x00", 0, 65536)
    if nul >= 0:
        raise InputError(f"binary content: NUL byte at offset {nul}, not a text file")
    detected = _detect(data, settings.fallback_encodings)
    if detected:
        reason = f"not valid UTF-8 ({utf8_error.reason} at byte {utf8_error.start}); detected {detected}"
        return data.decode(detected), [_decoded(detected, reason)]
    event = AuditEvent(
        STAGE,
        "decode",
        "encoding.decode.lossy",
        "no candidate encoding fits; undecodable bytes became U+FFFD",
    )
    return data.decode("utf-8", errors="replace"), [event]


def _decoded(name: str, reason: str) -> AuditEvent:
    return AuditEvent(STAGE, "decode", f"encoding.decode.{name}", reason)


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _detect(data: bytes, candidates: tuple[str, ...]) -> str | None:
    """The most plausible of the allowed encodings that decodes `data` strictly."""
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(candidates)).best()
    if best is not None:
        return codecs.lookup(best.encoding).name
    for name in candidates:
        try:
            data.decode(name)
        except UnicodeDecodeError:
            continue
        return codecs.lookup(name).name
    return None


def normalise_line_breaks(text: str) -> str:
    """CRLF, CR and Unicode line/paragraph separators become LF."""
    if "\r" in text or "\u2028" in text or "\u2029" in text or "\x85" in text:
        return _LINE_BREAKS.sub("\n", text)
    return text


def repair_text(text: str, settings: EncodingSettings) -> tuple[str, list[AuditEvent]]:
    """Fix mojibake, entities and control characters line by line; apply the typography policy."""
    events: list[AuditEvent] = []
    text = normalise_line_breaks(text)
    if settings.gate and not SUSPECT.search(text):
        lines = None
    else:
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if settings.gate and not SUSPECT.search(line):
                continue
            fixed, steps = _fix_line(line)
            if fixed != line:
                lines[i] = fixed
                names = ", ".join(dict.fromkeys(name for _, name in steps)) or "surrogates"
                events.append(AuditEvent(STAGE, "repair", "encoding.ftfy", f"ftfy: {names}", i + 1, line, fixed))
        text = "\n".join(lines)
    text, policy_events = apply_policy(text, settings)
    return text, events + policy_events


def _fix_line(line: str) -> tuple[str, list[tuple[str, str]]]:
    fixed, steps = ftfy.fix_and_explain(line, FTFY_CONFIG)
    if _SURROGATE.search(fixed):  # lone surrogates cannot be written as UTF-8
        fixed = _SURROGATE.sub("\ufffd", fixed)
    return fixed, list(steps or [])


def apply_policy(text: str, settings: EncodingSettings) -> tuple[str, list[AuditEvent]]:
    """Invisible characters, NFC and the configured typography, each counted in one event."""
    events: list[AuditEvent] = []

    def count(rule: str, before: str, after: str, what: str) -> str:
        if before != after:
            events.append(AuditEvent(STAGE, "normalise", rule, what))
        return after

    if settings.remove_zero_width and _ZERO_WIDTH.search(text):
        text = count("encoding.zero-width", text, _ZERO_WIDTH.sub("", text), "removed zero-width characters")
    if settings.remove_soft_hyphens and "\u00ad" in text:
        text = count("encoding.soft-hyphen", text, text.replace("\u00ad", ""), "removed soft hyphens")
    if not unicodedata.is_normalized("NFC", text):
        text = count("encoding.nfc", text, unicodedata.normalize("NFC", text), "Unicode NFC composition")
    if settings.quotes == "straighten":
        text = count("encoding.quotes", text, text.translate(_QUOTES), "straightened curly quotes")
    if settings.ellipsis == "expand" and "\u2026" in text:
        text = count("encoding.ellipsis", text, text.replace("\u2026", "..."), "expanded … to ...")
    return text, events
