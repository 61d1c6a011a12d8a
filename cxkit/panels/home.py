"""The home page's panel: language choice, what the workshop is for, the map of steps,
and the trainer's corner (the guide, the glossary, the bibliography and the run sheet)."""
from __future__ import annotations

import html

import ipywidgets as widgets

from .. import nav, workshop
from ..i18n import get_language, set_language, t
from .base import Status, guarded, styled

#: Where the rendered guide lives, relative to the notebooks (``python -m cxkit.guide``
#: writes it; Voilà serves it as a file, so it opens offline).
GUIDE_DIR = "guide"


def guide_href(page: str, lang: str | None = None) -> str:
    """The relative link to a page of the rendered guide: ``"trainer"`` (one per
    language), ``"glossary"`` or ``"bibliography"`` (both languages in one page)."""
    if page == "trainer":
        return f"{GUIDE_DIR}/trainer_{lang or get_language()}.html"
    return f"{GUIDE_DIR}/{page}.html"


def _intro_html(lang: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(t(f'home.intro{i}', lang))}</p>" for i in (1, 2, 3))
    return f"<h3>{html.escape(t('home.heading', lang))}</h3>{paragraphs}"


def trainer_html(lang: str) -> str:
    """Links to the trainer's guide, the glossary and the bibliography (they open in a new
    tab, offline), and the run sheet of both cuts in folds."""
    links = " · ".join(
        f"<a class='cxkit-guide-link' data-page='{page}' target='_blank' "
        f"href='{html.escape(guide_href(page, lang))}'>{html.escape(t(f'guide.link.{page}', lang))}</a>"
        for page in ("trainer", "glossary", "bibliography"))
    folds = "".join(
        f"<details class='cxkit-run-sheet-fold'><summary>{html.escape(t(f'guide.run_sheet.{cut}', lang))}</summary>"
        f"{nav.run_sheet_html(cut, lang)}</details>" for cut in ("full", "manager"))
    console = (f"<p><a class='cxkit-console-link' href='{html.escape(f'trainer.ipynb?lang={lang}')}'>"
               f"{html.escape(t('console.link', lang))}</a> · {html.escape(t('console.link_note', lang))}</p>")
    return (f"<h4>{html.escape(t('guide.trainer_heading', lang))}</h4>"
            f"<p class='cxkit-guide-links'>{links}</p>{console}{folds}")


def home_panel() -> widgets.VBox:
    """Language buttons, the introduction, the map and the trainer's corner, redrawn in
    the chosen language.

    The choice is saved for the notebooks opened next, and every link carries it
    (``?lang=``) so each participant's browser keeps its own language in Voilà.
    """
    lang = get_language()
    choice = styled(widgets.ToggleButtons(
        options=[(t("lang.name", "fr"), "fr"), (t("lang.name", "en"), "en")], value=lang,
        description=t("lang.choose", lang)), "cxkit-language")
    intro = styled(widgets.HTML(_intro_html(lang)), "cxkit-intro")
    steps = styled(widgets.HTML(nav.workshop_map_html(lang)), "cxkit-map-box")
    trainer = styled(widgets.HTML(trainer_html(lang)), "cxkit-trainer-box")
    status = Status()

    @guarded(status)
    def on_change(change):
        new = workshop.save_language(set_language(change["new"]))  # kept in the store's settings
        choice.description = t("lang.choose", new)
        intro.value = _intro_html(new)
        steps.value = nav.workshop_map_html(new)
        trainer.value = trainer_html(new)
        status.ok(t("home.language_saved", new))

    choice.observe(on_change, names="value")
    return widgets.VBox([choice, status, intro, steps, trainer])
