"""The workshop's map: the notebooks in order, with their goal and expected duration."""
from __future__ import annotations

import html
from dataclasses import dataclass

from .i18n import get_language, t


@dataclass(frozen=True)
class Step:
    """One notebook of the workshop path."""

    slug: str      # file name without .ipynb
    minutes: int   # expected duration in a workshop

    @property
    def filename(self) -> str:
        return f"{self.slug}.ipynb"

    @property
    def number(self) -> str:
        return self.slug[:2]

    def title(self, lang: str | None = None) -> str:
        return t(f"nav.{self.slug}.title", lang)

    def goal(self, lang: str | None = None) -> str:
        return t(f"nav.{self.slug}.goal", lang)


STEPS = (
    Step("00_workshop", 5),
    Step("01_the_customer_is_a_human", 20),
    Step("02_designing_the_phone_audit", 30),
    Step("03_scoring_the_phone_audit", 40),
    Step("04_the_double_penalty", 30),
    Step("05_estimating_the_losses", 40),
    Step("06_customers_are_never_acquired", 25),
    Step("07_the_demanding_customer", 25),
    Step("08_workshop_report", 15),
)


def step(slug: str) -> Step:
    """The step whose slug is ``slug``."""
    return next(s for s in STEPS if s.slug == slug)


def link(s: Step, lang: str | None = None) -> str:
    """A relative link to a step that keeps the language in Voilà (``?lang=``).

    JupyterLab ignores the query and opens the notebook; Voilà passes it to the kernel.
    """
    return f"{s.filename}?lang={lang or get_language()}"


def workshop_map_html(lang: str | None = None) -> str:
    """The map of the workshop as an HTML table: step, goal, minutes, link."""
    lang = lang or get_language()
    rows = []
    for s in STEPS[1:]:
        rows.append(
            "<tr>"
            f"<td style='padding:4px 8px'><b>{s.number}</b></td>"
            f"<td style='padding:4px 8px'><a class='cxkit-step-link' href='{html.escape(link(s, lang))}'>"
            f"{html.escape(s.title(lang))}</a></td>"
            f"<td style='padding:4px 8px'>{html.escape(s.goal(lang))}</td>"
            f"<td style='padding:4px 8px;text-align:right'>{s.minutes}&nbsp;min</td>"
            "</tr>"
        )
    head = (f"<tr><th></th><th style='text-align:left'>{html.escape(t('nav.step', lang))}</th>"
            f"<th style='text-align:left'>{html.escape(t('nav.goal', lang))}</th>"
            f"<th>{html.escape(t('nav.duration', lang))}</th></tr>")
    total = sum(s.minutes for s in STEPS)
    foot = (f"<tr><td></td><td colspan='2' style='padding:4px 8px'>{html.escape(t('nav.total', lang))}</td>"
            f"<td style='padding:4px 8px;text-align:right'>{total}&nbsp;min</td></tr>")
    return f"<table class='cxkit-map'>{head}{''.join(rows)}{foot}</table>"


def next_link_html(slug: str, lang: str | None = None) -> str:
    """"Next step" and "home" links for the end of a notebook."""
    lang = lang or get_language()
    index = [s.slug for s in STEPS].index(slug)
    parts = [f"<a href='{html.escape(link(STEPS[0], lang))}'>{html.escape(t('nav.home', lang))}</a>"]
    if index + 1 < len(STEPS):
        nxt = STEPS[index + 1]
        parts.append(f"<a class='cxkit-next' href='{html.escape(link(nxt, lang))}'>"
                     f"{html.escape(t('nav.next', lang))} {nxt.number} — {html.escape(nxt.title(lang))} →</a>")
    return " · ".join(parts)
