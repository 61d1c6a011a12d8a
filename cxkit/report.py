"""The workshop report: what the room produced, gathered into one page and one workbook.

:func:`build` collects the content (pure pandas, no widgets):

* the room's self-assessment (notebook 01) from the workshop store;
* the phone audit's indicators and verdict (notebook 03, :mod:`cxkit.audit`) from the
  calls entered in the store, or from the shipped sample campaign when none were entered,
  scored with the room's grid (the one chosen in notebook 02, :func:`cxkit.workshop.room_grid`);
* the yearly loss (notebook 05, :mod:`cxkit.losses`): the median of the simulation with
  its P10–P90 band, then the total with every input at its likely value; the share of
  badly handled calls is taken from the audit (:func:`cxkit.losses.from_audit`);
* the improvement plan (yearly and one-off costs, net gain per year, net present value,
  payback; :func:`cxkit.losses.improvement_plan`) and a comparison of three plans.

:func:`html_report` writes it as one self-contained HTML page (charts as inline SVG, no
script, no font or file from the internet, printable to PDF from a browser) and
:func:`excel_report` as an ``.xlsx`` workbook, one sheet per table. Both state the date,
the data used and the model's limits. Chart builders are imported only by
:func:`html_report`, so building the content never touches altair.
"""
from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import audit, calibration, losses, stories
from .i18n import fmt_date, fmt_money, fmt_number, fmt_percent, get_language, localized, t
from .io import excel_bytes
from .store import Store
from . import workshop
from .workshop import room_grid

#: The plan's defaults, the same as notebook 05's dashboard (``panels.losses.DEFAULTS``).
TARGET_BAD_CALL_RATE = 0.08
PLAN_COST = 250_000.0
ONE_OFF_COST = 0.0
YEARS = 3
DRAWS = 20_000
SEED = 0
LIMITS = ("report.limit.synthetic", "report.limit.assumptions", "report.limit.independence",
          "report.limit.audit", "report.limit.room")
SOURCES = ("report.src.seed", "report.src.model", "report.src.stats", "report.src.finance", "report.src.company")
#: Three plans the report compares (the workbook's own illustrative assumptions, not
#: quotes): ``key`` names the label ``report.plans.<key>``; target share of badly handled
#: calls, yearly cost and one-off cost in euros.
PLANS = (
    {"key": "coaching", "target": 0.18, "yearly_cost": 60_000.0, "one_off_cost": 40_000.0},
    {"key": "overhaul", "target": 0.08, "yearly_cost": 250_000.0, "one_off_cost": 100_000.0},
    {"key": "staffing", "target": 0.05, "yearly_cost": 500_000.0, "one_off_cost": 0.0},
)


# --- content ----------------------------------------------------------------------------

def room_part(answers: pd.DataFrame) -> dict:
    """The room's self-assessment: ``n`` participants, their ``mean`` (0–4) and the
    ``comparison`` table (``question, series, score``) with the three stories."""
    questions = stories.load_questions()
    room = stories.room_answers(answers, questions)
    info = stories.room_summary(room)
    return {"n": info["n"], "mean": info["mean"], "questions": questions,
            "comparison": stories.comparison(questions, room=room)}


def audit_part(calls: pd.DataFrame | None, grid: pd.DataFrame | None = None) -> dict:
    """The audit's indicators and verdict, from the store's calls or else the sample.

    ``calls`` is ``workshop.store().calls()``; when it holds no call the shipped sample campaign
    (``data/sample_campaign.csv``, synthetic) is used and ``source`` says so. ``grid`` is
    the grid to score with (default: the shipped grid; :func:`build` passes the room's,
    :func:`cxkit.workshop.room_grid`). Second scorings made for calibration are left out
    (:func:`cxkit.audit.primary_calls`). ``scored`` holds the scored calls,
    ``grid_choices`` the number of criteria the room changed (0: the shipped grid).
    """
    grid = audit.load_grid() if grid is None else grid
    entered = audit.calls_from_records(calls if calls is not None else pd.DataFrame(), grid)
    source = "store" if len(entered) else "sample"
    campaign = entered if len(entered) else audit.load_sample_campaign(grid)
    scored = audit.score_calls(audit.primary_calls(campaign), grid)
    ind = audit.indicators(scored)
    return {"source": source, "indicators": ind, "verdict": audit.verdict(ind["good"], ind["n"]),
            "sections": audit.section_scores(scored, grid),
            "recommendations": audit.recommendations(scored, grid), "target": audit.TARGET,
            "scored": scored, "grid_choices": int(grid.attrs.get("room_choices", 0))}


