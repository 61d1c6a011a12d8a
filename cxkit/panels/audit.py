"""Panels of the phone audit (notebooks 02 and 03).

Notebook 02: :func:`grid_panel` (weights and critical items, the call sheet to download),
:func:`scenarios_panel` (the calls an audit needs: :mod:`cxkit.panels.evidence`).
Notebook 03: :func:`session` returns an :class:`AuditSession` whose panels share one
campaign: ``source_panel()`` (sample campaign, workshop store or imported file),
``form_panel()`` (enter a mystery call live), ``results_panel()``,
``calibration_panel()`` and ``export_panel()``. Entering a call while the source is the
store redraws the results at once. ``source_panel()`` holds, folded, the trainer's
``manage_panel()``: remove one call or one import (after "Confirm").

Text that came from a participant or a file is escaped wherever it goes into HTML, and
cleaned of control characters and cut short (:func:`cxkit.panels.base.plain`) where it
becomes a label.
"""
from __future__ import annotations

import datetime as dt
import html
import io as _io
import os
import re
import uuid

import ipywidgets as widgets
from ipywidgets.widgets.widget_description import DescriptionStyle  # styles are not re-exported
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle
import pandas as pd

from .. import audit
from ..errors import DataError
from ..i18n import fmt_number, fmt_percent, get_language, t
from ..io import csv_bytes, excel_bytes
from .. import workshop
from . import live
from ..workshop import ROOM_GRID  # the store setting that holds the room's grid choices
from .base import (INVALID_CSS, XLSX_MIME, ChartView, Download, Status, card, download_link, guarded, mark_invalid,
                   plain, styled, uploaded_file)

CSV_MIME = "text/csv"
_LABEL_WIDTH = "430px"


def _section(section: str) -> str:
    from ..i18n import labels

    key = f"audit.section.{section}"
    return t(key) if key in labels() else section


def _table(frame: pd.DataFrame, css: str) -> str:
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td style='padding:2px 8px'>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f"<table class='{css}'><tr>{head}</tr>{body}</table>"


# --- notebook 02: the grid, the scenarios, how many calls ------------------------------

def grid_summary(grid: pd.DataFrame) -> pd.DataFrame:
    """Each section's share of the total weight and its critical items, for display."""
    total = grid["weight"].sum()
    rows = []
    for section in audit.sections(grid):
        part = grid[grid["section"] == section]
        crit = part.loc[part["critical"], f"label_{get_language()}"]
        rows.append({t("audit.sheet.section"): _section(section),
                     t("audit.grid.criteria"): len(part),
                     t("audit.grid.share"): fmt_percent(part["weight"].sum() / total),
                     t("audit.sheet.critical"): "; ".join(crit) or "—"})
    return pd.DataFrame(rows)


def room_grid() -> pd.DataFrame:
    """The shipped grid with the weights and critical items the room chose in notebook 02
    (kept in the workshop's store), if it chose any: :func:`cxkit.workshop.room_grid`,
    which the report of notebook 08 reads too."""
    return workshop.room_grid(_store())


