"""The workshop's map and its run sheet: the one source for every step's minutes.

The run sheet (:data:`RUN_SHEET`) splits the three-hour workshop into steps and two
breaks; each step has its minutes of teaching, practice and discussion and what to skip
when the room runs late. The manager's cut (:data:`MANAGER_CUT`) is the 90-minute path
03 → 05 → 08. The home page's map (:func:`workshop_map_html`), the duration line at the
top of each notebook (:func:`duration_line`, checked by ``tests/test_nav.py``), the
trainer's guide and the trainer's console all read these two tuples.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from .i18n import get_language, t

#: The full workshop's length in minutes, breaks included (tests/test_nav.py checks the sum).
FULL_MINUTES = 180
#: The manager's cut's length in minutes.
MANAGER_MINUTES = 90


@dataclass(frozen=True)
class Slot:
    """One line of the run sheet: a notebook to work through, or a break.

    ``slug`` is the notebook's file name without ``.ipynb`` for a step, ``"break1"`` or
    ``"break2"`` for a break. A break has only ``rest`` minutes.
    """

    slug: str
    teaching: int = 0     # the trainer presents (minutes)
    practice: int = 0     # participants work in the app (minutes)
    discussion: int = 0   # the room talks: opening question, prompts, debrief (minutes)
    rest: int = 0         # a break (minutes)

    @property
    def is_break(self) -> bool:
        return self.slug.startswith("break")

    @property
    def minutes(self) -> int:
        """The slot's length: teaching + practice + discussion + rest."""
        return self.teaching + self.practice + self.discussion + self.rest

    def label(self, lang: str | None = None) -> str:
        """The step's title, or "Break" for a break."""
        return t("nav.break", lang) if self.is_break else t(f"nav.{self.slug}.title", lang)

    def skip(self, lang: str | None = None, cut: str = "full") -> str:
        """What to leave out of this step when the room runs late ('' for a break)."""
        if self.is_break:
            return ""
        key = f"nav.{self.slug}.skip_manager" if cut == "manager" else f"nav.{self.slug}.skip"
        return t(key, lang)


#: The 180-minute workshop: nine steps and two breaks, in order.
RUN_SHEET: tuple[Slot, ...] = (
    Slot("00_workshop", teaching=2, discussion=3),
    Slot("01_the_customer_is_a_human", teaching=5, practice=7, discussion=8),
    Slot("02_designing_the_phone_audit", teaching=5, practice=6, discussion=4),
    Slot("03_scoring_the_phone_audit", teaching=7, practice=15, discussion=8),
    Slot("break1", rest=10),
    Slot("04_the_double_penalty", teaching=6, practice=6, discussion=8),
    Slot("05_estimating_the_losses", teaching=8, practice=10, discussion=7),
    Slot("break2", rest=10),
    Slot("06_customers_are_never_acquired", teaching=4, practice=5, discussion=6),
    Slot("07_the_demanding_customer", teaching=4, practice=5, discussion=6),
    Slot("08_workshop_report", teaching=2, practice=5, discussion=8),
)

#: The 90-minute manager's cut: 03 → 05 → 08, with a short break.
MANAGER_CUT: tuple[Slot, ...] = (
    Slot("03_scoring_the_phone_audit", teaching=8, practice=15, discussion=7),
    Slot("05_estimating_the_losses", teaching=10, practice=12, discussion=8),
    Slot("break1", rest=5),
    Slot("08_workshop_report", teaching=3, practice=7, discussion=15),
)

CUTS = {"full": RUN_SHEET, "manager": MANAGER_CUT}


def run_sheet(cut: str = "full") -> tuple[Slot, ...]:
    """The run sheet of a cut: ``"full"`` (180 minutes) or ``"manager"`` (90 minutes)."""
    if cut not in CUTS:
        raise ValueError(f"unknown cut {cut!r}: choose 'full' or 'manager'")
    return CUTS[cut]


def schedule(cut: str = "full") -> list[tuple[Slot, int, int]]:
    """Each slot of a cut with its start and end, in minutes from the start of the workshop."""
    rows, start = [], 0
    for slot in run_sheet(cut):
        rows.append((slot, start, start + slot.minutes))
        start += slot.minutes
    return rows


def clock(minutes: int) -> str:
    """Minutes from the start as ``h:mm`` (``95`` → ``1:35``)."""
    return f"{minutes // 60}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Step:
    """One notebook of the workshop path."""

    slug: str      # file name without .ipynb
    minutes: int   # expected duration in a workshop (the run sheet's minutes)

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

    @property
    def slot(self) -> Slot:
        """This step's line in the full run sheet."""
        return next(s for s in RUN_SHEET if s.slug == self.slug)


#: The notebooks in order, with the full run sheet's minutes.
STEPS = tuple(Step(s.slug, s.minutes) for s in RUN_SHEET if not s.is_break)


def step(slug: str) -> Step:
    """The step whose slug is ``slug``."""
    return next(s for s in STEPS if s.slug == slug)


