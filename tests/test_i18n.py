"""cxkit.i18n: every label in both languages, numbers written as each language writes them."""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from cxkit import i18n
from cxkit.i18n import fmt_date, fmt_money, fmt_number, fmt_percent, parse_amount, t

NNBSP, NBSP = "\u202f", "\u00a0"
LOCALE_DIR = Path(i18n.__file__).parent / "locale"


def test_every_label_exists_in_both_languages():
    """labels: no key exists in one language only, and none is empty"""
    missing = {key: sorted(set(i18n.LANGUAGES) - set(texts)) for key, texts in i18n.labels().items()
               if set(texts) != set(i18n.LANGUAGES) or not all(str(v).strip() for v in texts.values())}
    assert missing == {}


def test_placeholders_match_between_languages():
    """labels: the French and English texts use the same {placeholders}"""
    field = re.compile(r"{(\w+)}")
    odd = {key: texts for key, texts in i18n.labels().items()
           if set(field.findall(texts["en"])) != set(field.findall(texts["fr"]))}
    assert odd == {}


def test_no_key_defined_in_two_files():
    """labels: each key lives in one locale file only"""
    seen: dict[str, str] = {}
    for path in sorted(LOCALE_DIR.glob("*.json")):
        for key in json.loads(path.read_text(encoding="utf-8")):
            assert key not in seen, f"{key} in {seen.get(key)} and {path.name}"
            seen[key] = path.name


def test_t_fills_placeholders_in_each_language():
    """t: a label with a placeholder reads right in French and English"""
    assert t("io.not_a_number", "en", value="abc") == "'abc' is not a number"
    assert t("io.not_a_number", "fr", value="abc") == "«\u00a0abc\u00a0» n'est pas un nombre"


def test_money_as_each_language_writes_it():
    """fmt_money: 1234567 € is '1 234 567 €' in French and '€1,234,567' in English"""
    assert fmt_money(1234567, lang="fr") == f"1{NNBSP}234{NNBSP}567{NBSP}€"
    assert fmt_money(1234567, lang="en") == "€1,234,567"
    assert fmt_money(1234.5, decimals=2, lang="fr") == f"1{NNBSP}234,50{NBSP}€"


def test_numbers_percent_dates():
    """fmt_number, fmt_percent, fmt_date follow each language's conventions"""
    assert fmt_number(1234.5, 1, lang="fr") == f"1{NNBSP}234,5"
    assert fmt_number(1234.5, 1, lang="en") == "1,234.5"
    assert fmt_percent(0.125, 1, lang="fr") == f"12,5{NBSP}%"
    assert fmt_percent(0.125, 1, lang="en") == "12.5%"
    assert fmt_date(dt.date(2026, 11, 23), lang="fr") == "23 nov. 2026"
    assert fmt_date(dt.date(2026, 11, 23), lang="en") == "23 Nov 2026"


def test_language_resolution_order(monkeypatch, tmp_path):
    """resolve_language: ?lang= beats CXKIT_LANG, which beats the saved choice, then French"""
    monkeypatch.setenv("CXKIT_DB", str(tmp_path / "db.sqlite"))
    monkeypatch.delenv("CXKIT_LANG", raising=False)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    assert i18n.resolve_language() == "fr"
    from cxkit import workshop  # keeps the saved language in the store's settings

    i18n.set_language("en", remember=True)
    assert workshop.language() == "en"
    assert i18n.resolve_language() == "en"
    monkeypatch.setenv("CXKIT_LANG", "fr")
    assert i18n.resolve_language() == "fr"
    monkeypatch.setenv("QUERY_STRING", "lang=en&x=1")
    assert i18n.resolve_language() == "en"


def test_set_language_refuses_unknown():
    """set_language: only fr and en are accepted"""
    with pytest.raises(ValueError):
        i18n.set_language("de")


@pytest.mark.parametrize("lang, text, amount", [
    ("fr", "250 000", 250000.0), ("fr", "250\u202f000 €", 250000.0), ("fr", "1 234,5", 1234.5),
    ("fr", "250000", 250000.0), ("fr", "12.5", 12.5), ("fr", "0,25", 0.25),
    ("en", "250,000", 250000.0), ("en", "€250,000", 250000.0), ("en", "1,234.5", 1234.5),
    ("en", " 250000 ", 250000.0), ("en", "250000 EUR", 250000.0),
])
def test_parse_amount_reads_numbers_as_each_language_types_them(lang, text, amount):
    assert parse_amount(text, lang) == amount


@pytest.mark.parametrize("lang, text", [
    ("fr", "250.000"), ("fr", "1.234.567"), ("fr", "abc"), ("fr", ""), ("en", "1,5"), ("en", "12 k"),
])
def test_parse_amount_refuses_what_is_not_an_amount_or_is_ambiguous(lang, text):
    """a French 250.000 would read as 250: refused, with an example in the right format"""
    with pytest.raises(ValueError) as err:
        parse_amount(text, lang)
    example = "250 000,5" if lang == "fr" else "250,000.5"
    assert example in str(err.value).replace("\u202f", " ").replace("\u00a0", " ")


def test_localized_takes_the_row_s_french_text_on_a_french_page_else_the_plain_one():
    """localized: source_fr on a French page, source on an English page or when source_fr is blank or NaN"""
    from cxkit.i18n import localized

    row = {"source": "TARP (1986)", "source_fr": "TARP (1986), en français"}
    assert localized(row, "source", "fr") == "TARP (1986), en français"
    assert localized(row, "source", "en") == "TARP (1986)"
    assert localized({"source": "x", "source_fr": float("nan")}, "source", "fr") == "x"
    assert localized({"source": "x", "source_fr": "  "}, "source", "fr") == "x"
    assert localized({"source": "x"}, "source", "fr") == "x"
