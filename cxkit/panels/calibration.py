"""The calibration round: participants score one call blind (notebook 03), the trainer
chooses the call, sets the reference scoring, starts the round and reveals the results
(the console, ``notebooks/trainer.ipynb``).

The round under way is the store's setting :data:`cxkit.calibration.ROUND_SETTING`;
each scoring is an answer of kind ``"calibration"`` with the round's id and the rater's
name; the results stay hidden on the participants' pages until the trainer opens
``calibration.<round>`` (:func:`cxkit.workshop.reveal`). Pages redraw by themselves when
the store changes (:func:`cxkit.panels.live.subscribe`).

A rater's name is a participant's text: it is escaped wherever it goes into HTML
(:func:`cxkit.panels.base.plain` then ``html.escape``), and drawn as a chart label only.
"""
from __future__ import annotations

import html
import math

import ipywidgets as widgets
import pandas as pd

from .. import audit, calibration, stories, workshop
from ..errors import DataError
from ..i18n import fmt_number, fmt_percent, get_language, t
from . import live
from .base import INVALID_CSS, ChartView, Status, card, guarded, mark_invalid, plain, styled

_LABEL_WIDTH = "430px"


# --- text the reveal shows (pure: tested without widgets) -----------------------------------

def _pct(x: float, lang: str) -> str:
    return fmt_percent(x, 0, lang)


def _verdict_word(good: bool | None, lang: str) -> str:
    return t("calibration.good" if good else "calibration.not_good", lang)


def results_html(result: dict, lang: str | None = None, source: str = "sample") -> str:
    """The reveal's sentences and the raters' table as HTML, every participant's text
    escaped: the raters and the agreement (Fleiss' kappa and its Landis & Koch reading),
    the reference, how many raters reached another verdict, and what that does to the
    campaign's good-call share (:func:`cxkit.calibration.widened_interval`), said with
    its assumptions. ``result`` is :func:`cxkit.calibration.reveal`; ``source`` names
    the campaign (``"store"`` or ``"sample"``)."""
    lang = lang or get_language()
    esc = html.escape
    parts = []
    n = result["raters"]
    if n < 2 or math.isnan(result["kappa"]):
        parts.append(f"<p class='cxkit-calib-kappa'>{esc(t('calibration.kappa_none', lang))}</p>")
    else:
        reading = t(f"audit.kappa.{audit.kappa_reading(result['kappa'])}", lang)
        parts.append(f"<p class='cxkit-calib-kappa'><b>{esc(t('calibration.kappa_text', lang, n=n, k=int((result['spread']['n'] >= 2).sum()), kappa=fmt_number(result['kappa'], 2, lang), reading=reading))}</b></p>")
    scores = result["scores"]
    if n:
        ref_key = "calibration.reference.trainer" if scores.attrs.get("reference") == "trainer" else "calibration.reference.median"
        parts.append(f"<p>{esc(t(ref_key, lang, score=fmt_number(scores.attrs['reference_score'], 1, lang), verdict=_verdict_word(scores.attrs.get('reference_good'), lang)))}</p>")
        rows = "".join(
            f"<tr><td>{esc(plain(r.rater, 40))}</td><td>{esc(fmt_number(r.score, 1, lang))}</td>"
            f"<td>{esc(('+' if r.difference > 0 else '') + fmt_number(r.difference, 1, lang))}</td>"
            f"<td>{esc(t(f'calibration.lean.{r.lean}', lang))}</td></tr>"
            for r in scores.itertuples(index=False))
        head = "".join(f"<th>{esc(t(k, lang))}</th>" for k in (
            "calibration.col.rater", "calibration.col.score", "calibration.col.difference", "calibration.col.lean"))
        parts.append(f"<style>.cxkit-calib-raters td, .cxkit-calib-raters th {{padding:2px 10px;text-align:left}}</style>"
                     f"<table class='cxkit-calib-raters' style='border-collapse:collapse'><thead><tr>{head}</tr></thead>"
                     f"<tbody>{rows}</tbody></table>")
        flips = result["flips"]
        parts.append(f"<p>{esc(t('calibration.flips', lang, k=flips['differing'], n=flips['n']))}</p>")
    interval = result.get("interval")
    if interval:
        pct = {k: _pct(interval[k], lang) for k in ("rate", "low", "high", "p_flip", "wide_low", "wide_high", "target")}
        text = t("calibration.interval_text", lang, rate=pct["rate"], good=fmt_number(interval["good"], 0, lang),
                 n=fmt_number(interval["n"], 0, lang), low=pct["low"], high=pct["high"], flip=pct["p_flip"],
                 wide_low=pct["wide_low"], wide_high=pct["wide_high"])
        where = t("calibration.campaign_source", lang, source=t(f"calibration.campaign.{source}", lang))
        parts.append(f"<p class='cxkit-calib-interval'>{esc(text)} {esc(where)}</p>")
        same = interval["verdict"] == interval["wide_verdict"]
        verdict = t(f"audit.verdict.title.{interval['verdict']}", lang)
        wide = t(f"audit.verdict.title.{interval['wide_verdict']}", lang)
        key = "calibration.verdict_same" if same else "calibration.verdict_changes"
        parts.append(f"<p class='cxkit-calib-verdict'><b>{esc(t(key, lang, target=pct['target'], verdict=verdict, wide_verdict=wide))}</b></p>")
    return "".join(parts)