def grid_panel(grid: pd.DataFrame | None = None) -> widgets.VBox:
    """One weight slider and one "critical" box per criterion; the summary by section and
    the call sheet (CSV at once, Excel on request) follow every change. "Use for the
    room" keeps the choices in the workshop's store: notebook 03 then scores with them
    (:func:`room_grid`); "Back to the shipped grid" forgets them.

    Without ``grid``, the panel starts from the room's grid."""
    shipped = audit.load_grid()
    base = audit.with_choices(shipped, _store().setting(ROOM_GRID)) if grid is None else grid
    lang = get_language()
    sliders, boxes, rows = {}, {}, []
    for g in base.itertuples(index=False):
        sliders[g.criterion] = styled(widgets.FloatSlider(
            value=g.weight, min=0.5, max=5, step=0.5, description=t("audit.sheet.weight"),
            continuous_update=False, layout=widgets.Layout(width="260px")), f"cxkit-weight-{g.criterion}")
        boxes[g.criterion] = styled(widgets.Checkbox(value=bool(g.critical), description=t("audit.sheet.critical"),
                                                     indent=False, layout=widgets.Layout(width="110px")),
                                    f"cxkit-critical-{g.criterion}")
        label = widgets.HTML(f"<b>{html.escape(_section(g.section))}</b> · {html.escape(getattr(g, f'label_{lang}'))}"
                             f" <i>({html.escape(t(f'audit.kind.{g.kind}'))})</i>",
                             layout=widgets.Layout(width=_LABEL_WIDTH))
        rows.append(widgets.HBox([label, sliders[g.criterion], boxes[g.criterion]]))
    status = Status()

    def edited() -> pd.DataFrame:
        grid = base.copy()
        grid["weight"] = [sliders[c].value for c in grid["criterion"]]
        grid["critical"] = [boxes[c].value for c in grid["criterion"]]
        return grid

    summary = styled(widgets.HTML(_table(grid_summary(base), "cxkit-grid-summary")), "cxkit-audit-grid-summary")
    sheet_csv = Download(lambda: csv_bytes(audit.call_sheet(edited())), t("audit.grid.sheet_file_csv"),
                         t("ui.download_csv"), CSV_MIME)
    excel_button = styled(widgets.Button(description=t("audit.grid.prepare_excel"), icon="file-excel-o"),
                          "cxkit-audit-sheet-excel")
    excel_link = widgets.HTML("")
    use = styled(widgets.Button(description=t("audit.grid.use"), icon="check", button_style="primary",
                                layout=widgets.Layout(width="auto")), "cxkit-audit-grid-use")
    reset = styled(widgets.Button(description=t("audit.grid.reset"), icon="undo",
                                  layout=widgets.Layout(width="auto")), "cxkit-audit-grid-reset")

    @guarded(status)
    def on_use(_button):
        _store().save_setting(ROOM_GRID, audit.grid_choices(edited()))
        status.ok(t("audit.grid.used"))

    @guarded(status)
    def on_reset(_button):
        _store().delete_setting(ROOM_GRID)
        for g in shipped.itertuples(index=False):
            sliders[g.criterion].value, boxes[g.criterion].value = g.weight, bool(g.critical)
        status.ok(t("audit.grid.was_reset"))

    @guarded(status)
    def on_change(_change):
        summary.value = _table(grid_summary(edited()), "cxkit-grid-summary")
        sheet_csv.refresh()
        excel_link.value = ""
        status.clear()

    @guarded(status)
    def on_excel(_button):
        grid = edited()
        data = excel_bytes({t("audit.sheet.sheet_name"): audit.call_sheet(grid),
                            t("audit.sheet.template_name"): audit.entry_template(grid),
                            t("audit.sheet.scenarios_name"): audit.load_scenarios()})
        excel_link.value = download_link(data, t("audit.grid.sheet_file_xlsx"), t("ui.download_excel"), XLSX_MIME)

    for widget in [*sliders.values(), *boxes.values()]:
        widget.observe(on_change, names="value")
    excel_button.on_click(on_excel)
    use.on_click(on_use)
    reset.on_click(on_reset)
    return widgets.VBox([card(t("audit.grid.title"), *rows), summary, widgets.HBox([use, reset]),
                         card(t("audit.grid.sheet_title"), sheet_csv, widgets.HBox([excel_button, excel_link])),
                         status])


def scenarios_html(lang: str | None = None) -> str:
    """The call scenarios as cards: what the mystery caller says, what a good answer holds."""
    lang = lang or get_language()
    parts = []
    for s in audit.load_scenarios().itertuples(index=False):
        parts.append(
            "<div class='cxkit-scenario' style='border-left:4px solid #2a9d8f;padding:4px 10px;margin:6px 0'>"
            f"<b>{html.escape(getattr(s, f'label_{lang}'))}</b> <code>{html.escape(s.scenario)}</code><br>"
            f"<i>{html.escape(t('audit.scenario.says', lang))}</i> {html.escape(getattr(s, f'caller_says_{lang}'))}<br>"
            f"<i>{html.escape(t('audit.scenario.good', lang))}</i> {html.escape(getattr(s, f'good_answer_{lang}'))}"
            "</div>")
    return "".join(parts)


def scenarios_panel() -> widgets.HTML:
    """The scenarios of the mystery calls, in the reader's language."""
    return styled(widgets.HTML(scenarios_html()), "cxkit-audit-scenarios")


# --- notebook 03: one campaign shared by several panels -------------------------------

#: How many of the most recent workshop calls the trainer's delete list offers.
MANAGE_LISTED = 200


def _store():
    return workshop.store()


