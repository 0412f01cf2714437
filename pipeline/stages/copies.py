"""A second copy of a stretch of text in one document (the chrome stage's repeats pass, extracted text).

An extractor sometimes returns a page's article twice (a print or mobile copy beside the page);
but on extracted text most exact repeats are content: an interview's recurring question, a menu's
labels, a pull quote, code. What tells a copy: exact repeats that follow, in order, a stretch of
earlier paragraphs, and that stretch holds two long paragraphs or enough words to be an article,
or it is the opening paragraph (a lead shown as a summary, then as the article's start).
"""

from __future__ import annotations

COPY_MIN_WORDS = 150  # ...or two paragraphs of `long_words` words


def copied_runs(paragraphs: list[tuple[str, int]], long_words: int, min_words: int = COPY_MIN_WORDS) -> set[int]:
    """Positions in `paragraphs` ((exact key, words) in document order) of the later copies."""
    first: dict[str, int] = {}
    original: dict[int, int] = {}  # position of a repeat -> position of its first copy
    for pos, (key, _) in enumerate(paragraphs):
        if key in first:
            original[pos] = first[key]
        else:
            first[key] = pos
    out: set[int] = set()
    run: list[int] = []
    for pos in [*range(len(paragraphs)), -1]:
        if pos in original and run and original[pos] == original[run[-1]] + 1 and pos == run[-1] + 1:
            run.append(pos)
            continue
        words = [paragraphs[p][1] for p in run]
        opening = bool(run) and original[run[0]] == 0
        if opening or sum(words) >= min_words or sum(w >= long_words for w in words) >= 2:
            out.update(run)
        run = [pos] if pos in original else []
    return out
