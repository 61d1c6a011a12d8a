"""Every notebook's narrative exists in English and French, cell by cell, and the two stay in step.

The rule (see ``share/jupyter/voila/templates/cxkit/index.html.j2``): each markdown cell
tagged ``lang-en`` is immediately followed by its French translation tagged ``lang-fr``.
An untagged markdown cell is allowed only if it holds no prose (headings only).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LANG_TAGS = {"lang-en", "lang-fr"}
LINK = re.compile(r"\]\(([^)\s]+)[^)]*\)")
CODE_SPAN = re.compile(r"`([^`]+)`")
HEADING = re.compile(r"^(#{1,6})\s", re.M)
#: Signs of French: common short words, elisions (l', d', qu'…) or a space before : ; ? !
#: A French cell has some; an English cell left untranslated has none.
FRENCH_SIGNS = re.compile(r"\b(le|la|les|des|du|une|et|est|vous|votre|pour|dans|qui|que|sur|avec)\b"
                          r"|\b(?:l|d|qu|n|s|j|c)['’]\w|\w[\u00a0\u202f ][:;?!](?:\s|$)", re.I)


def _markdown(path: Path) -> list[tuple[int, str, set[str]]]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [(i, "".join(c["source"]), set(c.get("metadata", {}).get("tags", [])) & LANG_TAGS)
            for i, c in enumerate(cells) if c["cell_type"] == "markdown"]


def _pairs(path: Path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for i, cell in enumerate(cells):
        if "lang-en" in cell.get("metadata", {}).get("tags", []):
            yield i, "".join(cell["source"]), "".join(cells[i + 1]["source"]) if i + 1 < len(cells) else ""


def _only_headings(text: str) -> bool:
    return all(line.lstrip().startswith("#") for line in text.splitlines() if line.strip())


def test_every_notebook_is_checked():
    """bilingual: the check sees the workshop's notebooks (home page and step 01 at least)"""
    names = {p.name for p in NOTEBOOKS}
    assert {"00_workshop.ipynb", "01_the_customer_is_a_human.ipynb"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_markdown_is_tagged_or_has_no_prose(path):
    """bilingual: each markdown cell is tagged lang-en or lang-fr, or holds headings only"""
    untagged = [i for i, text, tags in _markdown(path) if not tags and not _only_headings(text)]
    both = [i for i, _, tags in _markdown(path) if tags == LANG_TAGS]
    assert untagged == [], f"markdown cells with prose but no lang tag: {untagged}"
    assert both == [], f"cells tagged with both languages: {both}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_cells_come_in_english_then_french_pairs(path):
    """bilingual: every lang-en cell is followed at once by a lang-fr cell, and every lang-fr cell follows one"""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    tags = [set(c.get("metadata", {}).get("tags", [])) & LANG_TAGS for c in cells]
    for i, tag in enumerate(tags):
        if tag == {"lang-en"}:
            assert i + 1 < len(cells) and tags[i + 1] == {"lang-fr"} and cells[i + 1]["cell_type"] == "markdown", \
                f"cell {i} (lang-en) is not followed by its French cell"
        if tag == {"lang-fr"}:
            assert i > 0 and tags[i - 1] == {"lang-en"}, f"cell {i} (lang-fr) does not follow an English cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_pairs_stay_in_step(path):
    """bilingual: each French cell keeps its English twin's headings, links and code, and is translated"""
    for i, en, fr in _pairs(path):
        where = f"cells {i}/{i + 1}"
        assert [len(h) for h in HEADING.findall(en)] == [len(h) for h in HEADING.findall(fr)], \
            f"{where}: headings differ"
        assert LINK.findall(en) == LINK.findall(fr), f"{where}: links differ"
        assert sorted(CODE_SPAN.findall(en)) == sorted(CODE_SPAN.findall(fr)), f"{where}: code spans differ"
        assert en.strip() != fr.strip(), f"{where}: the French cell repeats the English one"
        prose = CODE_SPAN.sub(" ", re.sub(r"\]\([^)]*\)", "]", fr))
        if len(prose.split()) >= 6:
            assert FRENCH_SIGNS.search(prose), f"{where}: the French cell does not read as French"


def test_the_rule_catches_a_drifting_pair(tmp_path):
    """bilingual: a French cell that lost a link or an untranslated one is caught"""
    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {"tags": ["lang-en"]}, "source": "See [02](02_x.ipynb) for the audit of calls."},
        {"cell_type": "markdown", "metadata": {"tags": ["lang-fr"]}, "source": "Voir le carnet 02 pour l'audit des appels."},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "99_x.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(AssertionError, match="links differ"):
        test_pairs_stay_in_step(path)
    nb["cells"][1]["source"] = "See [02](02_x.ipynb) for the audit of the calls."
    path.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(AssertionError, match="does not read as French"):
        test_pairs_stay_in_step(path)
    nb["cells"].reverse()
    path.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(AssertionError, match="not followed|does not follow"):
        test_cells_come_in_english_then_french_pairs(path)
