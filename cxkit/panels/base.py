"""Widget building blocks shared by every notebook's panel.

The idiom (from Voilà's own examples): build widgets, write a small callback that calls a
tested cxkit function, ``observe``, and return a layout as the cell's last expression.
Panels update widget *values* (an ``HTML`` widget's SVG, a label's text) rather than
printing into an ``Output`` widget, so the executed notebook is the same under nbval.

Every callback is wrapped by :func:`guarded`: a ``DataError`` shows its own message, any
other failure a short sentence in the user's language, and never a traceback.
"""
from __future__ import annotations

import base64
import functools
import html
import logging
import os
import pickle
from collections.abc import Callable
from pathlib import Path

import anywidget
import ipywidgets as widgets
import traitlets

from .. import charts
from ..charts import bundle
from ..errors import DataError
from ..i18n import fmt_number, get_language, parse_amount, t
from ..io import CONTROL_CHARS

log = logging.getLogger("cxkit")


class Status(widgets.HTML):
    """A one-line message under a form or a panel: ok, error or empty."""

    def __init__(self, **kwargs):
        super().__init__(value="", **kwargs)
        self.add_class("cxkit-status")

    def ok(self, text: str) -> None:
        self.value = f'<span class="cxkit-ok" style="color:{charts.COLORS["good"]}">{html.escape(text)}</span>'

    def error(self, text: str) -> None:
        self.value = (f'<span class="cxkit-error" role="alert" style="color:{charts.COLORS["bad"]}">'
                      f'{html.escape(text)}</span>')

    def info(self, text: str) -> None:
        """A neutral note, e.g. "reading the file…" while a callback works."""
        self.value = f'<span class="cxkit-info" role="status" style="color:#555">{html.escape(text)}</span>'

    def clear(self) -> None:
        self.value = ""