def assumptions_from_audit(assumptions: pd.DataFrame, scored: pd.DataFrame | None) -> pd.DataFrame:
    """The loss model's assumptions with ``bad_call_rate`` measured by the audit.

    :func:`cxkit.losses.from_audit` (likely = share of calls that are not good; low and
    high = 1 − the Wilson bounds of the good-call share, clipped so that
    ``0 ≤ low ≤ likely ≤ high ≤ 1`` even when every call is good). The row's ``source``
    and ``notes`` are kept in English and French in ``attrs["audit_text"]``. Without scored calls the assumptions are returned unchanged.
    """
    if scored is None or not len(audit.primary_calls(scored)):
        return assumptions
    used = losses.from_audit(assumptions, scored, lang="en")
    text = {}
    for lang in ("en", "fr"):
        row = losses.from_audit(assumptions, scored, lang=lang).loc["bad_call_rate"]
        text[lang] = {"source": row["source"], "notes": row.get("notes", "")}
    used.attrs["audit_text"] = text
    return used


def compare_plans(inputs: Mapping[str, float], plans=PLANS, years: int = YEARS) -> pd.DataFrame:
    """Plans side by side, each priced by :func:`cxkit.losses.improvement_plan`.

    ``plans`` is a sequence of ``{"key", "target", "yearly_cost", "one_off_cost"}``
    (money in euros, target a share). Returns one row per plan, indexed by ``key``:
    ``target``, ``saving``, ``yearly_cost``, ``one_off_cost``, ``net_gain`` (per year),
    ``npv`` (over ``years`` at the inputs' discount rate), ``payback_months`` (infinite
    when the plan never pays back) and ``pays_back``. Read the net gain and the NPV first:
    a short payback alone can favour a small plan that earns less.
    """
    rows = {}
    for plan in plans:
        result = losses.improvement_plan(inputs, plan["target"], plan["yearly_cost"], plan["one_off_cost"], years)
        rows[plan["key"]] = {"target": float(plan["target"]), **{k: float(result[k]) for k in (
            "saving", "yearly_cost", "one_off_cost", "net_gain", "npv", "payback_months", "pays_back")}}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "plan"
    return frame


def loss_part(assumptions: pd.DataFrame, scored: pd.DataFrame | None = None, *,
              target_bad_call_rate: float = TARGET_BAD_CALL_RATE, yearly_cost: float = PLAN_COST,
              one_off_cost: float = ONE_OFF_COST, years: int = YEARS, n: int = DRAWS, seed: int = SEED,
              plans=PLANS) -> dict:
    """The yearly loss: the median of ``n`` seeded draws with its P10–P90 band, the total
    with every input at its likely value, the improvement plan and the plans compared.

    With ``scored`` calls (from the audit), ``bad_call_rate`` comes from them
    (:func:`assumptions_from_audit`); every other assumption is the file's. The draws are
    :func:`cxkit.losses.simulate` (``n``, ``seed``): the same as notebook 05's dashboard
    for the same assumptions. ``likely_share_below`` is the share of the draws below the
    all-likely total (where that total sits in the simulation).
    """
    used = assumptions_from_audit(assumptions, scored)
    fed = used is not assumptions
    inputs = losses.likely_values(used)
    totals = losses.simulate(used, n=n, seed=seed)["total"].to_numpy()
    loss = losses.annual_loss(inputs)
    return {"assumptions": used, "bad_call_from_audit": fed,
            "audit_n": int(used.attrs["audit"]["n"]) if fed else 0,
            "loss": loss, "band": losses.band(totals), "n_draws": int(n), "seed": int(seed),
            "likely_share_below": float((totals < loss["total"]).mean()),
            "plan": losses.improvement_plan(inputs, target_bad_call_rate, yearly_cost, one_off_cost, years),
            "plans": compare_plans(inputs, plans, years),
            "target_bad_call_rate": float(target_bad_call_rate), "bad_call_rate": inputs["bad_call_rate"]}