class AuditSession:
    """The campaign being read in notebook 03 and the panels that show it.

    ``source`` is ``"sample"`` (the shipped campaign), ``"store"`` (the calls the
    workshop entered) or ``"file"`` (the last file imported). Second scorings made for
    calibration are left out of the indicators (they would count a call twice) and used
    only for kappa.
    """

    def __init__(self, source: str = "sample", target: float = audit.TARGET):
        self.grid = room_grid()
        self.scenarios = audit.load_scenarios()
        self.source = source
        self.target = target
        self.file_calls: pd.DataFrame | None = None
        self.file_name = ""
        self._views: list = []
        self._sample = audit.load_sample_campaign(self.grid)

    # the data -------------------------------------------------------------------------
    def calls(self) -> pd.DataFrame:
        """Every call of the chosen source, second scorings included."""
        if self.source == "store":
            return audit.calls_from_records(_store().calls(), self.grid)
        if self.source == "file" and self.file_calls is not None:
            return self.file_calls
        if self.source == "file":
            return audit.calls_from_records(pd.DataFrame(), self.grid)
        return self._sample

    def refresh(self) -> None:
        """Redraw every panel of this session from the chosen source."""
        calls = self.calls()
        primary = audit.primary_calls(calls)
        scored = audit.score_calls(primary, self.grid) if len(primary) else None
        for view in self._views:
            view(calls, primary, scored)

    # the source -----------------------------------------------------------------------
    def source_panel(self) -> widgets.VBox:
        """Choose the calls to read, and import a campaign file (analyse it, or add it to the store)."""
        choice = styled(widgets.ToggleButtons(
            options=[(t("audit.source.sample"), "sample"), (t("audit.source.store"), "store"),
                     (t("audit.source.file"), "file")], value=self.source,
            description=t("audit.source.choose"), style={"description_width": "120px"}), "cxkit-audit-source")
        upload = styled(widgets.FileUpload(accept=".csv,.xlsx", multiple=False, description=t("ui.upload"),
                                           layout=widgets.Layout(width="300px")), "cxkit-audit-upload")
        analyse = styled(widgets.Button(description=t("audit.source.analyse")), "cxkit-audit-analyse")
        to_store = styled(widgets.Button(description=t("audit.source.to_store"), layout=widgets.Layout(width="auto")),
                          "cxkit-audit-to-store")
        status = styled(Status(), "cxkit-audit-source-status")
        refresh = styled(widgets.Button(description=t("audit.source.refresh"), icon="refresh"), "cxkit-audit-refresh")

        def read_upload() -> pd.DataFrame:
            chosen = uploaded_file(upload)
            if chosen is None:
                raise DataError(t("audit.source.no_file"))
            name, data = chosen
            _check_upload_size(name, len(data))
            status.info(t("room.upload.reading", file=plain(name)))  # sent to the page at once
            handle = _io.BytesIO(data)
            handle.name = name
            calls = audit.load_calls(handle, self.grid)
            audit.score_calls(calls, self.grid)  # refuse a call with nothing applicable now
            return calls

        @guarded(status)
        def on_upload(_change):
            if upload.value:  # said as soon as the file arrives, before anything is copied or read
                item = upload.value[-1]
                _check_upload_size(item["name"], len(item["content"]))
                status.info(t("room.upload.chosen", file=plain(item["name"])))

        @guarded(status)
        def on_choice(change):
            self.source = change["new"]
            status.clear()
            if self.source == "file" and self.file_calls is None:
                status.error(t("audit.source.no_file"))
            self.refresh()

        @guarded(status)
        def on_analyse(_button):
            calls = read_upload()
            self.file_calls, self.file_name = calls, calls.attrs.get("source", "")
            if choice.value == "file":
                self.refresh()
            else:
                choice.value = "file"  # redraws through on_choice
            status.ok(_with_cleaning(t("ui.loaded", file=plain(self.file_name), n=len(calls)), calls))

        @guarded(status)
        def on_store(_button):
            calls = read_upload()
            name = plain(calls.attrs.get("source", ""), 60)
            batch = batch_label(name)
            n = _store().add_calls(audit.records_for_store(calls, self.grid), batch=batch)
            status.ok(_with_cleaning(t("room.import.stored", n=n, file=name, batch=batch), calls))
            self.refresh()

        @guarded(status)
        def on_refresh(_button):
            self.refresh()

        choice.observe(on_choice, names="value")
        upload.observe(on_upload, names="value")
        analyse.on_click(on_analyse)
        to_store.on_click(on_store)
        refresh.on_click(on_refresh)
        return widgets.VBox([widgets.HBox([choice, refresh]), widgets.HBox([upload, analyse, to_store]), status,
                             self.manage_panel(),
                             styled(widgets.HTML(grid_note_html(self.grid)), "cxkit-audit-grid-note")])

    # the trainer's delete ---------------------------------------------------------------
    def manage_panel(self, listed: int = MANAGE_LISTED) -> widgets.Accordion:
        """Remove one workshop call, or every call of one import, each after a second
        click on "Confirm" ("Cancel" leaves the store as it was); every panel of the
        session redraws afterwards. Folded by default: it is the trainer's tool.

        The ``listed`` most recent calls are offered (the newest first); the imports are
        the store's batches (file name and time of the import)."""
        title = t("room.manage.title")
        calls = styled(widgets.Dropdown(description=t("room.manage.call"), layout=widgets.Layout(width="520px"),
                                        style={"description_width": "80px"}), "cxkit-manage-calls")
        batches = styled(widgets.Dropdown(description=t("room.manage.batch"), layout=widgets.Layout(width="520px"),
                                          style={"description_width": "80px"}), "cxkit-manage-batches")
        remove_call = styled(widgets.Button(description=t("room.manage.remove_call"), icon="trash",
                                            layout=widgets.Layout(width="auto")), "cxkit-manage-remove-call")
        remove_batch = styled(widgets.Button(description=t("room.manage.remove_batch"), icon="trash",
                                             layout=widgets.Layout(width="auto")), "cxkit-manage-remove-batch")
        question = styled(widgets.HTML(), "cxkit-manage-question")
        confirm = styled(widgets.Button(description=t("room.manage.confirm"), button_style="danger",
                                        layout=widgets.Layout(width="auto")), "cxkit-manage-confirm")
        cancel = styled(widgets.Button(description=t("room.manage.cancel"), layout=widgets.Layout(width="auto")),
                        "cxkit-manage-cancel")
        ask = widgets.HBox([question, confirm, cancel], layout=widgets.Layout(display="none"))
        status = styled(Status(), "cxkit-manage-status")
        pending: dict = {}
        body = widgets.VBox([widgets.HBox([calls, remove_call]), widgets.HBox([batches, remove_batch]), ask, status])
        box = styled(widgets.Accordion(children=[body], selected_index=None), "cxkit-manage")
        box.set_title(0, title)

        def ask_off() -> None:
            pending.clear()
            ask.layout.display = "none"
            question.value = ""
            for widget in (calls, batches, remove_call, remove_batch):
                widget.disabled = False

        def reload() -> None:
            store = _store()
            stored = store.calls()
            call_options = manage_call_options(stored, listed)
            batch_options = manage_batch_options(store.batches())
            for box, options, empty in ((calls, call_options, "room.manage.no_calls"),
                                        (batches, batch_options, "room.manage.no_batches")):
                chosen = box.value
                box.options = options or [(t(empty), None)]
                values = [value for _, value in box.options]
                box.value = chosen if chosen in values else values[0]  # keep the choice while it exists
            remove_call.disabled = not call_options
            remove_batch.disabled = not batch_options

        def ask_for(kind: str, key, text: str) -> None:
            pending.update(kind=kind, key=key, text=text)
            question.value = f"<b>{html.escape(text)}</b>"
            ask.layout.display = "flex"
            for widget in (calls, batches, remove_call, remove_batch):
                widget.disabled = True
            status.clear()

        @guarded(status)
        def on_remove_call(_button):
            if calls.value is not None:
                ask_for("call", calls.value, t("room.manage.confirm_call", call=plain(calls.value)))

        @guarded(status)
        def on_remove_batch(_button):
            if batches.value is not None:
                names, counts = manage_batch_counts(_store().batches())
                n = dict(zip(names, counts)).get(batches.value, 0)
                ask_for("batch", batches.value, t("room.manage.confirm_batch", batch=plain(batches.value), n=n))

        @guarded(status)
        def on_confirm(_button):
            kind, key = pending.get("kind"), pending.get("key")
            ask_off()
            if kind == "call" and _store().delete_call(key):
                status.ok(t("room.manage.removed_call", call=plain(key)))
            elif kind == "batch" and (n := _store().delete_batch(key)):
                status.ok(t("room.manage.removed_batch", batch=plain(key), n=n))
            elif kind is not None:
                status.error(t("room.manage.gone"))
            reload()
            self.refresh()

        @guarded(status)
        def on_cancel(_button):
            ask_off()
            status.ok(t("room.manage.cancelled"))

        @guarded(status)
        def on_open(change):
            if change["new"] is not None:
                reload()

        def draw(_calls, _primary, _scored):
            if box.selected_index is not None and not pending:
                reload()

        remove_call.on_click(on_remove_call)
        remove_batch.on_click(on_remove_batch)
        confirm.on_click(on_confirm)
        cancel.on_click(on_cancel)
        box.observe(on_open, names="selected_index")
        self._views.append(guarded(status)(draw))
        return box

    # the form -------------------------------------------------------------------------
    def form_panel(self) -> widgets.VBox:
        """Enter one mystery call; it is checked before it is written. A refused field is
        framed in red with its sentence beside it, and the line under the form names it;
        the results redraw if they read the store.

        The date starts at today: a date left empty or that does not exist (31/02, which
        the browser sends as no date) is refused, never replaced by today."""
        lang = get_language()
        wide = widgets.Layout(width="320px")
        evaluator = styled(widgets.Text(value=os.environ.get("JUPYTERHUB_USER", ""),  # on JupyterHub: the login name
                                        description=t("audit.form.evaluator"), layout=wide,
                                        style={"description_width": "110px"}), "cxkit-audit-evaluator")
        scenario = styled(widgets.Dropdown(
            options=[(plain(getattr(s, f"label_{lang}")), s.scenario) for s in self.scenarios.itertuples(index=False)],
            description=t("audit.form.scenario"), layout=widgets.Layout(width="420px"),
            style={"description_width": "110px"}), "cxkit-audit-scenario")
        day = styled(widgets.DatePicker(value=dt.date.today(), description=t("audit.form.date"),
                                        style={"description_width": "110px"}), "cxkit-audit-date")
        comment = styled(widgets.Textarea(description=t("audit.form.comment"), layout=widgets.Layout(width="520px"),
                                          style={"description_width": "110px"}), "cxkit-audit-comment")
        na = t("audit.na")
        inputs, errors, rows = {}, {}, []
        # One layout and one style shared by all the rows' widgets of a kind (ipywidgets
        # allows it): each is a model the page must receive, and the form has a row per
        # criterion; shared, they halve what twenty participants' pages load at once.
        shared = {"field": widgets.Layout(width="130px"), "label": widgets.Layout(width=_LABEL_WIDTH),
                  "plain": widgets.Layout(), "row": widgets.Layout(), "html": HTMLStyle(),
                  "choice": DescriptionStyle(), "text": TextStyle()}
        for g in self.grid.itertuples(index=False):
            if g.kind == "yes_no":
                field = widgets.Dropdown(options=[(na, "NA"), (t("audit.yes"), "oui"), (t("audit.no"), "non")],
                                         value="NA", layout=shared["field"], style=shared["choice"])
            elif g.kind == "scale":
                field = widgets.Dropdown(options=[(na, "NA")] + [(str(i), str(i)) for i in range(5)],
                                         value="NA", layout=shared["field"], style=shared["choice"])
            else:
                field = widgets.Text(placeholder=na, layout=shared["field"], style=shared["text"])
            inputs[g.criterion] = styled(field, "cxkit-field", f"cxkit-field-{g.criterion}")
            errors[g.criterion] = styled(Status(layout=shared["plain"], style=shared["html"]),
                                         f"cxkit-field-error-{g.criterion}")
            label = widgets.HTML(f"{html.escape(getattr(g, f'label_{lang}'))}"
                                 + (" <b>*</b>" if g.critical else ""), layout=shared["label"], style=shared["html"])
            rows.append(widgets.HBox([label, inputs[g.criterion], errors[g.criterion]], layout=shared["row"]))
        heads = {"evaluator": evaluator, "scenario": scenario, "date": day, "comment": comment}
        head_errors = {name: styled(Status(), f"cxkit-field-error-{name}") for name in heads}
        fields = {**inputs, **heads}
        names = {**{g.criterion: getattr(g, f"label_{lang}") for g in self.grid.itertuples(index=False)},
                 **{name: t(f"audit.form.{name}") for name in heads}}
        submit = styled(widgets.Button(description=t("audit.form.submit"), button_style="primary", icon="check"),
                        "cxkit-audit-submit")
        status = styled(Status(), "cxkit-audit-form-status")
        all_errors = {**errors, **head_errors}

        def refuse(field: str, problem: str) -> None:
            all_errors[field].error(problem)
            mark_invalid(fields[field])
            status.error(t("audit.form.not_saved", field=plain(names[field])))

        locked_note = styled(widgets.HTML(), "cxkit-forms-locked")

        def show_lock():
            locked = workshop.forms_locked()
            submit.disabled = locked
            locked_note.value = (f"<div style='color:#e76f51'>{html.escape(t('room.forms_locked'))}</div>"
                                 if locked else "")

        @guarded(status)
        def on_submit(_button):
            for name, box in all_errors.items():
                box.clear()
                mark_invalid(fields[name], False)
            status.clear()
            if workshop.forms_locked():  # the trainer closed the forms since the page drew
                show_lock()
                return status.error(t("room.forms_locked"))
            who = evaluator.value.strip()
            if not who:
                return refuse("evaluator", t("io.required"))
            if day.value is None:  # left empty, or a day that does not exist (31/02)
                return refuse("date", t("room.form.bad_date"))
            record = {"call_id": f"{re.sub(r'[^A-Za-z0-9]+', '', who)[:8] or 'X'}-{uuid.uuid4().hex[:6].upper()}",
                      "date": day.value.isoformat(), "scenario": scenario.value,
                      "evaluator": who, "ref_call": None, "comment": comment.value.strip() or None,
                      **{c: (w.value.strip() or None) for c, w in inputs.items()}}
            try:
                audit.validate_record(record, self.grid)
            except DataError as exc:
                field = "evaluator" if exc.column == "call_id" else exc.column  # the id is made from the name
                if field in all_errors:
                    return refuse(field, exc.problem)
                raise
            _store().add_call(record)
            for c, w in inputs.items():
                w.value = "NA" if isinstance(w, widgets.Dropdown) else ""
            comment.value = ""
            status.ok(t("audit.form.saved", call_id=record["call_id"]))
            self.refresh()

        submit.on_click(on_submit)
        live.subscribe(guarded(status)(show_lock))
        return card(t("audit.form.title"), widgets.HTML(INVALID_CSS), locked_note,
                    *(widgets.HBox([heads[name], head_errors[name]]) for name in ("evaluator", "scenario", "date")),
                    widgets.HTML(f"<i>{html.escape(t('audit.form.hint'))}</i>"), *rows,
                    widgets.HBox([comment, head_errors["comment"]]),
                    widgets.HBox([submit, status]))

    # the results ----------------------------------------------------------------------
    def results_panel(self) -> widgets.VBox:
        """Indicators with 95 % intervals, the verdict, charts, weakest criteria, recommendations."""
        target = styled(widgets.FloatSlider(value=self.target, min=0.5, max=0.95, step=0.05, readout_format=".0%",
                                            description=t("audit.results.target"), continuous_update=False,
                                            style={"description_width": "200px"}, layout=widgets.Layout(width="480px")),
                        "cxkit-audit-target")
        numbers = styled(widgets.HTML(), "cxkit-audit-indicators")
        verdict = styled(widgets.HTML(), "cxkit-audit-verdict")
        sections, scen, evals, trend, weak = (ChartView() for _ in range(5))
        reco = styled(widgets.HTML(), "cxkit-audit-reco")
        status = Status()

        def draw(calls, primary, scored):
            self.target = target.value
            numbers.value = indicators_html(scored)
            n = 0 if scored is None else len(scored)
            good = 0 if scored is None else int(scored["good"].sum())
            kind = audit.verdict(good, n, self.target)
            verdict.value = (f"<div class='cxkit-verdict-{kind}' style='border:2px solid #264653;padding:6px 10px'>"
                             f"{html.escape(audit.verdict_text(good, n, self.target))}</div>")
            if scored is None:
                for view in (sections, scen, evals, trend, weak):
                    view.clear()
                reco.value = ""
                return
            sections.draw("audit.section_chart", audit.section_scores(scored, self.grid))
            scen.draw("audit.group_chart", _with_scenario_labels(audit.summary_by(scored, "scenario"), self.scenarios),
                      by="scenario", target=self.target, title=t("audit.chart.by_scenario"))
            evals.draw("audit.group_chart", audit.summary_by(scored, "evaluator"), by="evaluator", target=self.target,
                       title=t("audit.chart.by_evaluator"))
            trend.draw("audit.trend_chart", audit.weekly_trend(scored), target=self.target)
            weak.draw("audit.weakest_chart", audit.weakest_criteria(primary, self.grid))
            reco.value = recommendations_html(scored, self.grid)

        @guarded(status)
        def on_target(_change):
            self.refresh()

        target.observe(on_target, names="value")
        self._views.append(guarded(status)(draw))
        draw(self.calls(), *self._primary_scored())
        self._go_live()
        return widgets.VBox([target, numbers, verdict, status, sections, scen, evals, trend, weak, reco])

    def _go_live(self) -> None:
        """Redraw every panel of the session when the room's store changes (another page
        saved a call, the trainer removed one) while the source is the store; once per
        session (:func:`cxkit.panels.live.subscribe`)."""
        if getattr(self, "_live", False):
            return
        self._live = True
        first = [True]

        def on_room_change():
            if first:  # called once at subscribe time: the panels were just drawn
                first.clear()
                return
            if self.source == "store":
                self.refresh()

        live.subscribe(on_room_change)

    def _primary_scored(self):
        primary = audit.primary_calls(self.calls())
        return primary, (audit.score_calls(primary, self.grid) if len(primary) else None)

    def calibration_panel(self) -> widgets.VBox:
        """Cohen's kappa per criterion on the double-scored calls, with its Landis & Koch reading."""
        table = styled(widgets.HTML(), "cxkit-audit-kappa")

        def draw(calls, primary, scored):
            table.value = kappa_html(calls, self.grid)

        self._views.append(draw)
        draw(self.calls(), None, None)
        return widgets.VBox([table])

    def export_panel(self) -> widgets.VBox:
        """The scored calls as an Excel workbook (built when the button is pressed)."""
        button = styled(widgets.Button(description=t("audit.export.prepare"), icon="file-excel-o"),
                        "cxkit-audit-export")
        link = widgets.HTML("")
        status = Status()

        @guarded(status)
        def on_click(_button):
            calls = self.calls()
            primary = audit.primary_calls(calls)
            if primary.empty:
                raise DataError(t("audit.verdict.none"))
            scored = audit.score_calls(primary, self.grid)
            kappa = audit.kappa_by_criterion(calls, self.grid)
            data = excel_bytes({t("audit.export.sheet_scored"): scored.reset_index(),
                                t("audit.export.sheet_calls"): calls.reset_index(drop=True),
                                t("audit.export.sheet_kappa"): kappa})
            link.value = download_link(data, t("audit.export.file"), t("ui.download_excel"), XLSX_MIME)

        def draw(calls, primary, scored):
            link.value = ""

        button.on_click(on_click)
        self._views.append(draw)
        return widgets.VBox([widgets.HBox([button, link]), status])