def guarded(status: Status) -> Callable:
    """Decorate a callback so that failures become a message in ``status``.

    A ``DataError`` is shown as it is; anything else is logged and shown as the generic
    "nothing was changed" sentence. The callback's own return value is passed through.
    """

    def wrap(func: Callable) -> Callable:
        @functools.wraps(func)
        def inner(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except DataError as exc:
                status.error(str(exc))
            except Exception:  # noqa: BLE001 - the user must never see a traceback
                log.exception("callback %s failed", func.__name__)
                status.error(t("error.unexpected"))
            return None

        return inner

    return wrap


#: The Vega bundle a page loads to draw moved charts itself, relative to the notebooks'
#: folder (a kernel's working folder); ``make install`` writes it (python -m cxkit.charts.bundle).
VEGA_BUNDLE = bundle.RELATIVE
_ESM = Path(__file__).with_name("static") / "chart_view.js"


class ChartView(anywidget.AnyWidget):
    """A chart drawn as inline SVG.

    ``draw("topic.name_chart", data, **options)`` redraws it from a builder's name and
    data (:func:`cxkit.charts.svg`: in the app the chart engine builds it, so the kernel
    never loads altair), and only when they changed; ``update(chart)`` redraws it from an
    ``alt.Chart``. A chart that cannot be drawn shows one sentence in the user's language
    in its place (a ``DataError``'s own, e.g. the engine's "too slow", else a generic
    one); the failure is logged and the rest of the page keeps working.

    Keeping up with a slider: in a widget's callback (a participant moved something),
    ``draw`` returns at once and the chart is drawn beside the kernel's event loop, so
    the callback's other outputs (the headline) reach the page first and the kernel reads
    the next move meanwhile. Moves are coalesced: while one drawing of this chart is in
    flight, only the latest request waits, and the ones it replaced are never drawn.
    Anywhere else (a cell running, nbval, a script, the tests) ``draw`` draws before it
    returns, so a notebook's saved outputs are complete.

    Drawn by the page: after a move, when the notebooks' folder has the Vega bundle
    (:data:`VEGA_BUNDLE`), the chart goes to the page as a compiled Vega spec
    (``spec``, :func:`cxkit.charts.vega`) and the browser draws it (a few ms, where
    vl-convert takes 40–150 ms a chart); ``value`` keeps the last SVG the kernel drew. A
    page that cannot load the bundle says so and gets SVG from then on.
    ``CXKIT_PAGE_CHARTS=off`` keeps every drawing in the kernel."""

    _esm = traitlets.Unicode(_ESM.read_text(encoding="utf-8")).tag(sync=True)
    value = traitlets.Unicode("").tag(sync=True)  #: the SVG drawn by the kernel (or a sentence)
    spec = traitlets.Unicode("").tag(sync=True)  #: JSON for the page to draw, "" when ``value`` shows
    live = traitlets.Bool(False).tag(sync=True)  #: the page may draw: it fetches the bundle early

    def __init__(self, chart=None, **kwargs):
        super().__init__(**kwargs)
        self.add_class("cxkit-chart")
        self.live = _page_draws()
        self.on_msg(self._on_page)
        self._drawn: bytes | None = None  # the key of what the chart shows
        self._wanted: bytes | None = None  # the key last asked for (shown, in flight or waiting)
        self._busy = False  # a drawing is in flight
        self._pending = None  # the latest request that waits for it
        if chart is not None:
            self.update(chart)

    def draw(self, builder: str, *args, **options) -> None:
        key = pickle.dumps((builder, args, options, get_language()), protocol=pickle.HIGHEST_PROTOCOL)
        if key == self._wanted:  # drawing SVG is the slow part of a slider's move
            return
        self._wanted = key
        loop = _callback_loop()
        self._svg_job = (key, lambda: charts.svg(builder, *args, **options), builder, "svg")
        job = self._svg_job
        if loop is not None and self.live:
            job = (key, lambda: charts.vega(builder, *args, **options), builder, "vega")
        if self._busy:
            self._pending = job  # replaces any older waiting move
            return
        if loop is None:
            self._finish(job, *self._render(job))
        else:
            self._start(job, loop)

    def update(self, chart) -> None:
        self._show(*self._render((None, lambda: charts.to_svg(chart), "chart", "svg")))
        self._drawn = self._wanted = None
        self._pending = None

    def clear(self) -> None:
        with self.hold_sync():
            self.value, self.spec = "", ""
        self._drawn = self._wanted = None
        self._pending = None

    def _on_page(self, _widget, content, _buffers) -> None:
        """The page could not load the Vega bundle: draw in the kernel from now on."""
        if isinstance(content, dict) and content.get("event") == "no-vega" and self.live:
            log.warning("a page could not draw a chart itself (%s); drawing SVG", str(content.get("error"))[:200])
            self.live = False
            job = getattr(self, "_svg_job", None)
            if job is not None and job[0] == self._wanted:
                self._finish(job, *self._render(job))

    def _render(self, job) -> tuple[str, bool, str]:
        """(what to show, whether the chart was drawn, "svg" or "vega") for ``job``; never raises."""
        _key, drawing, name, kind = job
        try:
            return drawing(), True, kind
        except Exception as error:  # noqa: BLE001 - one sentence, never a broken widget
            log.error("chart %s could not be drawn", name, exc_info=True)
            text = str(error) if isinstance(error, DataError) else t("server.chart_failed")
            return (f'<p class="cxkit-chart-failed cxkit-error" role="status" '
                    f'style="color:{charts.COLORS["bad"]}">{html.escape(text)}</p>'), False, "svg"

    def _show(self, value: str, ok: bool, kind: str = "svg") -> bool:
        with self.hold_sync():
            if kind == "vega":
                self.spec = value
            else:
                self.value, self.spec = value, ""
        return ok

    def _finish(self, job, value: str, ok: bool, kind: str = "svg") -> None:
        key = job[0]
        if key != self._wanted and self._wanted is None:  # cleared (or updated) meanwhile
            return
        self._show(value, ok, kind)
        self._drawn = key if ok else None
        if not ok and self._wanted == key:
            self._wanted = None  # a failed chart is tried again next time

    def _start(self, job, loop) -> None:
        self._busy = True

        def done(future):
            value, ok, kind = future.result()
            loop.call_soon_threadsafe(self._landed, job, value, ok, kind, loop)

        _drawing_pool().submit(self._render, job).add_done_callback(done)

    def _landed(self, job, value: str, ok: bool, kind: str, loop) -> None:
        """In the event loop: show a drawing that came back, then the one waiting, if any."""
        self._finish(job, value, ok, kind)
        pending, self._pending = self._pending, None
        if pending is not None and pending[0] == self._wanted:
            self._start(pending, loop)
        else:
            self._busy = False


_POOL = None


def _drawing_pool():
    """The threads that wait for drawings (the engine draws; they only wait for its answer)."""
    global _POOL
    if _POOL is None:
        from concurrent.futures import ThreadPoolExecutor

        _POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="cxkit-chart")
    return _POOL


def _page_draws() -> bool:
    """Whether pages may draw moved charts themselves: the Vega bundle is in the notebooks'
    folder (the kernel's working folder) and ``CXKIT_PAGE_CHARTS`` is not ``off``."""
    return os.environ.get("CXKIT_PAGE_CHARTS", "").lower() != "off" and os.path.isfile(VEGA_BUNDLE)


