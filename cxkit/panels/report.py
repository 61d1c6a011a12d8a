"""Notebook 08's panel: the workshop's key figures and the two downloads."""
from __future__ import annotations

import datetime as dt
import html

import ipywidgets as widgets

from .. import report, workshop
from ..i18n import get_language, t
from ..store import Store
from . import live
from .base import Download, Status, guarded, styled

HTML_MIME = "text/html"


def summary_html(content) -> str:
    """The key figures as an HTML table (no date, so the notebook's output is stable)."""
    frame = report.headline(content)
    rows = "".join(f"<tr><th style='text-align:left;padding:3px 10px 3px 0'>{html.escape(str(a))}</th>"
                   f"<td style='padding:3px 0'>{html.escape(str(b))}</td></tr>" for a, b in frame.itertuples(index=False))
    return f"<table class='cxkit-report-table'>{rows}</table>"


def report_panel(store: Store | None = None, day: dt.date | None = None) -> widgets.VBox:
    """The report's key figures, and two download links: the HTML report (printable to
    PDF) and the Excel tables. The figures follow the room by themselves: when a page
    saves a call or an answer, the report is built again (:func:`cxkit.panels.live.subscribe`);
    the Refresh button stays as a fallback and says what was taken in.

    ``day`` is the date written in the downloaded files (default: today); the panel
    itself does not show it.
    """
    state = {"content": report.build(store or workshop.store(), day=day)}
    lang = get_language()
    summary = styled(widgets.HTML(summary_html(state["content"])), "cxkit-report-summary")
    page = Download(lambda: report.html_report(state["content"], lang).encode("utf-8"),
                    "cxkit-workshop-report.html", t("report.download_html"), mime=HTML_MIME)
    book = Download(lambda: report.excel_report(state["content"], lang),
                    "cxkit-workshop-report.xlsx", t("report.download_excel"))
    styled(page, "cxkit-report-html")
    styled(book, "cxkit-report-xlsx")
    refresh = styled(widgets.Button(description=t("report.refresh"), layout=widgets.Layout(width="auto")),
                     "cxkit-report-refresh")
    status = Status()

    def rebuild():
        state["content"] = report.build(store or workshop.store(), day=day)
        summary.value = summary_html(state["content"])
        page.refresh()
        book.refresh()

    first = [True]

    def on_room_change():
        if first:  # called once at subscribe time: the report was just built
            first.clear()
            return
        rebuild()

    @guarded(status)
    def on_refresh(button):
        rebuild()
        content = state["content"]
        source = report.audit_source_text(content["audit"])
        status.ok(t("report.updated", n=content["room"]["n"], source=source))

    refresh.on_click(on_refresh)
    live.subscribe(guarded(status)(on_room_change))
    return widgets.VBox([summary, refresh, status, page, book])