def build(store: Store | None = None, *, day: dt.date | None = None,
          target_bad_call_rate: float = TARGET_BAD_CALL_RATE, yearly_cost: float = PLAN_COST,
          one_off_cost: float = ONE_OFF_COST, years: int = YEARS, n: int = DRAWS, seed: int = SEED,
          plan_cost: float | None = None) -> dict:
    """Everything the report shows: ``day``, ``room``, ``plans`` (the closing round's
    action plans, :func:`cxkit.calibration.room_plans`), ``audit``, ``losses``.

    ``day`` is the report's date (default: today); it appears in the downloaded files only.
    The calls are scored with the room's grid (:func:`cxkit.workshop.room_grid`), as in
    notebook 03. ``plan_cost`` is the older name of ``yearly_cost``.
    """
    store = store or workshop.store()
    if plan_cost is not None:
        yearly_cost = plan_cost
    audit_content = audit_part(store.calls(), room_grid(store))
    return {
        "day": day or dt.date.today(),
        "room": room_part(store.answers(stories.KIND)),
        "plans": calibration.room_plans(store.answers(calibration.PLAN_KIND)),
        "audit": audit_content,
        "losses": loss_part(losses.load_assumptions(), audit_content["scored"],
                            target_bad_call_rate=target_bad_call_rate, yearly_cost=yearly_cost,
                            one_off_cost=one_off_cost, years=years, n=n, seed=seed),
    }


# --- tables -----------------------------------------------------------------------------

def _pct(x: float, lang: str | None, decimals: int = 0) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else fmt_percent(x, decimals, lang)


def headline(content: Mapping, lang: str | None = None) -> pd.DataFrame:
    """The report's key figures as a two-column table (``item``, ``value``), in words.

    The loss comes first as the median of the simulation with its P10–P90 band ("we are
    80 % confident the yearly loss lies between …"), then the total with every input at
    its likely value, said as such; then the plan: net gain per year, net present value
    and payback (or "never pays back")."""
    lang = lang or get_language()
    room, aud, loss = content["room"], content["audit"], content["losses"]
    ind = aud["indicators"]
    plan = loss["plan"]
    rows = [
        (t("report.row.room", lang), t("report.room_n", lang, n=room["n"]) if room["n"] else t("report.room_none", lang)),
        (t("report.row.audit_data", lang), audit_source_text(aud, lang)),
        (t("report.row.grid", lang), _grid_text(aud, lang)),
        (t("report.row.good_rate", lang), t("report.rate_interval", lang, rate=_pct(ind["good_rate"], lang),
                                            low=_pct(ind["good_rate_low"], lang), high=_pct(ind["good_rate_high"], lang))),
        (t("report.row.verdict", lang), t(f"audit.verdict.title.{aud['verdict']}", lang)),
        (t("report.row.loss", lang), fmt_money(loss["band"]["median"], lang=lang)),
        (t("report.row.band", lang), t("report.band_text", lang, low=fmt_money(loss["band"]["p10"], lang=lang),
                                       high=fmt_money(loss["band"]["p90"], lang=lang))),
        (t("report.row.likely_total", lang), t("report.likely_value", lang, total=fmt_money(loss["loss"]["total"], lang=lang),
                                               share=_pct(loss["likely_share_below"], lang))),
        (t("report.row.plan", lang), _plan_text(loss, lang)),
        (t("report.row.net_gain", lang), fmt_money(plan["net_gain"], lang=lang)),
        (t("report.row.npv", lang, years=int(plan["years"]), rate=_pct(plan["discount_rate"], lang)),
         fmt_money(plan["npv"], lang=lang)),
        (t("report.row.payback", lang), payback_text(plan, lang)),
    ]
    return pd.DataFrame(rows, columns=[t("report.col.item", lang), t("report.col.value", lang)])


