"""The trainer's guide, glossary and bibliography: built offline from docs/guide/, reachable
from the home page, complete for every step, with the sample company's figures as the code
computes them, French typography, and no sentence of the source articles."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from cxkit import guide, nav
from cxkit.panels import home

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "guide"
SEEDS = ROOT.parent / "shared" / "seeds"
NB = "\u00a0\u202f"


def _text(stem: str) -> str:
    return (DOCS / f"{stem}.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The pages as ``python -m cxkit.guide`` renders them (into a temporary folder)."""
    target = tmp_path_factory.mktemp("guide")
    guide.build(target=target)
    return target


def test_the_build_makes_every_page_from_current_markdown(built):
    """build: the Markdown's run sheets are current, every page is rendered, and the pages
    Voilà serves (when `make install` has built them) are what the build makes"""
    for stem in guide.PAGES:
        assert guide.fill_run_sheets(_text(stem)) == _text(stem), f"{stem}.md: run `python -m cxkit.guide`"
        fresh = (built / f"{stem}.html").read_text(encoding="utf-8")
        assert "<h1" in fresh
        served = guide.TARGET / f"{stem}.html"
        if served.exists():
            assert fresh == served.read_text(encoding="utf-8"), \
                f"notebooks/guide/{stem}.html is stale: run `make install` or `python -m cxkit.guide`"


@pytest.mark.parametrize("stem", list(guide.PAGES))
def test_pages_load_nothing_from_outside(stem, built):
    """offline: no script, no external stylesheet, image or link in the built pages"""
    page = (built / f"{stem}.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<link" not in page and "<img" not in page
    assert not re.search(r"(src|href)=['\"](https?:)?//", page)


def test_home_links_every_page_and_voila_serves_it():
    """home: the trainer's corner links the guide (in the page's language), glossary and
    bibliography; each file exists and matches voila.json's file_allowlist"""
    allow = json.loads((ROOT / "voila.json").read_text())["VoilaConfiguration"]["file_allowlist"]
    for lang in ("en", "fr"):
        html = home.trainer_html(lang)
        hrefs = re.findall(r"class='cxkit-guide-link'[^>]*href='([^']+)'", html)
        assert hrefs == [f"guide/trainer_{lang}.html", "guide/glossary.html", "guide/bibliography.html"]
        for href in hrefs:
            assert (ROOT / "notebooks" / href).is_file()
            assert any(re.fullmatch(rule, href) for rule in allow), f"Voilà would refuse {href}"
        assert html.count("cxkit-run-sheet-fold") == 2


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_guide_covers_every_step(lang):
    """trainer's guide: a section per step with an opening question, room prompts, objections,
    figures; a debrief for every step with an exercise; the protocol, the law, the fallback,
    the closing round and both run sheets"""
    text = _text(f"trainer_{lang}")
    words = {"en": ("Opening question", "Plenary prompt", "Expected objection", "What the figures show",
                    "Debrief"),
             "fr": ("Question d'ouverture", "Question", "Objection", "Ce que montrent les chiffres",
                    "Débriefing")}[lang]
    sections = re.split(r"\n## ", text)
    for s in nav.STEPS:
        body = next(sec for sec in sections if sec.startswith(f"{s.number} — "))
        for word in words[:3]:
            assert word in body, f"step {s.number} ({lang}) lacks '{word}'"
        if s.number != "00":
            assert words[3] in body and words[4] in body, f"step {s.number} ({lang}) lacks figures or debrief"
    for anchor in ("run-sheet", "manager-cut", "mystery-calls", "law", "fallback", "closing", "prompts"):
        assert f"{{#{anchor}}}" in text
    for law in ("L1222-4", "L2312-38", "CNIL", "CSE"):
        assert law in text
    assert "<!-- run-sheet:full:" in text and "<!-- run-sheet:manager:" in text


def test_guide_quotes_the_sample_company_as_the_code_computes_it():
    """figures: the guide's Helvane figures are those of cxkit (81 of 108 good calls, the
    loss's median, P10 and P90) in each language's format"""
    from cxkit import audit, losses

    grid = audit.load_grid()
    scored = audit.score_calls(audit.primary_calls(audit.load_sample_campaign(grid)), grid)
    assert (int(scored["good"].sum()), len(scored)) == (81, 108)
    b = losses.band(losses.simulate(losses.load_assumptions())["total"])
    en, fr = _text("trainer_en"), _text("trainer_fr")
    for value in (b["median"], b["p10"], b["p90"]):
        assert f"€{round(value):,}" in en
        assert f"{round(value):,}".replace(",", "\u202f") + "\u00a0€" in fr
    assert "108 calls, 81 good (75 %)" in en and "108 appels, 81 bons (75\u00a0%)" in fr


def test_glossary_has_the_workbook_terms():
    """glossary: one entry per technical term the pages use, and the French terms table"""
    text = _text("glossary")
    for anchor in ("exists", "aht", "erlang", "erlang-c", "service-level", "occupancy", "shrinkage",
                   "patience", "wilson", "kappa", "power", "p10-p90", "evpi", "npv", "clv", "french-terms"):
        assert f"{{#{anchor}}}" in text, anchor
    for term in ("carnet", "point critique", "appels mal traités", "part de bons appels", "note moyenne",
                 "fidélisation", "délai de retour sur investissement"):
        assert f"| {term}" in text, term


def test_bibliography_gathers_the_workbook_sources():
    """bibliography: the five source articles and the works the notebooks and docstrings cite"""
    text = _text("bibliography")
    for source in ("Coquelle", "Wilson (1927)", "Newcombe (1998)", "Cohen (1960)", "Fleiss (1971)",
                   "Landis", "Erlang (1917)", "Koole (2013)", "Palm (1943)", "TARP", "Goodman", "Crosby",
                   "Reichheld", "Gupta", "Raiffa", "Chatel", "L121-16", "En-Contact", "Sharp", "Gallo"):
        assert source in text, source
    for seed in ("000", "001", "002", "003", "004"):
        assert f"**{seed}**" in text


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem[:2])
def test_every_notebook_links_glossary_and_bibliography(path):
    """notebooks: each page links the glossary and the bibliography"""
    text = path.read_text(encoding="utf-8")
    assert "guide/glossary.html" in text and "guide/bibliography.html" in text


