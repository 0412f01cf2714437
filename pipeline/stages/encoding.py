"""Encoding repair: bytes to clean Unicode text, every repair recorded.

Decoding tries, in order: a byte-order mark; UTF-16 without a BOM (NUL bytes at one parity only,
and the bytes decode); strict UTF-8; then every encoding of `[encoding] fallback_encodings` that
decodes the bytes strictly, keeping the most plausible text (below); last, UTF-8 with replacement
characters, recorded as lossy. NUL bytes in input that is neither UTF-16 nor UTF-8 make it binary
(InputError); in valid UTF-8 they are control characters, which repair removes.

Choosing among the fallbacks: every single-byte code page decodes any Western text without
error, so "decodes" proves nothing, and a statistical detector guesses poorly on short texts
(charset-normalizer read one in nine of the non-ASCII lines of our seeds and pages, saved alone in
Windows-1252, as Windows-1251 or Mac Roman). Instead each candidate's text gets an implausibility
count of what wrong single-byte decodings produce and real text rarely holds (`implausibility`);
the lowest count wins and ties go to the earlier encoding in the configured order, so the order
is the prior and the count the evidence. Known limits, where the order decides: a text in
capitals only (a headline) cannot tell KOI8-R from Windows-1251, which differ mainly in letter
case, and a lone sign ("œ" in ISO 8859-15 is "½" in Windows-1252) carries no evidence.

Repair is separate from typography (docs/normalisation.md). ftfy runs with an encoding-only
configuration (no quote uncurling, no ligature or width folding) and only on lines a cheap
pre-check flags: mojibake-like pairs, HTML entities, control characters, lone surrogates. Both
judge each line as the later steps will leave it (`repair_text`), so cleaning is idempotent.
"""

from __future__ import annotations

import codecs
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable

import ftfy
import ftfy.bad_codecs  # registers the sloppy-windows-1251 codec

from pipeline.document import AuditEvent
from pipeline.errors import InputError
from pipeline.settings import EncodingSettings, NormaliseSettings
from pipeline.stages import ftfy_fast
from pipeline.stages.paragraphs import normalise_line
from pipeline.text import QUOTES
from pipeline.words import letter_words

STAGE = "encoding"

