"""The pages a participant reads: no raw Python in any output, French typography in every
French label and cell, and exercise answers folded until asked for."""
from __future__ import annotations

import html as _html
import json
import re
from pathlib import Path

import pytest

from cxkit import i18n
from cxkit.i18n import french_typography

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NB = "\u00a0"

#: What a Python repr looks like when it reaches a page.
RAW = re.compile(r"np\.float64\(|dtype:|\{'|\('|Name:|array\(|<cxkit\.|DataFrame|object at 0x")
#: The richest output a page shows, first found wins; a widget is drawn, not its repr.
SHOWN = ("application/vnd.jupyter.widget-view+json", "text/html", "image/svg+xml", "image/png", "text/plain")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _visible_text(output: dict) -> str:
    """The text a participant sees for one output ('' for a widget or an image)."""
    if output.get("output_type") == "stream":
        return "".join(output.get("text", ""))
    data = output.get("data", {})
    kind = next((k for k in SHOWN if k in data), None)
    if kind == "text/plain":
        return "".join(data[kind])
    if kind == "text/html":
        page = re.sub(r"<(style|script)\b.*?</\1>", " ", "".join(data[kind]), flags=re.S | re.I)
        return _html.unescape(re.sub(r"<[^>]+>", " ", page))
    return ""


def raw_outputs(path: Path) -> list[str]:
    """Cells (1-based, as the project checks count them) whose outputs show a Python repr."""
    found = []
    for number, cell in enumerate(_cells(path), 1):
        for output in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            text = _visible_text(output)
            match = RAW.search(text)
            if match:
                found.append(f"cell {number}: {text[max(0, match.start() - 20):match.end() + 30]!r}")
    return found


def test_raw_output_check_catches_reprs():
    """raw output: a dict, a Series and np.float64 are caught; a widget's repr and a table are not"""
    shown = [{"output_type": "execute_result", "data": {"text/plain": "{'minutes': 60.0}"}},
             {"output_type": "execute_result", "data": {"text/plain": "loss 1.0\nName: loss, dtype: float64"}},
             {"output_type": "stream", "text": "np.float64(0.25)"}]
    hidden = [{"output_type": "execute_result", "data": {
                  "application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                  "text/plain": "VBox(children=(HTML(value='x'),))"}},
              {"output_type": "display_data", "data": {"text/html": "<table><tr><td>12,5&nbsp;%</td></tr></table>",
                                                       "text/plain": "('a', 1)"}}]
    assert all(RAW.search(_visible_text(o)) for o in shown)
    assert not any(RAW.search(_visible_text(o)) for o in hidden)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_raw_python_in_what_a_participant_sees(path):
    """raw output: no committed output of a notebook shows a Python repr (dict, tuple, Series, np.float64…)"""
    assert raw_outputs(path) == []


# --- French typography -------------------------------------------------------------------

_SP = f"{NB}\u202f"
_SKIP = re.compile(r"`[^`]*`|\$[^$]*\$|<[^>]+>|\]\([^)]*\)|https?://\S+|\{[^{}]*\}")
#: A quoted title in English keeps its own punctuation (« Zero defections: quality… »).
_ENGLISH_QUOTE = re.compile(rf"«[{_SP}]?[^»]*\b(?:the|of|and|in|an|for|to|on)\b[^»]*»"
                            r"|\*[^*\n]*\b(?:the|of|and|in|an|for|to|on)\b[^*\n]*\*", re.I)
_RULES = {
    "no-break space before ; : ! ?": re.compile(rf"(?<=[^\s{_SP}(\[\ue000])[ ]?[;:!?]+(?=[\s*_»)\"'’]|$)"),
    "no-break space before % after a number": re.compile(r"\d ?%"),
    "no-break space after «": re.compile(rf"«(?![{_SP}])"),
    "no-break space before »": re.compile(rf"(?<![{_SP}])»"),
}


def typography_problems(text: str) -> list[str]:
    """Where a French text breaks the spacing rules (code, tags, links and English titles
    left out)."""
    clean = _ENGLISH_QUOTE.sub("\ue000", _SKIP.sub("\ue000", text))
    return [f"{rule}: …{clean[max(0, m.start() - 25):m.end() + 5]}…"
            for rule, pattern in _RULES.items() for m in pattern.finditer(clean)]


def test_typography_check_and_fix_agree_by_hand():
    """French typography: hand-written cases are fixed as a French editor would, and the check sees it"""
    assert french_typography("Objectif : noter") == f"Objectif{NB}: noter"
    assert french_typography("quoi?") == f"quoi{NB}?"
    assert french_typography("à 95 % près") == f"à 95{NB}% près"
    assert french_typography("« avéré »") == f"«{NB}avéré{NB}»"
    assert french_typography("`a;b` à 10:30, voir http://x.fr/?a=b") == "`a;b` à 10:30, voir http://x.fr/?a=b"
    assert french_typography("{n} : {m}") == f"{{n}}{NB}: {{m}}"
    assert french_typography(f"déjà{NB}: bon") == f"déjà{NB}: bon"
    assert typography_problems("Objectif : noter à 95 %, « avéré »") != []
    assert typography_problems(french_typography("Objectif : noter à 95 %, « avéré »")) == []
    assert typography_problems("« Zero defections: quality comes to services »") == []


def test_every_french_label_follows_french_typography():
    """French typography: every French label, as the pages show it (through i18n.t), spaces : ; ? ! % and « » right"""
    bad = {key: typography_problems(i18n.t(key, "fr")) for key in i18n.labels()}
    assert {k: v for k, v in bad.items() if v} == {}


def test_french_label_sources_follow_french_typography():
    """French typography: the locale files themselves are right, not only what t() shows"""
    bad = {}
    for path in sorted((ROOT / "cxkit" / "locale").glob("*.json")):
        for key, texts in json.loads(path.read_text(encoding="utf-8")).items():
            problems = typography_problems(texts.get("fr", ""))
            if problems:
                bad[f"{path.name}:{key}"] = problems
    assert bad == {}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_french_cell_follows_french_typography(path):
    """French typography: every lang-fr markdown cell spaces : ; ? ! % and « » right"""
    bad = {number: typography_problems("".join(cell["source"])) for number, cell in enumerate(_cells(path), 1)
           if "lang-fr" in cell.get("metadata", {}).get("tags", [])}
    assert {k: v for k, v in bad.items() if v} == {}


# --- folded answers ----------------------------------------------------------------------

def _solution_cells(path: Path) -> list[tuple[int, dict]]:
    return [(n, c) for n, c in enumerate(_cells(path), 1) if "solution" in c.get("metadata", {}).get("tags", [])]


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if re.match(r"0[1-8]_", p.name)], ids=lambda p: p.stem)
def test_every_answer_is_folded(path):
    """answers: every exercise's answer cell runs inside answers.answer("NN.k"), and no answer is left as open markdown"""
    cells = _solution_cells(path)
    assert cells, "an exercise without an answer cell"
    for number, cell in cells:
        source = "".join(cell["source"])
        assert cell["cell_type"] == "code", f"cell {number}: a markdown answer shows unfolded in the app"
        key = re.search(r'answers\.answer\("(\d\d\.\d+)"\)', source)
        assert key and key.group(1).startswith(path.stem[:2]), f"cell {number} is not folded"
        assert f'explain("{key.group(1)}")' not in source or f"pages.answer.{key.group(1)}" in i18n.labels()


