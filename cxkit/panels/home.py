"""The home page's panel: language choice, what the workshop is for, the map of steps."""
from __future__ import annotations

import html

import ipywidgets as widgets

from .. import nav
from ..i18n import get_language, set_language, t
from .base import Status, guarded, styled


def _intro_html(lang: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(t(f'home.intro{i}', lang))}</p>" for i in (1, 2, 3))
    return f"<h3>{html.escape(t('home.heading', lang))}</h3>{paragraphs}"


def home_panel() -> widgets.VBox:
    """Language buttons, the introduction and the map, redrawn in the chosen language.

    The choice is saved for the notebooks opened next, and every link carries it
    (``?lang=``) so each participant's browser keeps its own language in Voilà.
    """
    lang = get_language()
    choice = styled(widgets.ToggleButtons(
        options=[(t("lang.name", "fr"), "fr"), (t("lang.name", "en"), "en")], value=lang,
        description=t("lang.choose", lang)), "cxkit-language")
    intro = styled(widgets.HTML(_intro_html(lang)), "cxkit-intro")
    steps = styled(widgets.HTML(nav.workshop_map_html(lang)), "cxkit-map-box")
    status = Status()

    @guarded(status)
    def on_change(change):
        new = set_language(change["new"], remember=True)
        choice.description = t("lang.choose", new)
        intro.value = _intro_html(new)
        steps.value = nav.workshop_map_html(new)
        status.ok(t("home.language_saved", new))

    choice.observe(on_change, names="value")
    return widgets.VBox([choice, status, intro, steps])