# ftfy's mojibake test and control-character removal, same answers, faster (stages/ftfy_fast.py).
FAST_FTFY = ftfy_fast.install()

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
# What Windows-1251 shows for the UTF-8 continuation bytes 0x80-0xBF; after "Р" or "С" (lead
# bytes 0xD0, 0xD1) they are Cyrillic mojibake: "РџСЂРёРІРµС‚" for "Привет".
_CP1251_CONTINUATION = bytes(range(0x80, 0xC0)).decode("sloppy-windows-1251")
# The pre-check: "Â" or "Ã" (the UTF-8 lead bytes of U+0080-U+00FF read as Latin-1, rare in real
# text, and often followed by a space where a no-break space was lost: "voilÃ  tout"), another lead
# byte read as Latin-1/cp1252 or cp1251 followed by a continuation byte, an HTML entity, a control
# character ftfy removes, or a lone surrogate. Lines without any pass untouched. Each sign is its
# first character and what must follow it.
SIGNS = (
    ("[\u00c2\u00c3]", ""),
    ("[\u00c4-\u00ef]", "[\u0080-\u009f\u00a1-\u00bf" + _CP1252_HIGH + "]"),
    ("[\u0420\u0421]", "[" + _CP1251_CONTINUATION + "]"),
    ("&", r"(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"),
    ("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u206a-\u206f\ufeff\ufff9-\ufffc]", ""),
)
# The signs as one pattern that starts with a single character class (every sign's first
# character), then checks what the first character was and what follows it. Same matches as the
# plain alternation of the signs, but CPython's re skips to a candidate character in C; the
# alternation tries every branch at every position (4-6x slower on whole pages).
SUSPECT = re.compile(
    "[" + "".join(first.strip("[]") for first, _ in SIGNS) + "]"
    "(?:" + "|".join(f"(?<={first}){then}" for first, then in SIGNS) + ")"
)
# Decoding: how much of the input the NUL count and the plausibility score look at.
_SAMPLE_BYTES = 65536
_SCORE_CHARS = 65536
# Non-ASCII punctuation and symbols that real text uses; others count against a decoding.
_TYPOGRAPHY = frozenset("«»‹›“”„‘’‚–—‑…•·°€£¥¢©®™§¶±×÷²³¹½¼¾¡¿№‰′″→")
# Letters without a script name that Latin text uses: ª º (1ª, nº) and µ (µg).
_LATIN_EXTRAS = ("FEMININE ORDINAL", "MASCULINE ORDINAL", "MICRO SIGN")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85]")
_ZERO_WIDTH = re.compile("[\u200b\u2060\ufeff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Rounds of repair on a line as later steps leave it; one is almost always enough.
_MAX_ROUNDS = 4
# Repair judges lines as normalise may leave them: `[normalise]` is not part of this stage's
# fingerprint, so both `nbsp` choices are tried.
_NORMALISE = (NormaliseSettings(nbsp="keep"), NormaliseSettings(nbsp="space"))
_QUOTES = str.maketrans(QUOTES)


def decode_bytes(data: bytes, settings: EncodingSettings) -> tuple[str, list[AuditEvent]]:
    """Decode input bytes; the event says which encoding was used and why."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace"), [_decoded(name, "byte-order mark")]
    nuls = data.count(0, 0, _SAMPLE_BYTES)
    utf16 = _utf16_without_bom(data) if nuls else None
    if utf16:
        return data.decode(utf16, errors="replace"), [_decoded(utf16, "UTF-16 pattern of NUL bytes, no BOM")]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as e:
        utf8_error = e
    if nuls:
        raise InputError(f"binary content: NUL byte at offset {data.find(0)}, not a text file")
    detected = _detect(data, settings.fallback_encodings)
    if detected:
        name, why = detected
        reason = f"not valid UTF-8 ({utf8_error.reason} at byte {utf8_error.start}); {why}"
        return data.decode(name), [_decoded(name, reason)]
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
    """UTF-16 of text with some ASCII: NULs at one parity only (the ASCII high bytes), none at the other."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    half = len(sample) // 2
    even, odd = sample[0::2].count(0) / half, sample[1::2].count(0) / half
    for name, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros >= 0.05 and others <= 0.01 and _decodes(sample, name):
            return name
    return None


def _decodes(sample: bytes, name: str) -> bool:
    try:
        codecs.getincrementaldecoder(name)().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _detect(data: bytes, candidates: tuple[str, ...]) -> tuple[str, str] | None:
    """The most plausible allowed encoding that decodes `data` strictly, and why it won."""
    scores: dict[str, int] = {}
    for candidate in candidates:
        name = codecs.lookup(candidate).name
        if name in scores:
            continue
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        scores[name] = implausibility(text[:_SCORE_CHARS])
    if not scores:
        return None
    ranked = sorted(scores, key=scores.__getitem__)  # stable: ties keep the configured order
    best = ranked[0]
    why = f"{best} is the most plausible of {len(ranked)} fitting encodings (implausibility {scores[best]}"
    if len(ranked) > 1:
        why += f"; next {ranked[1]}: {scores[ranked[1]]}"
    return best, why + ")"


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def implausibility(text: str) -> int:
    """How many things in `text` a wrong single-byte decoding produces and real text rarely holds.

    Counted once each: C1 controls, unassigned or private-use characters, and non-ASCII symbols or
    punctuation outside common typography ("¤" for "€"); and each word with non-ASCII letters that
    mixes scripts ("Rйcit"), stands in another script than its neighbours ("à" read as Cyrillic
    "а"), turns upper case after a lower-case letter ("dÈputÈs", Mac Roman), is non-Latin with
    capitals after its first letter (KOI8-R and Windows-1251 read as each other swap case), or is
    Latin with mostly accented letters ("Ïðèâåò", Cyrillic read as Windows-1252).
    """
    score = sum(map(_odd_character, _NON_ASCII.findall(text)))  # a regex finds the few
    words = letter_words(text)
    for i, word in enumerate(words):
        if not word.isascii():
            score += _odd_word(words, i, _word_script(word))
    return score


@functools.lru_cache(maxsize=4096)
def _odd_character(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category in ("Cc", "Cn", "Co", "Cs") or (category[0] in "SP" and ch not in _TYPOGRAPHY)


def _odd_word(words: list[str], i: int, script: str) -> bool:
    """Is `words[i]` odd (its `script` given)? Its neighbours matter only for a short word."""
    word = words[i]
    if script == "mixed":
        return True
    if len(word) <= 2:
        neighbours = {_word_script(words[j]) for j in (i - 1, i + 1) if 0 <= j < len(words)}
        if neighbours and script not in neighbours:
            return True
    return _odd_shape(word, script)


@functools.lru_cache(maxsize=65536)
def _odd_shape(word: str, script: str) -> bool:
    """What makes a word odd whatever its neighbours: its case pattern, its accents."""
    pairs = itertools.pairwise(word)
    if any(a.islower() and b.isupper() and not (a.isascii() and b.isascii()) for a, b in pairs):
        return True
    if script != "LATIN":
        return len(word) >= 3 and any(ch.isupper() for ch in word[1:])
    accented = sum(not ch.isascii() for ch in word)
    return accented > 2 and 2 * accented > len(word)


@functools.lru_cache(maxsize=65536)  # a text's words recur; each is judged for itself and its neighbours
def _word_script(word: str) -> str:
    if word.isascii():
        return "LATIN"
    scripts = {_script(ch) for ch in word}
    return scripts.pop() if len(scripts) == 1 else "mixed"


@functools.lru_cache(maxsize=4096)
def _script(letter: str) -> str:
    if letter.isascii():
        return "LATIN"
    name = unicodedata.name(letter, "")
    return "LATIN" if name.startswith(_LATIN_EXTRAS) else name.split(" ", 1)[0]


def normalise_line_breaks(text: str) -> str:
    """CRLF, CR and Unicode line/paragraph separators become LF."""
    if "\r" in text or "\u2028" in text or "\u2029" in text or "\x85" in text:
        return _LINE_BREAKS.sub("\n", text)
    return text


def repair_text(text: str, settings: EncodingSettings) -> tuple[str, list[AuditEvent]]:
    """Fix mojibake, entities and control characters line by line; apply the typography policy.

    The gate and ftfy judge each line as the later steps will leave it, so that a second cleaning
    finds nothing to repair: zero-width characters go first, the gate looks at lines without soft
    hyphens and in NFC, and `_repair_line` also tries ftfy on the line with its white space
    normalised. Soft hyphens stay for ftfy to see, since byte 0xAD is part of some mojibake ("í" read
    as Windows-1252 is "Ã" and a soft hyphen).
    """
    text = normalise_line_breaks(text)
    original = text
    events: list[AuditEvent] = []
    count = _counter(events)
    if settings.remove_zero_width and _ZERO_WIDTH.search(text):  # never part of mojibake
        text = count("encoding.zero-width", text, _ZERO_WIDTH.sub("", text), "removed zero-width characters")
    settle_events: list[AuditEvent] = []
    settled = _settle(text, settings, _counter(settle_events))
    if settings.gate and not SUSPECT.search(settled):
        text = settled
        events += settle_events
    else:
        text = _repair_lines(text, settled, original, settings, events)
    text, typography = _typography(text, settings)
    return text, events + typography


def _settle(text: str, settings: EncodingSettings, count: Callable[[str, str, str, str], str]) -> str:
    """Soft hyphens removed, then NFC (removing one can leave a letter and its accent side by side)."""
    if settings.remove_soft_hyphens and "\u00ad" in text:
        text = count("encoding.soft-hyphen", text, text.replace("\u00ad", ""), "removed soft hyphens")
    if not unicodedata.is_normalized("NFC", text):
        text = count("encoding.nfc", text, unicodedata.normalize("NFC", text), "Unicode NFC composition")
    return text


def _repair_lines(text: str, settled: str, original: str, settings: EncodingSettings, events: list[AuditEvent]) -> str:
    """ftfy on each suspect line, others settled; a repaired line's event shows it as it came in.

    Soft hyphens and NFC are counted on the lines that were only settled: in a line ftfy repairs, a
    soft hyphen may have been a byte of mojibake, and the line's own event shows what changed.
    """
    lines, settled_lines, before = text.split("\n"), settled.split("\n"), original.split("\n")
    plain = []
    for i, line in enumerate(lines):
        if settings.gate and not SUSPECT.search(settled_lines[i]):
            plain.append(line)
            lines[i] = settled_lines[i]
            continue
        fixed, steps = _repair_line(line, settings)
        if fixed == settled_lines[i]:
            plain.append(line)  # nothing but settled
        else:
            reason = "ftfy: " + (", ".join(dict.fromkeys(steps)) or "surrogates")
            events.append(AuditEvent(STAGE, "repair", "encoding.ftfy", reason, i + 1, before[i], fixed))
        lines[i] = fixed
    _settle("\n".join(plain), settings, _counter(events))  # for its events
    return "\n".join(lines)


def _repair_line(line: str, settings: EncodingSettings, depth: int = 0) -> tuple[str, list[str]]:
    """ftfy on the line, then on the line as the later steps leave it, until that shows no repair.

    ftfy judges a line with its white space; the normalise stage then collapses and strips it, and
    removing the invisible characters ftfy decoded joins their neighbours. Either can make a
    mojibake pair ("Â\t0" becomes "Â 0", "\xa0ßŒ" becomes "ßŒ") that a second cleaning would
    repair, so ftfy looks at those forms too and its repair is kept when it makes one.
    """
    fixed, steps = _fix_line(line)
    for _ in range(_MAX_ROUNDS):
        if "\n" in fixed and depth < _MAX_ROUNDS:  # an entity for a line end: separate lines later
            return _repair_parts(fixed, settings, depth, steps)
        visible = _strip_invisible(fixed, settings)
        if visible != fixed:
            steps.append("remove invisible characters")
        repair = _repair_of_later_forms(fixed, visible, settings)
        if repair is None:
            return visible, steps
        fixed, steps = repair[0], steps + repair[1]
    return _strip_invisible(fixed, settings), steps


def _repair_of_later_forms(fixed: str, visible: str, settings: EncodingSettings) -> tuple[str, list[str]] | None:
    """ftfy's repair of the line as normalise leaves it (either `nbsp` setting), or None if none."""
    if visible == fixed and " ".join(fixed.split()) == fixed:
        return None  # normalise leaves it as it is, whatever its settings
    for normalise in _NORMALISE:
        view = normalise_line(visible, normalise)
        if view == fixed or (visible == fixed and settings.gate and not SUSPECT.search(view)):
            continue  # unchanged, or the gate passes it: a second cleaning leaves it alone too
        again, steps = _fix_line(view)
        if again != view:
            return again, (["collapse white space"] if view != visible else []) + steps
    return None


def _repair_parts(text: str, settings: EncodingSettings, depth: int, steps: list[str]) -> tuple[str, list[str]]:
    parts = [_repair_line(part, settings, depth + 1) for part in text.split("\n")]
    return "\n".join(part for part, _ in parts), steps + [step for _, more in parts for step in more]


def _fix_line(line: str) -> tuple[str, list[str]]:
    fixed, steps = _fix_line_once(line)
    return fixed, list(steps)  # a copy: callers extend it


@functools.lru_cache(maxsize=4096)  # a site's damaged line (an entity in its footer) recurs on every page
def _fix_line_once(line: str) -> tuple[str, tuple[str, ...]]:
    fixed, steps = ftfy.fix_and_explain(line, FTFY_CONFIG)
    fixed = normalise_line_breaks(fixed)  # from entities: &#13; is a line end, as a CR in the input
    if _SURROGATE.search(fixed):  # lone surrogates cannot be written as UTF-8
        fixed = _SURROGATE.sub("\ufffd", fixed)
    return fixed, tuple(_step(kind, name) for kind, name in steps or [])


def _strip_invisible(text: str, settings: EncodingSettings) -> str:
    if settings.remove_zero_width and _ZERO_WIDTH.search(text):
        text = _ZERO_WIDTH.sub("", text)
    if settings.remove_soft_hyphens and "\u00ad" in text:
        text = text.replace("\u00ad", "")
    return text


def _step(kind: str, name: str) -> str:
    """One ftfy step, readable: "encode sloppy-windows-1252", "decode utf-8", "unescape_html"."""
    return name if kind == "apply" else f"{kind} {name}"


def _counter(events: list[AuditEvent]) -> Callable[[str, str, str, str], str]:
    """A function that applies one policy step and records one event if it changed the text."""

    def count(rule: str, before: str, after: str, what: str) -> str:
        if before != after:
            events.append(AuditEvent(STAGE, "normalise", rule, what))
        return after

    return count


def _typography(text: str, settings: EncodingSettings) -> tuple[str, list[AuditEvent]]:
    """The configured quotes and ellipsis, each counted in one event."""
    events: list[AuditEvent] = []
    count = _counter(events)
    if settings.quotes == "straighten":
        text = count("encoding.quotes", text, text.translate(_QUOTES), "straightened curly quotes")
    if settings.ellipsis == "expand" and "\u2026" in text:
        text = count("encoding.ellipsis", text, text.replace("\u2026", "..."), "expanded … to ...")
    return text, events