def audit_source_text(aud: Mapping, lang: str | None = None) -> str:
    """Where the audit's calls come from, in words: the room's calls, or the sample
    campaign of the fictitious sample company."""
    return t(f"report.audit_source.{aud['source']}", lang, n=aud["indicators"]["n"],
             company=t("company.name", lang))


def payback_text(plan: Mapping, lang: str | None = None) -> str:
    """The plan's payback in words: "never" when it costs more each year than it saves
    (``net_gain ≤ 0``, whatever its one-off cost), "at once" when it has no one-off cost
    and gains every year, else the months (:func:`cxkit.losses.improvement_plan`)."""
    if not plan["net_gain"] > 0 or not np.isfinite(plan["payback_months"]):
        return t("report.payback_never", lang)
    if plan["one_off_cost"] <= 0:
        return t("report.payback_at_once", lang)
    return t("report.payback_months", lang, months=fmt_number(plan["payback_months"], 1, lang))


def payback_sentence(plan: Mapping, lang: str | None = None) -> str:
    """:func:`payback_text` as a sentence for the plan's paragraph."""
    if not plan["net_gain"] > 0 or not np.isfinite(plan["payback_months"]):
        return t("report.plan_verdict.never", lang)
    if plan["one_off_cost"] <= 0:
        return t("report.plan_verdict.at_once", lang)
    return t("report.plan_verdict.months", lang, one_off=fmt_money(plan["one_off_cost"], lang=lang),
             months=fmt_number(plan["payback_months"], 1, lang))


def _grid_text(aud: Mapping, lang: str) -> str:
    k = aud.get("grid_choices", 0)
    return t("report.grid.room", lang, n=k) if k else t("report.grid.shipped", lang)


def _plan_text(loss: Mapping, lang: str) -> str:
    plan = loss["plan"]
    key = "report.plan_text" if plan["one_off_cost"] > 0 else "report.plan_text_no_one_off"
    return t(key, lang, today=_pct(loss["bad_call_rate"], lang),
             target=_pct(loss["target_bad_call_rate"], lang), saving=fmt_money(plan["saving"], lang=lang),
             cost=fmt_money(plan["yearly_cost"], lang=lang), one_off=fmt_money(plan["one_off_cost"], lang=lang))


def _months_cell(value: float, lang: str):
    return round(float(value), 1) if np.isfinite(value) else t("report.never", lang)


def plans_table(content: Mapping, lang: str | None = None, *, formatted: bool = False) -> pd.DataFrame:
    """The plans compared (:func:`compare_plans`), titled and labelled in ``lang``; money
    rounded to the euro, payback in months or "never". With ``formatted`` every cell is
    text written the way ``lang`` writes money and percentages (for a notebook's page)."""
    lang = lang or get_language()
    plans = content["losses"]["plans"]
    if formatted:
        money = lambda col: [fmt_money(v, lang=lang) for v in plans[col]]  # noqa: E731
        return pd.DataFrame({
            t("report.col.plan", lang): [t(f"report.plans.{k}", lang) for k in plans.index],
            t("report.col.target", lang): [_pct(v, lang) for v in plans["target"]],
            t("report.col.saving", lang): money("saving"),
            t("report.col.yearly_cost", lang): money("yearly_cost"),
            t("report.col.one_off_cost", lang): money("one_off_cost"),
            t("report.col.net_gain", lang): money("net_gain"),
            t("report.col.npv", lang, years=int(content["losses"]["plan"]["years"])): money("npv"),
            t("report.col.payback", lang): [fmt_number(v, 1, lang) if np.isfinite(v) else t("report.never", lang)
                                            for v in plans["payback_months"]],
        })
    return pd.DataFrame({
        t("report.col.plan", lang): [t(f"report.plans.{k}", lang) for k in plans.index],
        t("report.col.target", lang): plans["target"].to_numpy(),
        t("report.col.saving", lang): plans["saving"].round(0).to_numpy(),
        t("report.col.yearly_cost", lang): plans["yearly_cost"].round(0).to_numpy(),
        t("report.col.one_off_cost", lang): plans["one_off_cost"].round(0).to_numpy(),
        t("report.col.net_gain", lang): plans["net_gain"].round(0).to_numpy(),
        t("report.col.npv", lang, years=int(content["losses"]["plan"]["years"])): plans["npv"].round(0).to_numpy(),
        t("report.col.payback", lang): [_months_cell(v, lang) for v in plans["payback_months"]],
    })


