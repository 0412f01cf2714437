"""Settings: `configs/settings.toml` (the defaults) with an optional user file laid over it.

Each section becomes a frozen dataclass. What a stage depends on (its sections, the loaded rule
packs, data files, library versions) is hashed once per run by pipeline/fingerprint.py, so a
changed value reruns exactly the stages it affects.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"
DEFAULT_SETTINGS = CONFIG_DIR / "settings.toml"
LEXICON = CONFIG_DIR / "lexicon"  # words of the line shapes (rules/features.py)
# Every stage in run order, the one list: fingerprints chain in this order (pipeline/fingerprint.py), settings
# sections are named after it, and each per-document stage (all but `learn`) has its step in pipeline/core.py.
STAGES = ("encoding", "learn", "chrome", "language", "normalise")


@dataclass(frozen=True)
class InputSettings:
    shard_max_files: int = 2000
    shard_max_bytes: int = 64 * 1024 * 1024
    min_shards: int = 4
    shard_min_bytes: int = 256 * 1024
    max_record_bytes: int = 8 * 1024 * 1024
    max_html_bytes: int = 8 * 1024 * 1024
    html_include_tables: bool = True
    html_include_comments: bool = False
    html_favor_precision: bool = False
    html_favor_recall: bool = False
    html_recall_check: bool = True


@dataclass(frozen=True)
class EncodingSettings:
    fallback_encodings: tuple[str, ...] = ("cp1252", "iso8859_15", "latin_1", "cp1251", "koi8_r", "mac_roman")
    gate: bool = True
    quotes: str = "keep"
    ellipsis: str = "keep"
    remove_soft_hyphens: bool = True
    remove_zero_width: bool = True


@dataclass(frozen=True)
class LayoutSettings:
    enabled: bool = True
    min_lines: int = 6
    min_width: int = 30
    max_width: int = 200
    min_full_lines: int = 3
    min_full_share: float = 0.3
    min_lower_share: float = 0.4
    sure_full_share: float = 0.8
    markdown_min_lines: int = 3
    markdown_min_share: float = 0.05
    markdown_image_alt: bool = False
    markdown_code: str = "keep"
    nav_min_items: int = 3
    nav_link_share: float = 0.8


@dataclass(frozen=True)
class ChromeSettings:
    generic_packs: tuple[str, ...] = ("rules/generic",)
    site_packs: tuple[str, ...] = ("rules/sites",)
    good_min_words: int = 4
    long_min_words: int = 25
    headline_max_words: int = 25
    dedup_min_chars: int = 50
    near_dup_min_words: int = 15
    near_dup_containment: float = 0.8
    line_model: str = ""  # the trained line model (JSON), relative to the settings file; "" = none
    article_end_gap: int = 0  # 0: no after-article pass (stages/article_end.py)
    article_end_packs: tuple[str, ...] = ()
    article_end_bylines: tuple[str, ...] = ()  # rules whose drops, recurring, are other stories' bylines
    article_end_closers: tuple[str, ...] = ()  # packs whose drop says the article is over (article_end._main)
    article_end_replies: tuple[str, ...] = ()  # rules whose drops are a comment's reply button (records.reply_start)
    closing_list_chars: int = 0  # a page with less prose keeps the list closing it (spare.closing_list)
    listing_framers: tuple[str, ...] = ()  # packs whose drops next to teaser pairs say "an article" (spare.framed)


@dataclass(frozen=True)
class LearnSettings:
    enabled: bool = True
    min_docs: int = 3
    min_share: float = 0.3
    sentence_min_docs: int = 5
    sentence_min_share: float = 0.6
    max_docs_per_site: int = 5000
    max_line_chars: int = 400


@dataclass(frozen=True)
class LanguageSettings:
    accept: tuple[str, ...] = ("fr",)
    backend: str = "langdetect-rs"
    seed: int = 0
    sample_chars: int = 1500
    min_prob: float = 0.80
    short_doc_chars: int = 200
    min_doc_chars: int = 40
    paragraph_check: bool = True
    paragraph_min_chars: int = 100
    paragraph_min_prob: float = 0.95
    paragraph_stopword_share: float = 0.12

    @property
    def accepts_any(self) -> bool:
        return "any" in self.accept


@dataclass(frozen=True)
class NormaliseSettings:
    nbsp: str = "space"
    min_paragraph_chars: int = 1
    min_doc_chars: int = 200


@dataclass(frozen=True)
class DedupSettings:
    enabled: bool = True
    shingle_words: int = 5
    threshold: float = 0.8
    cross_site_threshold: float = 0.9
    verify_margin: float = 0.1
    max_exact_checks: int = 8
    max_candidates: int = 64
    max_bucket: int = 32
    num_perm: int = 128
    num_bands: int = 16
    seed: int = 1
    keep_copies: bool = False
    learn_once: bool = True
    index_horizon_days: int = 30


_CHOICES = {
    ("encoding", "quotes"): {"keep", "straighten"},
    ("encoding", "ellipsis"): {"keep", "expand"},
    ("language", "backend"): {"langdetect-rs", "langdetect"},
    ("normalise", "nbsp"): {"space", "keep"},
    ("layout", "markdown_code"): {"keep", "drop"},
}


@dataclass(frozen=True)
class Settings:
    input: InputSettings = field(default_factory=InputSettings)
    encoding: EncodingSettings = field(default_factory=EncodingSettings)
    layout: LayoutSettings = field(default_factory=LayoutSettings)
    chrome: ChromeSettings = field(default_factory=ChromeSettings)
    learn: LearnSettings = field(default_factory=LearnSettings)
    language: LanguageSettings = field(default_factory=LanguageSettings)
    normalise: NormaliseSettings = field(default_factory=NormaliseSettings)
    dedup: DedupSettings = field(default_factory=DedupSettings)  # issue 13: copies across the batch
    sources: tuple[str, ...] = ()

    def with_languages(self, languages: str | None) -> Settings:
        """The same settings with `--languages fr,en|any` applied ("" or None: no override)."""
        if not languages:
            return self
        codes = parse_languages(languages, "--languages")
        return dataclasses.replace(self, language=dataclasses.replace(self.language, accept=codes))

    def pack_paths(self, kind: str) -> list[Path]:
        entries = self.chrome.generic_packs if kind == "generic" else self.chrome.site_packs
        return [Path(entry) for entry in entries]


@functools.cache
def detector_languages() -> frozenset[str]:
    """The codes langdetect has a profile for (both backends know the same ones), plus "any"."""
    import langdetect  # only when --languages or a settings file names languages: most commands never need it

    profiles = Path(langdetect.__file__).parent / "profiles"
    return frozenset(p.name for p in profiles.iterdir()) | {"any"}


def parse_languages(text: str, origin: str) -> tuple[str, ...]:
    """`fr,en` or `any` as a tuple of checked codes; a code the detector cannot answer is an error,
    as it would silently reject every document."""
    codes = tuple(c.strip() for c in text.split(","))
    check_languages(codes, origin)
    return tuple(c.lower() for c in codes)


def check_languages(codes: tuple[str, ...], origin: str) -> None:
    if not codes or not all(codes):
        raise ConfigError(f"{origin}: give language codes separated by commas, e.g. fr,en, or 'any'")
    known = detector_languages()
    for code in codes:
        if code.lower() not in known:
            raise ConfigError(f"{origin}: unknown language code {code!r}{_suggest(code.lower(), known)}; "
                              f"the detector knows: {', '.join(sorted(known))}")  # fmt: skip


def _suggest(code: str, known: frozenset[str]) -> str:
    """A hint for the usual slips: a region (fr-FR, fr_FR) or a three-letter code (fra, eng)."""
    base = code.replace("_", "-").split("-")[0]
    guess = base if base in known else base[:2] if len(base) == 3 and base[:2] in known else None
    return f" (did you mean {guess!r}?)" if guess else ""


# Allowed ranges of numeric settings, (min, max) inclusive, None for unbounded. Shares and
# probabilities not listed here are checked by name (ending in _prob, _share, _containment: 0..1);
# other numbers must not be negative. An out-of-range value would silently reject everything.
_RANGES: dict[tuple[str, str], tuple[float | None, float | None]] = {
    ("input", "shard_max_files"): (1, None),
    ("input", "shard_max_bytes"): (1, None),
    ("input", "min_shards"): (1, None),
    ("input", "shard_min_bytes"): (1, None),
    ("input", "max_record_bytes"): (1, None),
    ("input", "max_html_bytes"): (1, None),
    ("chrome", "long_min_words"): (1, None),
    ("chrome", "near_dup_min_words"): (1, None),
    ("learn", "min_docs"): (1, None),
    ("learn", "sentence_min_docs"): (1, None),
    ("learn", "max_docs_per_site"): (1, None),
    ("learn", "max_line_chars"): (1, None),
    ("language", "sample_chars"): (1, None),
}


def _range(section: str, key: str) -> tuple[float | None, float | None]:
    if (section, key) in _RANGES:
        return _RANGES[(section, key)]
    if key.endswith(("_prob", "_share", "containment")) or key in ("min_prob", "min_share"):
        return (0, 1)
    return (0, None)


def _check_range(origin: Path, section: str, key: str, value: float) -> None:
    low, high = _range(section, key)
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ConfigError(f"{origin}: [{section}] {key} = {value} is out of range: it must be {bounds}")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"settings file not found: {path}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None


def _section(cls: type, name: str, values: dict[str, Any], origin: Path) -> Any:
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{origin}: unknown key [{name}] {key} (known: {', '.join(sorted(known))})")
        default = getattr(cls(), key)
        if isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{origin}: [{name}] {key} must be a list of strings")
            value = tuple(value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{origin}: [{name}] {key} must be true or false")
        elif isinstance(default, (int, float)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"{origin}: [{name}] {key} must be a number")
            if isinstance(default, int) and not isinstance(value, int):
                raise ConfigError(f"{origin}: [{name}] {key} must be a whole number")
            _check_range(origin, name, key, value)
        elif isinstance(default, str) and not isinstance(value, str):
            raise ConfigError(f"{origin}: [{name}] {key} must be a string")
        allowed = _CHOICES.get((name, key))
        if allowed and value not in allowed:
            raise ConfigError(f"{origin}: [{name}] {key} = {value!r}; choose one of {sorted(allowed)}")
        if (name, key) == ("language", "accept"):
            check_languages(tuple(v.strip() for v in value), f"{origin}: [language] accept")
            value = tuple(v.strip().lower() for v in value)
        kwargs[key] = value
    return cls(**kwargs)


def load_settings(path: str | Path | None = None) -> Settings:
    """Load the defaults, then lay the user file (if any) over them, key by key."""
    merged: dict[str, dict[str, Any]] = {}
    origins = [DEFAULT_SETTINGS] + ([Path(path).resolve()] if path else [])
    for origin in origins:
        data = _read_toml(origin)
        for name, values in data.items():
            if name not in STAGES and name not in ("input", "layout", "dedup"):
                raise ConfigError(f"{origin}: unknown section [{name}]")
            if not isinstance(values, dict):
                raise ConfigError(f"{origin}: [{name}] must be a table")
            values = dict(values)
            for key in ("generic_packs", "site_packs"):
                # Pack folders are relative to the file that names them.
                if name == "chrome" and isinstance(values.get(key), list):
                    values[key] = [str((origin.parent / str(v)).resolve()) for v in values[key]]
            if name == "chrome" and isinstance(values.get("line_model"), str) and values["line_model"]:
                values["line_model"] = str((origin.parent / values["line_model"]).resolve())
            merged.setdefault(name, {}).update(values)
    classes = {
        "input": InputSettings,
        "encoding": EncodingSettings,
        "layout": LayoutSettings,
        "chrome": ChromeSettings,
        "learn": LearnSettings,
        "language": LanguageSettings,
        "normalise": NormaliseSettings,
        "dedup": DedupSettings,
    }
    sections = {name: _section(cls, name, merged.get(name, {}), origins[-1]) for name, cls in classes.items()}
    return Settings(**sections, sources=tuple(str(o) for o in origins))