def test_fold_is_closed_opens_on_click_and_follows_the_room(tmp_path, monkeypatch):
    """answers: a fold is closed with "Show the answer", a click opens it, and a key the trainer revealed opens it at once"""
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setenv("CXKIT_DB", str(tmp_path / "room.sqlite"))
    from cxkit import workshop
    from cxkit.panels import answers

    had_shell = InteractiveShell.initialized()
    InteractiveShell.instance()  # display() is captured only inside IPython, as in a kernel
    try:
        i18n.set_language("en")
        ran = []
        with answers.answer("03.1") as fold:
            ran.append(True)
            answers.figures([("pages.fig.relative_gain", "+45 %")])
            answers.explain("03.1")
        assert ran and not fold.is_open and fold.body.layout.display == "none"
        assert fold.button.description == "Show the answer"
        assert len(fold.body.children) == 2 and "cxkit-figures" in fold.body.children[0].value
        fold.button.value = True  # the click
        assert fold.body.layout.display is None and fold.button.description == "Hide the answer"

        i18n.set_language("fr")
        workshop.reveal("03.1", store=workshop.store())
        with answers.answer("03.1") as revealed:
            pass
        assert revealed.is_open and revealed.button.description == "Masquer la réponse"
        with answers.answer("03.2") as other:
            pass
        assert not other.is_open and other.button.description == "Voir la réponse"
    finally:
        i18n.set_language("en")
        if not had_shell:  # later tests see no IPython, as before
            InteractiveShell.clear_instance()


def test_an_error_in_an_answer_is_raised_not_hidden():
    """answers: the block's error reaches nbval (the fold does not swallow it)"""
    from cxkit.panels import answers

    with pytest.raises(ZeroDivisionError):
        with answers.answer("01.1"):
            1 / 0  # noqa: B018


def test_answer_markdown_is_escaped():
    """answers: the explanation's Markdown gives paragraphs, bold and italics, and escapes HTML"""
    from cxkit.panels.answers import markdown_html

    assert markdown_html("**a** *b* <i>\n\nc") == "<p><strong>a</strong> <em>b</em> &lt;i&gt;</p><p>c</p>"