def _callback_loop():
    """The kernel's running event loop when the code runs in a widget's callback (the
    kernel is handling a ``comm_msg``), else None: a cell, nbval or a script draws at once."""
    import asyncio
    import sys

    if "ipykernel" not in sys.modules:
        return None
    try:
        from ipykernel.kernelbase import Kernel

        if not Kernel.initialized():
            return None
        parent = Kernel.instance().get_parent()
        if (parent or {}).get("header", {}).get("msg_type") != "comm_msg":
            return None
        return asyncio.get_running_loop()
    except Exception:  # noqa: BLE001 - no kernel, no loop: draw at once
        return None


class AmountText(widgets.Text):
    """A money or count box that reads and shows numbers as the participant's language
    writes them (``250 000`` in French, ``250,000`` in English).

    ``amount`` holds the number (observe it, not ``value``). A text that is not a number,
    or is below ``minimum``, is refused in ``status`` and the box shows the last amount
    again; the text is read when the participant presses Enter or leaves the box."""

    amount = traitlets.Float()

    def __init__(self, amount: float, *, minimum: float = 0.0, status: "Status | None" = None, **kwargs):
        super().__init__(value=self._text(amount), continuous_update=False, **kwargs)
        self.add_class("cxkit-amount")
        self.minimum, self.status, self._showing = minimum, status, False
        self.amount = float(amount)
        self.observe(self._on_text, names="value")

    def _on_text(self, change) -> None:
        if self._showing:  # our own rewrite of the text
            return
        try:
            number = parse_amount(change["new"])
            if number < self.minimum:
                raise ValueError(t("ui.below_min", minimum=fmt_number(self.minimum)))
        except ValueError as error:
            if self.status is not None:
                self.status.error(str(error))
            self._show(self.amount)
            return
        if self.status is not None:
            self.status.clear()
        self._show(number)
        self.amount = number

    def _show(self, number: float) -> None:
        self._showing = True
        try:
            self.value = self._text(number)
        finally:
            self._showing = False

    @staticmethod
    def _text(number: float) -> str:
        return fmt_number(number, 0 if float(number).is_integer() else 2)


def plain(value, limit: int = 80) -> str:
    """Text that came from a participant or a file, made safe to show as a label: the
    characters of :data:`cxkit.io.CONTROL_CHARS` removed (a store made before they were
    refused may still hold some), cut to ``limit`` characters with "…". Not HTML-escaped:
    pass it through ``html.escape`` when it goes into HTML, as every panel does."""
    text = CONTROL_CHARS.sub("", "" if value is None else str(value)[: limit * 4])
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: The class that marks a refused field (red frame, see :data:`INVALID_CSS`).
INVALID = "cxkit-invalid"
#: The style of a refused field; a form places it once (``widgets.HTML(INVALID_CSS)``).
INVALID_CSS = ("<style>.cxkit-invalid input, .cxkit-invalid select, .cxkit-invalid textarea"
               f"{{border:2px solid {charts.COLORS['bad']} !important;"
               f"background:#fdf0ec !important}}</style>")


def mark_invalid(widget: widgets.Widget, invalid: bool = True) -> None:
    """Frame a form field in red (``invalid=True``) or clear the mark."""
    if invalid:
        widget.add_class(INVALID)
    else:
        widget.remove_class(INVALID)


def styled(widget: widgets.Widget, *classes: str) -> widgets.Widget:
    """Add CSS classes (stable hooks for browser tests) and return the widget."""
    for name in classes:
        widget.add_class(name)
    return widget


def download_link(data: bytes, filename: str, label: str, mime: str) -> str:
    """An HTML link that downloads ``data`` from the page itself (works offline)."""
    payload = base64.b64encode(data).decode("ascii")
    return (f'<a class="cxkit-download" download="{html.escape(filename)}" '
            f'href="data:{mime};base64,{payload}">{html.escape(label)}</a>')


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Download(widgets.HTML):
    """A download link whose file is rebuilt on demand by ``refresh()``.

    ``make`` returns the file's bytes; it is called at creation and on each refresh.
    """

    def __init__(self, make: Callable[[], bytes], filename: str, label: str, mime: str = XLSX_MIME):
        super().__init__()
        self._make, self.filename, self.label, self.mime = make, filename, label, mime
        self.add_class("cxkit-download-box")
        self.refresh()

    def refresh(self) -> None:
        self.value = download_link(self._make(), self.filename, self.label, self.mime)


def uploaded_file(upload: widgets.FileUpload) -> tuple[str, bytes] | None:
    """The (name, bytes) of the file last chosen in a ``FileUpload``, or ``None``."""
    if not upload.value:
        return None
    item = upload.value[-1]
    return item["name"], bytes(item["content"])