def plans_note(content: Mapping, lang: str | None = None) -> str:
    """What the plans compared show, in words computed from them: which plan pays back
    fastest and which has the largest NPV (and whether they differ), then the plans that
    never pay back."""
    plans = content["losses"]["plans"]
    name = lambda key: t(f"report.plans.{key}", lang)  # noqa: E731
    paying = plans[plans["pays_back"] > 0]
    if paying.empty:
        return t("report.plans_note.none", lang)
    fast, best = paying["payback_months"].idxmin(), plans["npv"].idxmax()
    parts = [t("report.plans_note.differ", lang, fast=name(fast), best=name(best)) if fast != best
             else t("report.plans_note.same", lang, best=name(best))]
    parts += [t("report.plans_note.never", lang, plans=name(k)) for k in plans.index[plans["pays_back"] <= 0]]
    return " ".join(parts)


def tables(content: Mapping, lang: str | None = None) -> dict[str, pd.DataFrame]:
    """The report's tables, one per sheet of the Excel workbook, titled in ``lang``."""
    lang = lang or get_language()
    room, aud, loss = content["room"], content["audit"], content["losses"]
    questions = room["questions"]
    wide = room["comparison"].pivot(index="question", columns="series", values="score").reindex(questions.index)
    assess = pd.DataFrame({t("report.col.question", lang): questions[f"label_{lang}"]})
    for series in [*stories.STORIES, "room"]:
        if series in wide:
            key = f"stories.story.{series}" if series in stories.STORIES else "stories.series.room"
            assess[t(key, lang)] = wide[series].round(2)
    ind = aud["indicators"]
    indicators = pd.DataFrame({
        t("report.col.item", lang): [t(f"report.ind.{k}", lang) for k in
                                     ("n", "good", "good_rate", "good_rate_low", "good_rate_high",
                                      "mean_score", "mean_score_low", "mean_score_high", "critical_failed")],
        t("report.col.value", lang): [ind["n"], ind["good"], ind["good_rate"], ind["good_rate_low"],
                                      ind["good_rate_high"], ind["mean_score"], ind["mean_score_low"],
                                      ind["mean_score_high"], ind["critical_failed"]],
    })
    sections = pd.DataFrame({t("report.col.section", lang): [t(f"audit.section.{s}", lang) for s in aud["sections"]["section"]],
                             t("report.col.mean_score", lang): aud["sections"]["mean_score"].round(1).to_numpy(),
                             t("report.col.n", lang): aud["sections"]["n"].to_numpy()})
    reco = aud["recommendations"]
    plan_rows = pd.DataFrame({
        t("report.col.section", lang): [t(f"audit.section.{s}", lang) for s in reco["section"]],
        t("report.col.area", lang): [t(f"audit.area.{a}", lang) for a in reco["area"]],
        t("report.col.action", lang): [t(f"audit.reco.{s}", lang) for s in reco["section"]],
    })
    loss_table = pd.DataFrame({
        t("report.col.component", lang): [t(f"losses.component.{c}", lang) for c in (*losses.COMPONENTS, "total")],
        t("report.col.likely", lang): [round(float(loss["loss"][c]), 2) for c in (*losses.COMPONENTS, "total")],
    })
    band = pd.DataFrame({t("report.col.item", lang): ["P10", t("report.median", lang), "P90", t("report.mean", lang),
                                                      t("report.row.likely_total", lang)],
                         t("report.col.value", lang): [*[round(float(loss["band"][k]), 2) for k in ("p10", "median", "p90", "mean")],
                                                       round(float(loss["loss"]["total"]), 2)]})
    plan = loss["plan"]
    keys = ("loss_today", "loss_target", "saving", "yearly_cost", "one_off_cost", "net_gain", "npv", "years",
            "discount_rate")
    plan_table = pd.DataFrame({
        t("report.col.item", lang): [t(f"report.plan.{k}", lang) for k in ("bad_today", "bad_target", *keys,
                                                                             "payback_months")],
        t("report.col.value", lang): [loss["bad_call_rate"], loss["target_bad_call_rate"],
                                      *[round(float(plan[k]), 4) for k in keys],
                                      _months_cell(plan["payback_months"], lang)],
    })
    a = loss["assumptions"]
    assumptions = pd.DataFrame({
        "name": a.index, t("report.col.input", lang): a[f"label_{lang}"].to_numpy(),
        t("report.col.unit", lang): a["unit"].to_numpy(), t("report.col.low", lang): a["low"].to_numpy(),
        t("report.col.likely", lang): a["likely"].to_numpy(), t("report.col.high", lang): a["high"].to_numpy(),
        t("report.col.source", lang): _sources(loss, lang), t("report.col.notes", lang): _notes(loss, lang),
    })
    about = pd.DataFrame({t("report.col.item", lang): [t("report.col.date", lang), *[t("report.col.limit", lang)] * len(LIMITS),
                                                        *[t("report.col.source", lang)] * len(SOURCES)],
                          t("report.col.value", lang): [content["day"].isoformat(),
                                                        *[t(k, lang, n=fmt_number(loss["n_draws"], 0, lang)) for k in LIMITS],
                                                        *[t(k, lang) for k in SOURCES]]})
    return {
        t("report.sheet.summary", lang): headline(content, lang),
        t("report.sheet.assessment", lang): assess.reset_index(drop=True),
        t("report.sheet.indicators", lang): indicators,
        t("report.sheet.sections", lang): sections,
        t("report.sheet.plan_actions", lang): plan_rows,
        t("report.sheet.loss", lang): loss_table,
        t("report.sheet.band", lang): band,
        t("report.sheet.plan", lang): plan_table,
        t("report.sheet.plans", lang): plans_table(content, lang),
        t("report.sheet.assumptions", lang): assumptions,
        t("calibration.plan.sheet", lang): calibration.plans_table(content.get("plans", calibration.room_plans(None)), lang),
        t("report.sheet.about", lang): about,
    }


