"""The trainer's guide, glossary and bibliography: Markdown in ``docs/guide/`` rendered to
HTML pages that open offline from the app.

The Markdown is the text a trainer prints or edits; the HTML pages are built from it into
``notebooks/guide/``, the folder Voilà serves files from (``voila.json`` lets it serve
``guide/*.html``), so the home page links to them with a plain relative address::

    python -m cxkit.guide          # rebuild notebooks/guide/*.html after editing the Markdown

``make install`` runs it (the pages are generated, not committed); ``tests/test_guide.py``
checks that the pages Voilà serves are what this build makes.
Each page is self-contained: its style is inline, it loads nothing from anywhere.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "docs" / "guide"
TARGET = ROOT / "notebooks" / "guide"
#: The pages built: Markdown file stem → language of the page (``""`` for both).
PAGES = {"trainer_en": "en", "trainer_fr": "fr", "glossary": "", "bibliography": ""}

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:52em;margin:2em auto;
padding:0 1.2em;line-height:1.5;color:#222}
h1{color:#264653;font-size:1.7em}h2{color:#264653;border-bottom:2px solid #e9c46a;padding-bottom:.15em;
margin-top:1.8em}h3{color:#2a6f97}h4{margin-bottom:.3em}
table{border-collapse:collapse;margin:.8em 0}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;
vertical-align:top}th{background:#f4f1e8}td.num,th.num{text-align:right}
code{background:#f4f4f4;padding:0 .2em}blockquote{border-left:4px solid #e9c46a;margin:.8em 0;
padding:.2em 1em;background:#fbf8ef}
a{color:#2a6f97}nav.cxkit-guide-nav{font-size:.9em;margin-bottom:1em}
@media print{body{max-width:none;margin:0;font-size:10.5pt}nav.cxkit-guide-nav{display:none}
h2{break-before:auto;break-after:avoid}h3{break-after:avoid}table,blockquote{break-inside:avoid}
a{color:inherit;text-decoration:none}}
"""

NAV = ("<nav class='cxkit-guide-nav'><a href='trainer_en.html'>Trainer's guide</a> · <a href='trainer_fr.html'>Guide du formateur</a> · "
       "<a href='glossary.html'>Glossary · Glossaire</a> · "
       "<a href='bibliography.html'>Bibliography · Bibliographie</a></nav>")


MARKER = re.compile(r"(<!-- run-sheet:(full|manager):(en|fr) -->\n)(.*?)(<!-- /run-sheet -->)", re.S)


def run_sheet_markdown(cut: str = "full", lang: str = "en") -> str:
    """The run sheet of ``cut`` as a Markdown table (from :mod:`cxkit.nav`, the one source):
    start, step, teaching / practice / discussion minutes, length, what to skip when late."""
    from . import nav
    from .i18n import t

    head = [t(k, lang) for k in ("nav.start", "nav.step", "nav.teaching", "nav.practice",
                                 "nav.discussion", "nav.duration", "nav.skip")]
    lines = ["| " + " | ".join(head) + " |", "|---|---|--:|--:|--:|--:|---|"]
    for slot, start, _ in nav.schedule(cut):
        if slot.is_break:
            lines.append(f"| {nav.clock(start)} | *{slot.label(lang)}* | | | | {slot.minutes}\u00a0min | |")
        else:
            lines.append(f"| {nav.clock(start)} | {slot.slug[:2]} — {slot.label(lang)} | {slot.teaching} | "
                         f"{slot.practice} | {slot.discussion} | **{slot.minutes}\u00a0min** | {slot.skip(lang, cut)} |")
    total = sum(s.minutes for s in nav.run_sheet(cut))
    lines.append(f"| | **{t('nav.total', lang)}** | | | | **{total}\u00a0min** | |")
    return "\n".join(lines) + "\n"


def fill_run_sheets(text: str) -> str:
    """``text`` with the table between each ``<!-- run-sheet:CUT:LANG -->`` marker and
    ``<!-- /run-sheet -->`` replaced by :func:`run_sheet_markdown` (so the printed guide
    keeps the app's minutes)."""
    return MARKER.sub(lambda m: m.group(1) + run_sheet_markdown(m.group(2), m.group(3)) + m.group(5), text)


def render(text: str, lang: str = "") -> str:
    """A whole HTML page from the Markdown ``text``: tables, ``{#id}`` anchors on headings,
    the workbook's inline style, a navigation line (hidden when printed); its title is the
    first heading. ``lang`` is the page's language (``""``: French and English)."""
    import markdown

    body = markdown.markdown(text, extensions=["tables", "attr_list", "sane_lists", "toc"],
                             output_format="html")
    title = re.search(r"^#\s+(.+?)(\s*\{#[^}]*\})?\s*$", text, re.M)
    title = html.escape(title.group(1)) if title else "cxkit"
    return ("<!DOCTYPE html>\n"
            f"<html lang='{lang or 'fr'}'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{title}</title><style>{STYLE.strip()}</style></head>\n"
            f"<body class='cxkit-guide'>{NAV}\n{body}\n</body></html>\n")


def build(source: Path = SOURCE, target: Path = TARGET) -> list[Path]:
    """Refresh the run sheets in the Markdown of ``source``, then render every page of
    :data:`PAGES` into ``target``; returns the HTML files written."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, lang in PAGES.items():
        md = source / f"{stem}.md"
        text = md.read_text(encoding="utf-8")
        filled = fill_run_sheets(text)
        if filled != text:
            md.write_text(filled, encoding="utf-8")
        page = render(filled, lang)
        out = target / f"{stem}.html"
        out.write_text(page, encoding="utf-8")
        written.append(out)
    return written


if __name__ == "__main__":  # python -m cxkit.guide
    for path in build():
        print(path.relative_to(ROOT))