def _check_upload_size(name: str, size: int) -> None:
    """Refuse a file over the import limit (:data:`cxkit.io.MAX_BYTES`) before reading it."""
    from .. import io as cxio

    if size > cxio.MAX_BYTES:
        raise DataError(t("io.too_large", size=max(1, round(size / 2**20)), limit=cxio.MAX_BYTES // 2**20),
                        file=plain(name))


def batch_label(file_name: str, when: dt.datetime | None = None) -> str:
    """The label an import gets in the store: the file's name and the time it was added,
    e.g. ``campagne.csv · 2026-11-23 14:05:09`` (the trainer removes an import by it)."""
    when = when or dt.datetime.now()
    return f"{plain(file_name, 55) or '—'} · {when:%Y-%m-%d %H:%M:%S}"  # ≤ 77 characters: a name


def _with_cleaning(message: str, calls: pd.DataFrame) -> str:
    """``message``, followed by the sentence naming the cells (row, column) the file's
    reader removed control characters from (:func:`cxkit.io.cleaned_note`), if any."""
    from ..io import cleaned_note

    note = cleaned_note(calls)
    return f"{message} {note}" if note else message


def manage_call_options(stored: pd.DataFrame, listed: int = 200) -> list[tuple[str, str]]:
    """The stored calls as (label, call_id) for the delete list, newest first, at most
    ``listed``: ``id · evaluator · date``, each cut short and free of control characters."""
    if stored is None or stored.empty or "call_id" not in stored:
        return []
    recent = stored.iloc[::-1].head(listed)
    get = lambda col: recent[col] if col in recent else pd.Series("", index=recent.index)  # noqa: E731
    return [(" · ".join(p for p in (plain(i, 40), plain(e, 30), plain(d, 10)) if p), str(i))
            for i, e, d in zip(recent["call_id"], get("evaluator").fillna(""), get("date").fillna(""))]


#: The label the store gives a call saved without an import (one form entry): not listed
#: among the imports, since it is removed as a call.
_ONE_ENTRY = re.compile(r"batch-[0-9a-f]{8}")


def manage_batch_counts(batches: pd.DataFrame) -> tuple[list, list]:
    """The store's imports and their call counts, newest first; the one-call batches the
    store makes for form entries are left out (they are removed as calls)."""
    if batches is None or batches.empty:
        return [], []
    named = batches[batches["batch"].notna() & ~batches["batch"].astype(str).str.fullmatch(_ONE_ENTRY)]
    named = named.iloc[::-1]
    return list(named["batch"]), [int(n) for n in named["calls"]]


def manage_batch_options(batches: pd.DataFrame) -> list[tuple[str, str]]:
    """The store's imports as (label, batch) for the delete list: ``label (n calls)``."""
    names, counts = manage_batch_counts(batches)
    return [(t("room.manage.batch_option", batch=plain(b), n=n), b) for b, n in zip(names, counts)]


def grid_note_html(grid: pd.DataFrame) -> str:
    """One line saying which grid scores the calls: the shipped one, or the room's from
    notebook 02 and how many criteria it changes."""
    changed = sum(a != b for a, b in zip(audit.grid_choices(grid).values(),
                                         audit.grid_choices(audit.load_grid()).values()))
    text = t("audit.grid.note_room", n=changed) if changed else t("audit.grid.note_shipped")
    return f"<p class='cxkit-note'>{html.escape(text)}</p>"


def session(source: str = "sample") -> AuditSession:
    """The shared campaign of notebook 03 (default: the shipped sample campaign)."""
    return AuditSession(source)


def _with_scenario_labels(summary: pd.DataFrame, scenarios: pd.DataFrame) -> pd.DataFrame:
    names = scenarios.set_index("scenario")[f"label_{get_language()}"]
    return summary.assign(scenario=summary["scenario"].map(lambda s: names.get(s, s)))


def indicators_html(scored: pd.DataFrame | None, confidence: float = 0.95) -> str:
    """The headline figures: calls, good-call rate and mean score with their intervals."""
    if scored is None or scored.empty:
        return (f"<p>{html.escape(t('audit.results.calls'))} <b>n = <span class='cxkit-audit-n'>0</span></b></p>")
    ind = audit.indicators(scored, confidence)
    rows = [
        (t("audit.results.calls"), f"n = <span class='cxkit-audit-n'>{ind['n']}</span>"),
        (t("audit.results.good_rate"),
         f"{fmt_percent(ind['good_rate'])} ({html.escape(t('audit.results.interval'))} "
         f"{fmt_percent(ind['good_rate_low'])} – {fmt_percent(ind['good_rate_high'])})"),
        (t("audit.results.mean_score"),
         f"{fmt_number(ind['mean_score'], 1)} / 100" + (
             f" ({html.escape(t('audit.results.interval'))} {fmt_number(ind['mean_score_low'], 1)} – "
             f"{fmt_number(ind['mean_score_high'], 1)})" if ind["n"] > 1 else "")),
        (t("audit.results.critical"), str(ind["critical_failed"])),
    ]
    cards = "".join(f"<div class='cxkit-headline-card'><div class='cxkit-headline-label'>{html.escape(k)}</div>"
                    f"<div class='cxkit-headline-value'>{v.split(' (')[0]}</div>"
                    + (f"<div class='cxkit-headline-note'>({v.split(' (', 1)[1]}</div>" if " (" in v else "")
                    + "</div>" for k, v in rows)  # headline cards, as panels.base.headline draws them
    return f"<div class='cxkit-headline'>{cards}</div>"


def recommendations_html(scored: pd.DataFrame, grid: pd.DataFrame) -> str:
    """The weakest sections, the kind of change each calls for, and a first step."""
    reco = audit.recommendations(scored, grid)
    if reco.empty:
        return f"<p>{html.escape(t('audit.reco.none'))}</p>"
    colon = "\u00a0:" if get_language() == "fr" else ":"
    items = "".join(  # one decimal: a section at 69.6 is below 70, so it must not read "70 / 100"
        f"<li><b>{html.escape(_section(r.section))}</b> ({fmt_number(r.mean_score, 1)} / 100) → "
        f"<i>{html.escape(t(f'audit.area.{r.area}'))}</i>{colon} {html.escape(t(f'audit.reco.{r.section}'))}</li>"
        for r in reco.itertuples(index=False))
    return f"<h4>{html.escape(t('audit.reco.title'))}</h4><ul>{items}</ul>"


def kappa_html(calls: pd.DataFrame, grid: pd.DataFrame) -> str:
    """Kappa per criterion as a table, with its plain reading."""
    table = audit.kappa_by_criterion(calls, grid)
    if table.empty or table["n_pairs"].max() == 0:
        return f"<p>{html.escape(t('audit.kappa.no_pairs'))}</p>"
    shown = pd.DataFrame({
        t("audit.sheet.criterion"): table["label"],
        t("audit.kappa.pairs"): table["n_pairs"],
        t("audit.kappa.agreement"): [fmt_percent(v) if v == v else "—" for v in table["agreement"]],
        "κ": [fmt_number(v, 2) if v == v else "—" for v in table["kappa"]],
        t("audit.kappa.reading"): [t(f"audit.kappa.{r}") for r in table["reading"]],
    })
    return _table(shown, "cxkit-kappa-table") + f"<p><i>{html.escape(t('audit.kappa.source'))}</i></p>"