def excel_report(content: Mapping, lang: str | None = None) -> bytes:
    """The report as an ``.xlsx`` workbook: one sheet per table of :func:`tables`
    (summary, self-assessment, audit indicators and sections, actions, loss, band, plan,
    assumptions with their sources, and the date, limits and sources)."""
    return excel_bytes(tables(content, lang))


# --- HTML ---------------------------------------------------------------------------------

_CSS = """
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: #222; max-width: 60em;
       margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 1.6em;
     border-bottom: 2px solid #264653; padding-bottom: 0.2em; }
table { border-collapse: collapse; margin: 0.6em 0; } td, th { border: 1px solid #ccc; padding: 3px 8px;
       text-align: left; vertical-align: top; } th { background: #f0f0f0; }
.meta { color: #555; } .verdict { font-weight: bold; color: #264653; }
figure { margin: 0.8em 0; page-break-inside: avoid; } svg { max-width: 100%; height: auto; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } }
"""


def _table_html(frame: pd.DataFrame, lang: str, money: tuple[str, ...] = (), percent: tuple[str, ...] = (),
                one_decimal: tuple[str, ...] = ()) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for _, row in frame.iterrows():
        cells = []
        for col, value in row.items():
            if col in money and isinstance(value, (int, float)):
                text = fmt_money(value, lang=lang)
            elif col in percent and isinstance(value, (int, float)):
                text = _pct(value, lang)
            elif col in one_decimal and isinstance(value, (int, float)):
                text = fmt_number(value, 1, lang)
            elif isinstance(value, float):
                text = "—" if math.isnan(value) else fmt_number(value, 2 if abs(value) < 10 else 0, lang)
            else:
                text = str(value)
            cells.append(f"<td>{html.escape(text)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _svg(builder: str, *args, **options) -> str:
    """The chart ``builder`` draws, as inline SVG (no XML prolog): built by the app's chart
    engine when it runs (:func:`cxkit.charts.svg`)."""
    from .charts import svg as draw

    svg = draw(builder, *args, **options)
    return svg[svg.index("<svg"):] if "<svg" in svg else svg


def html_report(content: Mapping, lang: str | None = None) -> str:
    """The report as one self-contained HTML page in ``lang``.

    Charts are inline SVG drawn offline (:func:`cxkit.charts.svg`); the page has no
    script and loads nothing (no font, image or style from elsewhere), so it opens
    offline and prints to PDF from any browser. It states the date, the data used and
    the model's limits.
    """
    return _html(content, lang or get_language())


def _html(content: Mapping, lang: str) -> str:
    room, aud, loss = content["room"], content["audit"], content["losses"]
    ind = aud["indicators"]
    esc = html.escape
    parts = [
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>",
        f"<title>{esc(t('report.title', lang))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(t('report.title', lang))}</h1>",
        f"<p class='meta'>{esc(t('report.dated', lang, date=fmt_date(content['day'], lang)))}</p>",
        f"<p>{esc(t('report.intro', lang))}</p>",
        f"<h2>{esc(t('report.h.summary', lang))}</h2>",
        _table_html(headline(content, lang), lang),
        f"<h2>{esc(t('report.h.room', lang))}</h2>",
        f"<p>{esc(t('report.room_n', lang, n=room['n']) if room['n'] else t('report.room_none', lang))}</p>",
        f"<figure>{_svg('stories.assessment_chart', room['comparison'], room['questions'], lang=lang, title=t('report.chart.room', lang))}</figure>",
        f"<h2>{esc(t('report.h.audit', lang))}</h2>",
        f"<p>{esc(audit_source_text(aud, lang))}</p>",
        *([f"<p class='meta'>{esc(t('company.story', lang))}</p>"] if aud["source"] == "sample" else []),
        f"<p class='verdict'>{esc(audit.verdict_text(ind['good'], ind['n'], aud['target'], lang=lang))}</p>",
        f"<figure>{_svg('report.sections_chart', aud['sections'], lang=lang)}</figure>",
        f"<h2>{esc(t('report.h.actions', lang))}</h2>",
        _table_html(tables(content, lang)[t("report.sheet.plan_actions", lang)], lang),
        f"<h2>{esc(t('report.h.loss', lang))}</h2>",
        f"<p><b>{esc(t('report.loss_text', lang, median=fmt_money(loss['band']['median'], lang=lang), low=fmt_money(loss['band']['p10'], lang=lang), high=fmt_money(loss['band']['p90'], lang=lang), n=fmt_number(loss['n_draws'], 0, lang)))}</b></p>",
        f"<p>{esc(t('report.uncertainty_text', lang))}</p>",
        f"<p>{esc(t('report.likely_text', lang, total=fmt_money(loss['loss']['total'], lang=lang), share=_pct(loss['likely_share_below'], lang)))}</p>",
        f"<figure>{_svg('losses.breakdown_chart', loss['loss'], lang=lang)}</figure>",
        f"<h2>{esc(t('report.h.plan', lang))}</h2>",
        f"<p>{esc(_plan_text(loss, lang))} {esc(t('report.plan_money_text', lang, net=fmt_money(loss['plan']['net_gain'], lang=lang), years=int(loss['plan']['years']), rate=_pct(loss['plan']['discount_rate'], lang), npv=fmt_money(loss['plan']['npv'], lang=lang), payback=payback_sentence(loss['plan'], lang)))}</p>",
        f"<p>{esc(t('report.plans_intro', lang))}</p>",
        _table_html(plans_table(content, lang), lang, percent=(t("report.col.target", lang),),
                    money=tuple(t(k, lang, years=int(loss['plan']['years'])) for k in (
                        "report.col.saving", "report.col.yearly_cost", "report.col.one_off_cost",
                        "report.col.net_gain", "report.col.npv")),
                    one_decimal=(t("report.col.payback", lang),)),
        f"<p>{esc(plans_note(content, lang))}</p>",
        f"<h2>{esc(t('report.h.assumptions', lang))}</h2>",
        _assumptions_html(loss, lang),
        _plans_html(content, lang),
        f"<h2>{esc(t('report.h.limits', lang))}</h2><ul>",
        *[f"<li>{esc(t(k, lang, n=fmt_number(loss['n_draws'], 0, lang)))}</li>" for k in LIMITS],
        f"</ul><h2>{esc(t('report.h.sources', lang))}</h2><ul>",
        *[f"<li>{esc(t(k, lang))}</li>" for k in SOURCES],
        f"</ul><p class='meta'>{esc(t('report.footer', lang))}</p></body></html>",
    ]
    return "".join(parts)


def _plans_html(content: Mapping, lang: str) -> str:
    """The closing round's action plans (:func:`cxkit.calibration.room_plans`), each
    participant's text escaped."""
    plans = content.get("plans")
    esc = html.escape
    head = f"<h2>{esc(t('calibration.plan.report_h', lang))}</h2>"
    if plans is None or plans.empty:
        return head + f"<p>{esc(t('calibration.plan.room_empty', lang))}</p>"
    return (head + f"<p>{esc(t('calibration.plan.report_intro', lang))}</p>"
            + _table_html(calibration.plans_table(plans, lang), lang))


def _sources(loss: Mapping, lang: str) -> list[str]:
    """The assumptions' sources in ``lang``: the audit-fed one as :func:`cxkit.losses.from_audit`
    writes it, "workshop estimate" translated, the others as the file gives them (its
    French source on a French page where it has one: :func:`cxkit.i18n.localized`)."""
    a = loss["assumptions"]
    out = [t("losses.workshop_estimate", lang) if text.strip().lower() == "workshop estimate" else text
           for text in (localized(row, "source", lang) for _, row in a.iterrows())]
    text = a.attrs.get("audit_text") if loss.get("bad_call_from_audit") else None
    if text:
        out[list(a.index).index("bad_call_rate")] = text[lang]["source"]
    return out


def _notes(loss: Mapping, lang: str) -> list[str]:
    """The assumptions' notes, the audit-fed one in ``lang``."""
    a = loss["assumptions"]
    out = [str(x) for x in a["notes"]]
    text = a.attrs.get("audit_text") if loss.get("bad_call_from_audit") else None
    if text:
        out[list(a.index).index("bad_call_rate")] = text[lang]["notes"]
    return out


def _assumptions_html(loss: Mapping, lang: str) -> str:
    a = loss["assumptions"]
    def value(x, unit):
        if unit == "share":
            return fmt_percent(x, 1, lang)
        if unit.startswith("eur"):
            return fmt_money(x, lang=lang)
        return fmt_number(x, 2 if abs(x) < 10 and x != int(x) else 0, lang)

    frame = pd.DataFrame({
        t("report.col.input", lang): a[f"label_{lang}"].to_numpy(),
        t("report.col.low", lang): [value(x, u) for x, u in zip(a["low"], a["unit"])],
        t("report.col.likely", lang): [value(x, u) for x, u in zip(a["likely"], a["unit"])],
        t("report.col.high", lang): [value(x, u) for x, u in zip(a["high"], a["unit"])],
        t("report.col.source", lang): _sources(loss, lang),
    })
    return _table_html(frame, lang)
