"""Whole-page text of an HTML page, as a crawler's text dump holds it: every visible block on its
own line (navigation, share bars and footers included), scripts and styles left out.

This is the text path's input on real pages. resiliparse is an optional dependency (the `eval`
extra): only measuring needs it.
"""

from __future__ import annotations

from pipeline.errors import ConfigError


def whole_page_text(raw: bytes) -> str:
    try:  # optional: only the evaluation needs resiliparse (the [eval] extra)
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.encoding import bytes_to_str, detect_encoding
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ConfigError("measuring the text path needs resiliparse: pip install -e '.[eval]'") from e
    html = bytes_to_str(raw, detect_encoding(raw) or "utf-8")
    text = extract_plain_text(html, main_content=False, alt_texts=False, links=False, list_bullets=False,
                              form_fields=False, noscript=False, comments=True)  # fmt: skip
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line) + "\n"