def link(s: Step, lang: str | None = None) -> str:
    """A relative link to a step that keeps the language in Voilà (``?lang=``).

    JupyterLab ignores the query and opens the notebook; Voilà passes it to the kernel.
    """
    return f"{s.filename}?lang={lang or get_language()}"


def duration_line(slug: str, lang: str | None = None) -> str:
    """The Markdown line at the top of a notebook: its minutes in the full run sheet, split
    into teaching, practice and discussion, and its minutes in the manager's cut if it is
    part of it. ``tests/test_nav.py`` checks every notebook shows exactly this line."""
    lang = lang or get_language()
    slot = step(slug).slot
    text = t("nav.duration_line", lang, minutes=slot.minutes, teaching=slot.teaching,
             practice=slot.practice, discussion=slot.discussion)
    manager = next((s for s in MANAGER_CUT if s.slug == slug), None)
    if manager is not None:
        text += " " + t("nav.duration_manager", lang, minutes=manager.minutes)
    return text


def run_sheet_html(cut: str = "full", lang: str | None = None) -> str:
    """The run sheet as an HTML table: start, step, teaching / practice / discussion
    minutes, length, and what to skip when late; breaks on their own line; total last."""
    lang = lang or get_language()
    cell = "<td style='padding:3px 8px;text-align:right'>{}</td>"
    rows = []
    for slot, start, _ in schedule(cut):
        if slot.is_break:
            rows.append(f"<tr class='cxkit-break'><td style='padding:3px 8px'>{clock(start)}</td>"
                        f"<td colspan='4' style='padding:3px 8px'><i>{html.escape(slot.label(lang))}</i></td>"
                        f"{cell.format(f'{slot.minutes}&nbsp;min')}<td></td></tr>")
            continue
        s = step(slot.slug)
        rows.append(
            f"<tr><td style='padding:3px 8px'>{clock(start)}</td>"
            f"<td style='padding:3px 8px'><a class='cxkit-run-sheet-link' href='{html.escape(link(s, lang))}'>"
            f"{s.number} — {html.escape(s.title(lang))}</a></td>"
            + cell.format(slot.teaching) + cell.format(slot.practice) + cell.format(slot.discussion)
            + cell.format(f"<b>{slot.minutes}&nbsp;min</b>")
            + f"<td style='padding:3px 8px;font-size:90%'>{html.escape(slot.skip(lang, cut))}</td></tr>")
    head = "".join(f"<th style='text-align:left;padding:3px 8px'>{html.escape(t(k, lang))}</th>" for k in
                   ("nav.start", "nav.step", "nav.teaching", "nav.practice", "nav.discussion",
                    "nav.duration", "nav.skip"))
    total = sum(s.minutes for s in run_sheet(cut))
    foot = (f"<tr><td></td><td colspan='4' style='padding:3px 8px'>{html.escape(t('nav.total', lang))}</td>"
            f"{cell.format(f'<b>{total}&nbsp;min</b>')}<td></td></tr>")
    return f"<table class='cxkit-run-sheet' data-cut='{cut}'><tr>{head}</tr>{''.join(rows)}{foot}</table>"


def workshop_map_html(lang: str | None = None) -> str:
    """The map of the workshop as an HTML table: start, step, goal, minutes, with the two
    breaks where the run sheet puts them and the total (180 minutes)."""
    lang = lang or get_language()
    rows = []
    for slot, start, _ in schedule("full"):
        if slot.slug == STEPS[0].slug:
            continue
        if slot.is_break:
            rows.append(f"<tr class='cxkit-break'><td style='padding:4px 8px'>{clock(start)}</td>"
                        f"<td colspan='2' style='padding:4px 8px'><i>{html.escape(slot.label(lang))}</i></td>"
                        f"<td style='padding:4px 8px;text-align:right'>{slot.minutes}&nbsp;min</td></tr>")
            continue
        s = step(slot.slug)
        rows.append(
            "<tr>"
            f"<td style='padding:4px 8px'>{clock(start)}&nbsp;·&nbsp;<b>{s.number}</b></td>"
            f"<td style='padding:4px 8px'><a class='cxkit-step-link' href='{html.escape(link(s, lang))}'>"
            f"{html.escape(s.title(lang))}</a></td>"
            f"<td style='padding:4px 8px'>{html.escape(s.goal(lang))}</td>"
            f"<td style='padding:4px 8px;text-align:right'>{s.minutes}&nbsp;min</td>"
            "</tr>"
        )
    head = (f"<tr><th style='text-align:left'>{html.escape(t('nav.start', lang))}</th>"
            f"<th style='text-align:left'>{html.escape(t('nav.step', lang))}</th>"
            f"<th style='text-align:left'>{html.escape(t('nav.goal', lang))}</th>"
            f"<th>{html.escape(t('nav.duration', lang))}</th></tr>")
    total = sum(s.minutes for s in RUN_SHEET)
    foot = (f"<tr><td></td><td colspan='2' style='padding:4px 8px'>{html.escape(t('nav.total', lang))}</td>"
            f"<td style='padding:4px 8px;text-align:right'><b>{total}&nbsp;min</b></td></tr>")
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
