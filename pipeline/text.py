"""Character folding tables shared by the stages, the rule keys and the scorer (one place for them).

Each user takes the parts it needs; the parts never overlap and map to ASCII characters that are
no part's key, so the order they are applied in changes nothing.
"""

from __future__ import annotations

# Curly quotes and guillemets to their ASCII forms (what the encoding stage's quote straightening does).
QUOTES = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"'}
APOSTROPHE = {"\u02bc": "'"}  # the modifier letter apostrophe, as some keyboards type it
# No-break, narrow no-break and thin spaces: a plain space when text is compared.
SPACES = {"\u00a0": " ", "\u202f": " ", "\u2009": " "}