def card(title: str, *children: widgets.Widget) -> widgets.VBox:
    """A titled box grouping a few widgets (the app's card: see the template's CSS)."""
    head = widgets.HTML(f"<h4 class='cxkit-card-title'>{html.escape(title)}</h4>")
    box = widgets.VBox([head, *children], layout=widgets.Layout(
        border="1px solid #dde3ea", padding="8px 12px", margin="6px 0"))
    box.add_class("cxkit-card")
    return box


def _label(text: str) -> str:
    """A label key translated by :func:`t`, or the text itself when it is not a key."""
    from ..i18n import labels

    return t(text) if text in labels() else str(text)


def headline_html(items, *, css: str = "") -> str:
    """Headline figures as a row of cards: ``items`` are ``(label, value)`` or
    ``(label, value, note)``; a label is a label key or a text, the value a text already
    formatted by :mod:`cxkit.i18n` (``fmt_money``…). Returns HTML, for a panel that
    rewrites its own ``widgets.HTML``; :func:`headline` makes the widget."""
    cards = []
    for item in items:
        label, value, note = (tuple(item) + ("",))[:3]
        extra = f'<div class="cxkit-headline-note">{html.escape(str(note))}</div>' if note else ""
        cards.append(f'<div class="cxkit-headline-card"><div class="cxkit-headline-label">'
                     f'{html.escape(_label(label))}</div><div class="cxkit-headline-value">'
                     f'{html.escape(str(value))}</div>{extra}</div>')
    return f'<div class="cxkit-headline {html.escape(css)}">{"".join(cards)}</div>'


def headline(items, *, css: str = "") -> widgets.HTML:
    """The widget of :func:`headline_html`."""
    view = widgets.HTML(headline_html(items, css=css))
    view.add_class("cxkit-headline-box")
    return view


def _cell(value, decimals: int) -> str:
    """One table value as the page's language writes it (numbers, yes/no, text)."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return t("pages.yes" if value else "pages.no")
    if isinstance(value, (int, float)) or type(value).__module__ == "numpy":
        number = float(value)
        return fmt_number(number, 0 if number.is_integer() else decimals)
    if hasattr(value, "isoformat") and hasattr(value, "year"):  # a date or a pandas Timestamp
        from ..i18n import fmt_date

        return fmt_date(value.date() if hasattr(value, "hour") else value)
    return plain(value)


def table(frame, columns: dict | None = None, *, decimals: int = 1, index: str | None = None,
          values: dict | None = None) -> widgets.HTML:
    """A table (a DataFrame) as a page shows it: headers from ``columns`` (``{column: label
    key or text}``, in that order; default: every column as it is), numbers through
    :func:`cxkit.i18n.fmt_number` with ``decimals``, True/False as yes/no in the page's
    language, and a column's values translated where ``values`` names a label prefix
    (``{"channel": "pages.iceberg.channel."}``) and the label exists. ``index`` labels
    the index column (left out when ``None``)."""
    from ..i18n import labels

    columns = columns or {c: str(c) for c in frame.columns}
    values, known = values or {}, labels()

    def text(column, value) -> str:
        prefix = values.get(column)
        if prefix and f"{prefix}{value}" in known:
            return t(f"{prefix}{value}")
        return _cell(value, decimals)

    head = (f"<th>{html.escape(_label(index))}</th>" if index else "") + "".join(
        f"<th>{html.escape(_label(label))}</th>" for label in columns.values())
    rows = "".join(
        "<tr>" + (f"<th scope='row'>{html.escape(_cell(key, decimals))}</th>" if index else "")
        + "".join(f"<td>{html.escape(text(c, row[c]))}</td>" for c in columns) + "</tr>"
        for key, row in frame.iterrows())
    view = widgets.HTML(f'<table class="cxkit-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')
    view.add_class("cxkit-table-box")
    return view


def figures(rows, *, caption: str = "") -> widgets.HTML:
    """A small two-column table of formatted figures, for a page: ``rows`` are
    ``(label, text)``, the label a label key or a text, the text formatted by
    :mod:`cxkit.i18n`. Used where a cell would otherwise print a Python dict or Series."""
    head = f"<caption>{html.escape(_label(caption))}</caption>" if caption else ""
    body = "".join(f"<tr><th scope='row'>{html.escape(_label(k))}</th><td>{html.escape(str(v))}</td></tr>"
                   for k, v in rows)
    view = widgets.HTML(f'<table class="cxkit-figures">{head}{body}</table>')
    view.add_class("cxkit-figures-box")
    return view