def transcript_html(call: str, lang: str | None = None) -> str:
    """What participants score: the story's steps (who speaks, what they say, how long)
    without the story's own reading of them, or the note for a recording."""
    lang = lang or get_language()
    esc = html.escape
    if call not in stories.STORIES:
        return f"<p><i>{esc(t('calibration.recording_note', lang))}</i></p>"
    steps = stories.story_steps(stories.load_stories(), call, lang)
    rows = "".join(f"<tr><td>{esc(t(f'stories.who.{s.who}', lang))}</td><td>{esc(str(s.says))}</td>"
                   f"<td style='white-space:nowrap'>{esc(stories.clock(s.seconds, lang))}</td></tr>"
                   for s in steps.itertuples(index=False))
    return (f"<p>{esc(t('calibration.transcript', lang))}</p>"
            f"<table class='cxkit-calib-transcript' style='border-collapse:collapse'><tbody>{rows}</tbody></table>")


def campaign_counts(store=None) -> tuple[int, int, str]:
    """The campaign the reveal speaks of: ``(good, n, source)`` from the room's calls
    scored on the room's grid, or from the shipped sample campaign when the room has
    entered none (second scorings left out, as in notebook 03)."""
    store = store or workshop.store()
    grid = workshop.room_grid(store)
    entered = audit.calls_from_records(store.calls(), grid)
    source = "store" if len(entered) else "sample"
    campaign = entered if len(entered) else audit.load_sample_campaign(grid)
    scored = audit.score_calls(audit.primary_calls(campaign), grid)
    return int(scored["good"].sum()), int(len(scored)), source


def current_round(store=None) -> dict | None:
    """The round under way (:func:`cxkit.calibration.new_round`), or ``None``."""
    state = (store or workshop.store()).setting(calibration.ROUND_SETTING)
    return state if isinstance(state, dict) and state.get("round") else None


def start_round(call: str, reference: dict | None = None, store=None) -> dict:
    """Start a new round on ``call`` with the trainer's ``reference`` marks; returns it."""
    state = calibration.new_round(call, reference)
    (store or workshop.store()).save_setting(calibration.ROUND_SETTING, state)
    return state


# --- widgets ------------------------------------------------------------------------------

def _mark_fields(grid: pd.DataFrame, prefix: str) -> tuple[dict, dict, list]:
    """One field per criterion (yes/no and 0–4 as menus, numbers as text), its error
    line, and the rows to show."""
    lang = get_language()
    na = t("audit.na")
    inputs, errors, rows = {}, {}, []
    field_layout, label_layout = widgets.Layout(width="130px"), widgets.Layout(width=_LABEL_WIDTH)
    for g in grid.itertuples(index=False):
        if g.kind == "yes_no":
            field = widgets.Dropdown(options=[(na, "NA"), (t("audit.yes"), "oui"), (t("audit.no"), "non")],
                                     value="NA", layout=field_layout)
        elif g.kind == "scale":
            field = widgets.Dropdown(options=[(na, "NA")] + [(str(i), str(i)) for i in range(5)], value="NA",
                                     layout=field_layout)
        else:
            field = widgets.Text(placeholder=na, layout=field_layout)
        inputs[g.criterion] = styled(field, f"{prefix}-field", f"{prefix}-field-{g.criterion}")
        errors[g.criterion] = styled(Status(), f"{prefix}-field-error-{g.criterion}")
        label = widgets.HTML(html.escape(getattr(g, f"label_{lang}")) + (" <b>*</b>" if g.critical else ""),
                             layout=label_layout)
        rows.append(widgets.HBox([label, inputs[g.criterion], errors[g.criterion]]))
    return inputs, errors, rows


def _values(inputs: dict) -> dict:
    return {c: (w.value.strip() or None) if isinstance(w, widgets.Text) else w.value for c, w in inputs.items()}


def _reset(inputs: dict) -> None:
    for w in inputs.values():
        w.value = "" if isinstance(w, widgets.Text) else "NA"


