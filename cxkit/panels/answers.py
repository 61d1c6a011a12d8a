"""Folded answers: an exercise's answer stays closed until the participant, or the trainer
for the whole room, opens it.

In a notebook's answer cell::

    with cx.panels.answers.answer("03.1"):
        good, n = int(scored["good"].sum()), len(scored)
        cx.panels.answers.figures([("pages.fig.verdict_80", ...), ...])
        cx.panels.answers.explain("03.1")

The block's code runs as usual (in JupyterLab and under nbval too: an error in it is
raised, never hidden); what it *displays* lands in a fold, closed by default, whose button
reads "Show the answer" / « Voir la réponse ». The fold opens on a click, or by itself
when the trainer reveals ``key`` for the room (:func:`cxkit.workshop.revealed`, followed
through :func:`cxkit.panels.live.subscribe`). Keys are ``"NN.k"``: notebook, exercise.

The answer's explanation is a label, ``pages.answer.<key>`` in ``cxkit/locale/pages.json``,
so it exists in both languages and the French typography test reads it.
"""
from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import ipywidgets as widgets
from IPython.display import display

from ..i18n import labels, t
from . import base

log = logging.getLogger("cxkit")
_depth = 0  # how many answer() blocks are running


class Fold(widgets.VBox):
    """A button and a body; the body shows only while the fold is open."""

    def __init__(self, key: str, body: widgets.Widget):
        self.key = str(key)
        self.body = body
        self.button = widgets.ToggleButton(value=False, description=t("pages.answer.show"),
                                           tooltip=t("pages.answer.show"),
                                           layout=widgets.Layout(width="auto"))
        self.button.add_class("cxkit-answer-toggle")
        self.body.add_class("cxkit-answer-body")
        self.body.layout.display = "none"
        self._by_room = False
        super().__init__([self.button, self.body])
        self.add_class("cxkit-answer")
        self.add_class(f"cxkit-answer-{self.key.replace('.', '-')}")
        self.button.observe(self._toggled, names="value")

    @property
    def is_open(self) -> bool:
        return bool(self.button.value)

    def unfold(self) -> None:
        """Open the fold (``open``/``close`` are the widget's own methods)."""
        self.button.value = True

    def refold(self) -> None:
        """Close the fold."""
        self.button.value = False

    def _toggled(self, change) -> None:
        shown = bool(change["new"])
        self.body.layout.display = None if shown else "none"
        label = t("pages.answer.hide" if shown else "pages.answer.show")
        self.button.description = self.button.tooltip = label
        if shown:
            self.add_class("cxkit-answer-open")
        else:
            self.remove_class("cxkit-answer-open")
            self._by_room = False

    def follow_room(self) -> None:
        """Open when the trainer reveals this answer for the room; close again when the
        trainer hides it, if the room had opened it. Without the room's machinery (an
        older install) the fold simply stays under the participant's control."""
        try:
            from .. import workshop
            from . import live
        except ImportError:
            return

        def check() -> None:
            try:
                revealed = self.key in workshop.revealed()
            except Exception:  # noqa: BLE001 - a store that cannot be read leaves the fold as it is
                log.warning("answer %s: could not read the revealed answers", self.key, exc_info=True)
                return
            if revealed and not self.is_open:
                self.unfold()
                self._by_room = True
            elif not revealed and self._by_room:
                self.refold()

        try:
            live.subscribe(check)
        except Exception:  # noqa: BLE001 - the page works without the room
            log.warning("answer %s: could not follow the room", self.key, exc_info=True)


@contextmanager
def answer(key: str) -> Iterator[Fold]:
    """Run the block and fold what it displays under "Show the answer" (see the module
    docstring). Yields the :class:`Fold`, already displayed, closed.

    What the block displays is captured in the kernel (``IPython.utils.capture``) and
    placed in the fold as widgets: a widget as itself, HTML as an ``HTML`` widget, text
    as preformatted text. No ``Output`` widget is involved, so the page is the same in
    Voilà, JupyterLab, nbclient and nbval."""
    from IPython.utils.capture import capture_output

    global _depth
    body = widgets.VBox([])
    fold = Fold(key, body)
    display(fold)
    _depth += 1
    try:
        with capture_output(stdout=True, stderr=False, display=True) as captured:
            yield fold
    finally:
        _depth -= 1
    body.children = tuple(_as_widgets(captured))
    fold.follow_room()


def _as_widgets(captured) -> list[widgets.Widget]:
    """Captured outputs as widgets (see :func:`answer`)."""
    from ipywidgets.widgets.widget import _instances

    views: list[widgets.Widget] = []
    if captured.stdout.strip():
        views.append(widgets.HTML(f"<pre>{html.escape(captured.stdout)}</pre>"))
    for output in captured.outputs:
        data = output.data or {}
        model = data.get("application/vnd.jupyter.widget-view+json", {}).get("model_id")
        if model and model in _instances:
            views.append(_instances[model])
        elif "text/html" in data:
            views.append(widgets.HTML(data["text/html"]))
        elif "image/svg+xml" in data:
            views.append(widgets.HTML(data["image/svg+xml"]))
        elif "text/plain" in data:
            views.append(widgets.HTML(f"<pre>{html.escape(data['text/plain'])}</pre>"))
    return views


def markdown_html(text: str) -> str:
    """The little Markdown an answer uses, as HTML: paragraphs (blank lines), ``**bold**``,
    ``*italic*`` and ``- `` lists. Everything else is escaped."""
    blocks = []
    for block in re.split(r"\n\s*\n", str(text).strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        elif lines:
            blocks.append(f"<p>{_inline(' '.join(lines))}</p>")
    return "".join(blocks)


def _inline(text: str) -> str:
    text = html.escape(text, quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    return re.sub(r"\*(.+?)\*", r"<em>\1</em>", text)


def explain(key: str) -> widgets.HTML:
    """Display the answer's explanation, the label ``pages.answer.<key>``, in the page's
    language. Inside :func:`answer` it lands in the fold; outside, it gets a fold of its own."""
    view = widgets.HTML(f'<div class="cxkit-answer-text">{markdown_html(t(f"pages.answer.{key}"))}</div>')
    if _inside_answer():
        display(view)
    else:
        with answer(key):
            display(view)
    return view


def figures(rows: Iterable[tuple[str, str]]) -> widgets.HTML:
    """Display a small table of formatted figures (:func:`cxkit.panels.base.figures`):
    ``rows`` are ``(label key or text, text)``, the text already formatted by
    :mod:`cxkit.i18n` (``fmt_number``, ``fmt_money``…)."""
    view = base.figures(rows)
    display(view)
    return view


def has_answer_text(key: str) -> bool:
    """Whether ``pages.answer.<key>`` exists."""
    return f"pages.answer.{key}" in labels()


def _inside_answer() -> bool:
    return _depth > 0
