"""Labels in French and English, and numbers, money, percentages and dates as each
language writes them.

Labels live in ``cxkit/locale/*.json``, one file per topic, each key holding an ``en``
and an ``fr`` text (``tests/test_i18n.py`` fails when a key has only one).

The language is resolved once per kernel, first match wins:

1. ``lang=fr`` or ``lang=en`` in the page's query string (Voilà passes it to the kernel
   as ``QUERY_STRING``), so each participant's browser keeps its own choice;
2. the ``CXKIT_LANG`` environment variable (the tests set ``en``);
3. the choice last saved on the home page (kept in the workshop store's settings by
   :mod:`cxkit.workshop`, which tells this module where through :func:`use_saved_language`);
4. French: most workshops are run in French.

``set_language`` changes it for the running kernel.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import os
import re
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from urllib.parse import parse_qs

from babel import dates as _bdates
from babel import numbers as _bnumbers

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
_current: str | None = None


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, str]]:
    """All labels, ``{key: {"en": ..., "fr": ...}}``, merged from every locale file."""
    merged: dict[str, dict[str, str]] = {}
    for entry in sorted(resources.files("cxkit").joinpath("locale").iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".json"):
            continue
        data = json.loads(entry.read_text(encoding="utf-8"))
        for key, texts in data.items():
            if key in merged:
                raise ValueError(f"label {key!r} is defined twice (second time in {entry.name})")
            merged[key] = texts
    return merged


# Where the saved language is read and written: set by cxkit.workshop (the store's
# settings). This module never imports the store, so i18n, errors and store form no circle.
_saved_reader: Callable[[], str | None] | None = None
_saved_writer: Callable[[str], object] | None = None


def use_saved_language(reader: Callable[[], str | None] | None,
                       writer: Callable[[str], object] | None) -> None:
    """Read the saved language with ``reader()`` and save it with ``writer(lang)``
    (:mod:`cxkit.workshop` registers its ``language`` and ``save_language`` on import)."""
    global _saved_reader, _saved_writer
    _saved_reader, _saved_writer = reader, writer


def _from_query_string() -> str | None:
    values = parse_qs(os.environ.get("QUERY_STRING", "")).get("lang", [])
    return values[0] if values and values[0] in LANGUAGES else None


def _from_settings() -> str | None:
    if _saved_reader is None:
        return None
    try:
        lang = _saved_reader()
    except Exception:  # an unreadable store never stops a page: the default applies
        return None
    return lang if lang in LANGUAGES else None


def resolve_language() -> str:
    """The language a new kernel starts in (see the module docstring for the order)."""
    env = os.environ.get("CXKIT_LANG", "").strip().lower()[:2]
    return (_from_query_string() or (env if env in LANGUAGES else None)
            or _from_settings() or DEFAULT_LANGUAGE)


def get_language() -> str:
    """The language in use: ``"fr"`` or ``"en"``."""
    global _current
    if _current is None:
        _current = resolve_language()
    return _current


def set_language(lang: str, *, remember: bool = False) -> str:
    """Switch labels and formats to ``lang`` (``"fr"`` or ``"en"``).

    With ``remember=True`` the choice is saved for notebooks opened afterwards (in the
    workshop store's settings, once :mod:`cxkit.workshop` is imported).
    """
    global _current
    lang = str(lang).strip().lower()[:2]
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {lang!r}")
    _current = lang
    if remember and _saved_writer is not None:
        _saved_writer(lang)
    return lang


def t(key: str, lang: str | None = None, **values) -> str:
    """The label ``key`` in the current language, with ``{placeholders}`` filled in; a
    French label goes through :func:`french_typography` first (the values are left as
    they are: numbers come formatted by ``fmt_*``)."""
    lang = lang or get_language()
    text = labels()[key][lang]
    if lang == "fr":
        text = french_typography(text)
    return text.format(**values) if values else text


#: What typography leaves alone: code spans, HTML tags, Markdown link targets, addresses,
#: {placeholders}.
_TYPO_SKIP = re.compile(r"`[^`]*`|<[^>]*>|\]\([^)]*\)|https?://\S+|\{[^{}]*\}")
_NB = "\u00a0"


def french_typography(text: str) -> str:
    """French spacing: a no-break space (U+00A0) before ``; : ! ?`` that end a word,
    between a number and ``%``, and inside « »; a plain space there becomes a no-break
    one, and an existing U+00A0 or U+202F is kept. Code spans, HTML tags, link targets,
    addresses and ``{placeholders}`` are left as they are (``10:30``, ``?lang=fr``).
    Source: Imprimerie nationale, *Lexique des règles typographiques*."""
    kept: list[str] = []

    def keep(match: re.Match) -> str:
        kept.append(match.group(0))
        return "\ue000"  # a private-use character holds the place of what is kept

    text = _typo_fr(_TYPO_SKIP.sub(keep, text))
    pieces = iter(kept)
    return re.sub("\ue000", lambda _: next(pieces), text)


def _typo_fr(text: str) -> str:
    text = re.sub(r"(?<=[^\s\u00a0\u202f(\[])[ ]?([;:!?]+)(?=[\s*_»)\"'’]|$)", _NB + r"\1", text)
    text = re.sub(r"(\d)[ ]?%", r"\1" + _NB + "%", text)
    text = re.sub(r"«[ ]?(?=[^\u00a0\u202f])", "«" + _NB, text)
    return re.sub(r"(?<=[^\u00a0\u202f])[ ]?»", _NB + "»", text)


def localized(record, field: str, lang: str | None = None) -> str:
    """A data row's text in the reader's language: ``record[f"{field}_fr"]`` on a French
    page when the row has one (e.g. ``source_fr`` in ``data/assumptions.csv``), else
    ``record[field]``. ``record`` is a mapping or a pandas row; empty values fall back."""
    lang = lang or get_language()
    value = record.get(f"{field}_{lang}") if lang != "en" else None
    if value is None or value != value or str(value).strip() == "":  # missing, NaN or blank
        value = record.get(field)
    return "" if value is None or value != value else str(value)


def locale(lang: str | None = None) -> str:
    """The babel locale for a language (``fr_FR`` or ``en_GB``)."""
    return _LOCALES[lang or get_language()]


#: Shown in place of a number that is not finite (NaN, ±∞): never "NaN" or "∞" in a page.
NOT_A_NUMBER = "—"
#: The largest amount :func:`parse_amount` accepts (in absolute value): a thousand
#: billion, beyond any figure a workshop handles.
MAX_AMOUNT = 1e12


def _finite(x) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError, OverflowError):
        return False


def fmt_number(x: float, decimals: int = 0, lang: str | None = None) -> str:
    """``1234.5`` → ``1 234,5`` (fr) or ``1,234.5`` (en); NaN and ±∞ → ``—``."""
    if not _finite(x):
        return NOT_A_NUMBER
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return _bnumbers.format_decimal(x, format=pattern, locale=locale(lang))


def parse_amount(text: str, lang: str | None = None) -> float:
    """A number as a person types it in ``lang``: ``250 000`` or ``250000,5`` (fr),
    ``250,000`` or ``250000.5`` (en); spaces and a € sign are ignored.

    Raises ``ValueError`` with a sentence for the user when ``text`` is not such a number,
    including a French ``250.000`` (a dot between thousands, which would otherwise read
    as 250), ``inf``, ``nan``, and any amount beyond ± :data:`MAX_AMOUNT` (such as ``1e308``)."""
    import re

    lang = lang or get_language()
    shown = str(text).strip()
    shown = shown if len(shown) <= 40 else shown[:40] + "…"  # a pasted page stays one sentence
    cleaned = re.sub(r"[\s\u00a0\u202f€]|EUR", "", str(text)[:1000], flags=re.IGNORECASE)
    problem = t("ui.not_an_amount", lang, value=shown, example=fmt_number(250000.5, 1, lang))
    if not cleaned or len(cleaned) > 100 or (lang == "fr" and re.search(r"\.\d{3}(?!\d)", cleaned)):
        raise ValueError(problem)
    if lang == "fr":  # babel wants the French thousands separator, which nobody types
        cleaned = cleaned.replace(".", ",") if "," not in cleaned else cleaned
    try:
        number = _bnumbers.parse_decimal(cleaned, locale=locale(lang), strict=True)
    except _bnumbers.NumberFormatError:
        raise ValueError(problem) from None
    if not number.is_finite():  # inf, Infinity, nan
        raise ValueError(problem)
    if abs(number) > MAX_AMOUNT:
        raise ValueError(t("room.amount_too_large", lang, value=shown, limit=fmt_number(MAX_AMOUNT, 0, lang)))
    return float(number)


def fmt_money(x: float, decimals: int = 0, currency: str = "EUR", lang: str | None = None) -> str:
    """``1234567`` → ``1 234 567 €`` (fr) or ``€1,234,567`` (en); NaN and ±∞ → ``—``."""
    if not _finite(x):
        return NOT_A_NUMBER
    digits = "." + "0" * decimals if decimals > 0 else ""
    lang = lang or get_language()
    pattern = f"#,##0{digits}\u00a0¤" if lang == "fr" else f"¤#,##0{digits}"
    return _bnumbers.format_currency(x, currency, format=pattern, locale=locale(lang),
                                     currency_digits=False)


def fmt_percent(share: float, decimals: int = 0, lang: str | None = None) -> str:
    """A share written as a percentage: ``0.125`` → ``12,5 %`` (fr) or ``12.5%`` (en), 1 decimal;
    NaN and ±∞ → ``—``."""
    if not _finite(share):
        return NOT_A_NUMBER
    lang = lang or get_language()
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    pattern += "\u00a0%" if lang == "fr" else "%"
    return _bnumbers.format_percent(share, format=pattern, locale=locale(lang))


def fmt_date(day: _dt.date, lang: str | None = None) -> str:
    """``2026-11-23`` → ``23 nov. 2026`` (fr) or ``23 Nov 2026`` (en)."""
    return _bdates.format_date(day, format="medium", locale=locale(lang))