class _Results:
    """The reveal: sentences, the spread chart and the raters' chart."""

    def __init__(self):
        self.text = styled(widgets.HTML(), "cxkit-calib-results")
        self.spread = ChartView()
        self.raters = ChartView()
        self.box = widgets.VBox([self.text, self.spread, self.raters])
        self._key = None

    def show(self, store, state: dict, answers: pd.DataFrame) -> None:
        key = (state.get("round"), repr(state.get("reference")), len(answers), workshop.data_version(store)
               if hasattr(workshop, "data_version") else None)
        if key == self._key:
            return
        grid = workshop.room_grid(store)
        good, n, source = campaign_counts(store)
        result = calibration.reveal(answers, state, grid, good, n)
        self.text.value = results_html(result, source=source)
        if result["raters"]:
            self.spread.draw("calibration.spread_chart", result["spread"])
            self.raters.draw("calibration.rater_chart", result["scores"][["rater", "difference", "lean"]])
        else:
            self.spread.clear()
            self.raters.clear()
        self._key = key

    def hide(self) -> None:
        self.text.value = ""
        self.spread.clear()
        self.raters.clear()
        self._key = None


def participant_panel(store=None) -> widgets.VBox:
    """Notebook 03's calibration round: the call of the round under way, a blind scoring
    form on the room's grid (saved as an answer of kind ``"calibration"``), the number
    of scorings received, and the results once the trainer reveals them. Redraws by
    itself when the trainer starts a round or reveals it."""
    grid = workshop.room_grid(store)
    inputs, errors, rows = _mark_fields(grid, "cxkit-calib")
    rater = styled(widgets.Text(description=t("calibration.rater"), style={"description_width": "110px"},
                                layout=widgets.Layout(width="320px")), "cxkit-calib-rater")
    rater_error = styled(Status(), "cxkit-calib-field-error-rater")
    save = styled(widgets.Button(description=t("calibration.save"), button_style="primary", icon="check"),
                  "cxkit-calib-save")
    status = styled(Status(), "cxkit-calib-status")
    head = styled(widgets.HTML(), "cxkit-calib-round")
    count = styled(widgets.HTML(), "cxkit-calib-count")
    results = _Results()
    form = widgets.VBox([widgets.HBox([rater, rater_error]), *rows, widgets.HBox([save, status])])
    names = {**{g.criterion: getattr(g, f"label_{get_language()}") for g in grid.itertuples(index=False)},
             "rater": t("calibration.rater")}
    fields, all_errors = {**inputs, "rater": rater}, {**errors, "rater": rater_error}
    seen = {"round": None}

    def the_store():
        return store or workshop.store()

    def redraw():
        s = the_store()
        state = current_round(s)
        if state is None:
            head.value = f"<p>{html.escape(t('calibration.no_round'))}</p>"
            form.layout.display = "none"
            count.value = ""
            results.hide()
            return
        if state["round"] != seen["round"]:  # a new round: a clean form
            seen["round"] = state["round"]
            _reset(inputs)
            status.clear()
            call = t(f"calibration.call.{state['call']}")
            head.value = (f"<p><b>{html.escape(t('calibration.round_call', round=state['round'], call=call))}</b></p>"
                          + transcript_html(state["call"]))
        answers = s.answers(calibration.KIND)
        ratings = calibration.round_ratings(answers, state["round"], grid)
        shown = calibration.reveal_key(state["round"]) in workshop.revealed(s)
        form.layout.display = "none" if shown else None
        count.value = html.escape(t("calibration.count", n=ratings.shape[1])) + (
            "" if shown else f" <i>{html.escape(t('calibration.hidden'))}</i>")
        if shown:
            results.show(s, state, answers)
        else:
            results.hide()

    def refuse(field: str, problem: str) -> None:
        all_errors[field].error(problem)
        mark_invalid(fields[field])
        status.error(t("calibration.not_saved", field=plain(names[field])))

    @guarded(status)
    def on_save(_button):
        for name, box in all_errors.items():
            box.clear()
            mark_invalid(fields[name], False)
        status.clear()
        s = the_store()
        state = current_round(s)
        if state is None:
            return status.error(t("calibration.no_round"))
        if workshop.forms_locked(s) or calibration.reveal_key(state["round"]) in workshop.revealed(s):
            return status.error(t("calibration.locked"))
        try:
            record = calibration.rating_record(_values(inputs), grid, rater.value, state["round"])
        except DataError as exc:
            if exc.column in all_errors:
                return refuse(exc.column, exc.problem)
            raise
        s.add_answer(calibration.KIND, record)
        status.ok(t("calibration.saved", rater=plain(record["rater"], 40)))
        redraw()

    save.on_click(on_save)
    live.subscribe(guarded(status)(redraw))
    return card(t("calibration.title"), widgets.HTML(INVALID_CSS), head, form, count, results.box)


