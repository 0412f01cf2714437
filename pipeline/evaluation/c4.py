"""The C4 line rules (Raffel et al. 2020, section 2.2), a baseline for the text path.

As the paper describes them: keep only lines that end in terminal punctuation (a period,
exclamation mark, question mark or closing quotation mark) and hold at least three words; drop
any line mentioning Javascript; discard the page when it has fewer than five sentences, contains
"lorem ipsum" or a curly bracket. The bad-words list and the corpus-wide de-duplication of
three-sentence spans are left out: they do not act on one page's chrome.
"""

from __future__ import annotations

import re

_TERMINAL = (".", "!", "?", '"', "\u201d", "\u00bb", "'", "\u2019")
_WORD = re.compile(r"\S+")
_SENTENCE = re.compile(r"[.!?]+(?=\s|$|[\"'\u201d\u00bb\u2019])")


def c4_lines(text: str) -> str:
    """The page's text after the C4 rules, "" when the page is discarded."""
    lowered = text.lower()
    if "lorem ipsum" in lowered or "{" in text:
        return ""
    kept = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line.endswith(_TERMINAL) or len(_WORD.findall(line)) < 3:
            continue
        if "javascript" in line.lower():
            continue
        kept.append(line)
    if sum(len(_SENTENCE.findall(line)) for line in kept) < 5:
        return ""
    return "\n".join(kept)