FRENCH_SPACE = re.compile(rf"[^{NB}]([:;?!%»])|«[^{NB}]")


def _french_faults(text: str) -> list[str]:
    text = re.sub(r"`[^`]*`|\{#[^}]*\}|\]\([^)]*\)|<!--.*?-->|https?://\S+", "", text)
    text = re.sub(r"\|[-:|]+\|", "", text)  # table rules
    faults = []
    for m in FRENCH_SPACE.finditer(text):
        if m.group(1) in (":",) and text[m.start()].isdigit():  # 1:10, 22:209
            continue
        if m.group(1) == "!" and text[m.start()] in "<":
            continue
        faults.append(text[max(0, m.start() - 25):m.end() + 5])
    return faults


def test_french_typography_in_the_french_guide_and_labels():
    """French: a no-break space before : ; ? ! % and » and after « in the French guide and in
    the French labels of nav.json and guide.json"""
    assert _french_faults(_text("trainer_fr")) == []
    for name in ("nav", "guide"):
        labels = json.loads((ROOT / "cxkit" / "locale" / f"{name}.json").read_text(encoding="utf-8"))
        for key, value in labels.items():
            assert _french_faults(value["fr"].replace("**", "")) == [], key


def _shingles(text: str, size: int = 8) -> set[str]:
    text = unicodedata.normalize("NFKD", text.lower())
    words = re.findall(r"[a-z0-9]+", "".join(c for c in text if not unicodedata.combining(c)))
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source articles are not beside the repository")
def test_no_sentence_of_the_source_articles_is_copied():
    """own words: no run of eight words of a source article in the guide, glossary or bibliography"""
    seeds = set().union(*(_shingles(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")))
    for stem in guide.PAGES:
        assert _shingles(_text(stem)) & seeds == set(), stem