def console_panel(store=None) -> widgets.VBox:
    """The trainer's side of the calibration round (``notebooks/trainer.ipynb``): choose
    the call (one of 01's stories or a recording), type the reference scoring, start a
    round, then reveal (or hide) its results on every participant's page. The trainer
    sees the number of scorings and the results as they come in."""
    grid = workshop.room_grid(store)
    inputs, errors, rows = _mark_fields(grid, "cxkit-calib-ref")
    call = styled(widgets.Dropdown(options=[(t(f"calibration.call.{c}"), c) for c in calibration.CALLS],
                                   description=t("calibration.console.call"), style={"description_width": "110px"},
                                   layout=widgets.Layout(width="560px")), "cxkit-calib-call")
    start = styled(widgets.Button(description=t("calibration.console.start"), button_style="primary", icon="play",
                                  layout=widgets.Layout(width="auto")), "cxkit-calib-start")
    save_ref = styled(widgets.Button(description=t("calibration.console.save_reference"),
                                     layout=widgets.Layout(width="auto")), "cxkit-calib-save-reference")
    reveal = styled(widgets.ToggleButton(description=t("calibration.console.reveal"), icon="eye",
                                         layout=widgets.Layout(width="auto")), "cxkit-calib-reveal")
    status = styled(Status(), "cxkit-calib-console-status")
    head = styled(widgets.HTML(), "cxkit-calib-round")
    count = styled(widgets.HTML(), "cxkit-calib-count")
    results = _Results()
    quiet = {"on": False}

    def the_store():
        return store or workshop.store()

    def reference() -> dict:
        values = _values(inputs)
        if all(v in (None, "", "NA") for v in values.values()):
            return {}
        return calibration.marks_record(values, grid)

    def refuse(exc: DataError) -> None:
        if exc.column in errors:
            errors[exc.column].error(exc.problem)
            mark_invalid(inputs[exc.column])
            label = grid.set_index("criterion").at[exc.column, f"label_{get_language()}"]
            status.error(t("calibration.not_saved", field=plain(label)))
        else:
            status.error(str(exc))

    def clear_errors() -> None:
        for c, box in errors.items():
            box.clear()
            mark_invalid(inputs[c], False)
        status.clear()

    def redraw():
        s = the_store()
        state = current_round(s)
        if state is None:
            head.value = f"<p>{html.escape(t('calibration.console.no_round'))}</p>"
            count.value = ""
            results.hide()
            return
        called = t(f"calibration.call.{state['call']}")
        head.value = f"<p><b>{html.escape(t('calibration.round_call', round=state['round'], call=called))}</b></p>"
        answers = s.answers(calibration.KIND)
        count.value = html.escape(t("calibration.count", n=calibration.round_ratings(answers, state["round"], grid).shape[1]))
        shown = calibration.reveal_key(state["round"]) in workshop.revealed(s)
        quiet["on"] = True
        try:
            reveal.value = shown
            reveal.description = t("calibration.console.hide" if shown else "calibration.console.reveal")
        finally:
            quiet["on"] = False
        results.show(s, state, answers)

    @guarded(status)
    def on_start(_button):
        clear_errors()
        try:
            ref = reference()
        except DataError as exc:
            return refuse(exc)
        s = the_store()
        old = current_round(s)
        if old is not None:
            workshop.reveal(calibration.reveal_key(old["round"]), False, s)
        state = start_round(call.value, ref, s)
        status.ok(t("calibration.console.started", round=state["round"]))
        redraw()

    @guarded(status)
    def on_save_reference(_button):
        clear_errors()
        s = the_store()
        state = current_round(s)
        if state is None:
            return status.error(t("calibration.console.no_round"))
        try:
            state["reference"] = reference()
        except DataError as exc:
            return refuse(exc)
        s.save_setting(calibration.ROUND_SETTING, state)
        status.ok(t("calibration.console.reference_saved", round=state["round"]))
        redraw()

    @guarded(status)
    def on_reveal(change):
        if quiet["on"]:
            return
        s = the_store()
        state = current_round(s)
        if state is None:
            quiet["on"] = True
            reveal.value = False
            quiet["on"] = False
            return status.error(t("calibration.console.no_round"))
        workshop.reveal(calibration.reveal_key(state["round"]), bool(change["new"]), s)
        status.ok(t("calibration.console.revealed" if change["new"] else "calibration.console.hidden",
                    round=state["round"]))
        redraw()

    start.on_click(on_start)
    save_ref.on_click(on_save_reference)
    reveal.observe(on_reveal, names="value")
    live.subscribe(guarded(status)(redraw))
    return card(t("calibration.console.title"), widgets.HTML(INVALID_CSS), call,
                widgets.HTML(f"<i>{html.escape(t('calibration.console.reference_hint'))}</i>"), *rows,
                widgets.HBox([start, save_ref, reveal]), status, head, count, results.box)
