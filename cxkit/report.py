"""The workshop report: what the room produced, gathered into one page and one workbook.

:func:`build` collects the content (pure pandas, no widgets):

* the room's self-assessment (notebook 01) from the workshop store;
* the phone audit's indicators and verdict (notebook 03, :mod:`cxkit.audit`) from the
  calls entered in the store, or from the shipped sample campaign when none were entered;
* the yearly loss estimate with its 80 % band and its assumptions (notebook 05,
  :mod:`cxkit.losses`), the share of badly handled calls taken from the audit;
* the improvement plan: the bad-call rate brought to a target, its cost and payback.

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

from . import audit, losses, stories
from .i18n import fmt_date, fmt_money, fmt_number, fmt_percent, get_language, t
from .io import excel_bytes
from .store import Store

#: The plan's defaults, the same as notebook 05's dashboard.
TARGET_BAD_CALL_RATE = 0.08
PLAN_COST = 250_000.0
DRAWS = 20_000
SEED = 0
LIMITS = ("report.limit.synthetic", "report.limit.assumptions", "report.limit.independence",
          "report.limit.audit", "report.limit.room")


# --- content ----------------------------------------------------------------------------

def room_part(answers: pd.DataFrame) -> dict:
    """The room's self-assessment: ``n`` participants, their ``mean`` (0–4) and the
    ``comparison`` table (``question, series, score``) with the three stories."""
    questions = stories.load_questions()
    room = stories.room_answers(answers, questions)
    info = stories.room_summary(room)
    return {"n": info["n"], "mean": info["mean"], "questions": questions,
            "comparison": stories.comparison(questions, room=room)}


def audit_part(calls: pd.DataFrame) -> dict:
    """The audit's indicators and verdict, from the store's calls or else the sample.

    ``calls`` is ``Store().calls()``; when it holds no call the shipped sample campaign
    (``data/sample_campaign.csv``, synthetic) is used and ``source`` says so. Second
    scorings made for calibration are left out (:func:`cxkit.audit.primary_calls`).
    """
    grid = audit.load_grid()
    entered = audit.calls_from_records(calls, grid) if calls is not None else audit.calls_from_records(
        pd.DataFrame(), grid)
    source = "store" if len(entered) else "sample"
    campaign = entered if len(entered) else audit.load_sample_campaign(grid)
    scored = audit.score_calls(audit.primary_calls(campaign), grid)
    ind = audit.indicators(scored)
    return {"source": source, "indicators": ind, "verdict": audit.verdict(ind["good"], ind["n"]),
            "sections": audit.section_scores(scored, grid),
            "recommendations": audit.recommendations(scored, grid), "target": audit.TARGET}


def bad_call_rate_from_audit(indicators: Mapping[str, float]) -> tuple[float, float, float]:
    """The share of badly handled calls as the audit measured it, with its interval.

    ``likely = 1 − good_rate``; ``low = 1 − good_rate_high`` and ``high = 1 − good_rate_low``
    (the audit's Wilson interval turned round; :func:`cxkit.audit.indicators`). A call
    that fails the grid counts as badly handled, as ``data/assumptions.csv`` says for
    ``bad_call_rate``. Shares in [0, 1]; ``None`` values when the audit has no call.
    """
    if not indicators.get("n"):
        return (float("nan"),) * 3
    return (1.0 - indicators["good_rate_high"], 1.0 - indicators["good_rate"], 1.0 - indicators["good_rate_low"])


def loss_part(assumptions: pd.DataFrame, indicators: Mapping[str, float] | None = None, *,
              target_bad_call_rate: float = TARGET_BAD_CALL_RATE, plan_cost: float = PLAN_COST,
              n: int = DRAWS, seed: int = SEED) -> dict:
    """The loss estimate (likely values), its P10–P90 band from ``n`` seeded draws, and
    the improvement plan, with the assumptions used.

    When ``indicators`` (from the audit) has calls, ``bad_call_rate``'s low/likely/high
    are replaced by :func:`bad_call_rate_from_audit` and its source says so.
    """
    used = assumptions.copy()
    from_audit = bool(indicators and indicators.get("n"))
    if from_audit:
        low, likely, high = bad_call_rate_from_audit(indicators)
        used.loc["bad_call_rate", ["low", "likely", "high"]] = [low, likely, high]
        used.loc["bad_call_rate", "source"] = t("report.source_audit", "en", n=indicators["n"])
    inputs = losses.likely_values(used)
    simulation = losses.simulate(used, n=n, seed=seed)
    return {"assumptions": used, "bad_call_from_audit": from_audit,
            "audit_n": int(indicators["n"]) if from_audit else 0, "loss": losses.annual_loss(inputs),
            "band": losses.band(simulation["total"]), "n_draws": int(n), "seed": int(seed),
            "plan": losses.improvement_plan(inputs, target_bad_call_rate, plan_cost),
            "target_bad_call_rate": float(target_bad_call_rate), "bad_call_rate": inputs["bad_call_rate"]}


def build(store: Store | None = None, *, day: dt.date | None = None,
          target_bad_call_rate: float = TARGET_BAD_CALL_RATE, plan_cost: float = PLAN_COST,
          n: int = DRAWS, seed: int = SEED) -> dict:
    """Everything the report shows: ``day``, ``room``, ``audit``, ``losses``.

    ``day`` is the report's date (default: today); it appears in the downloaded files only.
    """
    store = store or Store()
    audit_content = audit_part(store.calls())
    return {
        "day": day or dt.date.today(),
        "room": room_part(store.answers(stories.KIND)),
        "audit": audit_content,
        "losses": loss_part(losses.load_assumptions(), audit_content["indicators"],
                            target_bad_call_rate=target_bad_call_rate, plan_cost=plan_cost, n=n, seed=seed),
    }


# --- tables -----------------------------------------------------------------------------

def _pct(x: float, lang: str | None, decimals: int = 0) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else fmt_percent(x, decimals, lang)


def headline(content: Mapping, lang: str | None = None) -> pd.DataFrame:
    """The report's key figures as a two-column table (``item``, ``value``), in words."""
    lang = lang or get_language()
    room, aud, loss = content["room"], content["audit"], content["losses"]
    ind = aud["indicators"]
    plan = loss["plan"]
    rows = [
        (t("report.row.room", lang), t("report.room_n", lang, n=room["n"]) if room["n"] else t("report.room_none", lang)),
        (t("report.row.audit_data", lang), t(f"report.audit_source.{aud['source']}", lang, n=ind["n"])),
        (t("report.row.good_rate", lang), t("report.rate_interval", lang, rate=_pct(ind["good_rate"], lang),
                                            low=_pct(ind["good_rate_low"], lang), high=_pct(ind["good_rate_high"], lang))),
        (t("report.row.verdict", lang), t(f"audit.verdict.title.{aud['verdict']}", lang)),
        (t("report.row.loss", lang), fmt_money(loss["loss"]["total"], lang=lang)),
        (t("report.row.band", lang), t("report.band_text", lang, low=fmt_money(loss["band"]["p10"], lang=lang),
                                       high=fmt_money(loss["band"]["p90"], lang=lang))),
        (t("report.row.plan", lang), t("report.plan_text", lang, today=_pct(loss["bad_call_rate"], lang),
                                       target=_pct(loss["target_bad_call_rate"], lang),
                                       cost=fmt_money(plan["plan_cost"], lang=lang),
                                       saving=fmt_money(plan["saving"], lang=lang))),
        (t("report.row.payback", lang), t("report.payback_never", lang) if not np.isfinite(plan["payback_months"])
         else t("report.payback_months", lang, months=fmt_number(plan["payback_months"], 1, lang))),
    ]
    return pd.DataFrame(rows, columns=[t("report.col.item", lang), t("report.col.value", lang)])


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
    band = pd.DataFrame({t("report.col.item", lang): ["P10", t("report.median", lang), "P90", t("report.mean", lang)],
                         t("report.col.value", lang): [round(float(loss["band"][k]), 2) for k in ("p10", "median", "p90", "mean")]})
    plan = loss["plan"]
    plan_table = pd.DataFrame({
        t("report.col.item", lang): [t(f"report.plan.{k}", lang) for k in ("bad_today", "bad_target", *plan.index)],
        t("report.col.value", lang): [loss["bad_call_rate"], loss["target_bad_call_rate"],
                                      *[round(float(v), 4) for v in plan.to_numpy()]],
    })
    a = loss["assumptions"]
    assumptions = pd.DataFrame({
        "name": a.index, t("report.col.input", lang): a[f"label_{lang}"].to_numpy(),
        t("report.col.unit", lang): a["unit"].to_numpy(), t("report.col.low", lang): a["low"].to_numpy(),
        t("report.col.likely", lang): a["likely"].to_numpy(), t("report.col.high", lang): a["high"].to_numpy(),
        t("report.col.source", lang): _sources(loss, lang), t("report.col.notes", lang): a["notes"].to_numpy(),
    })
    about = pd.DataFrame({t("report.col.item", lang): [t("report.col.date", lang), *[t("report.col.limit", lang)] * len(LIMITS),
                                                        *[t("report.col.source", lang)] * 3],
                          t("report.col.value", lang): [content["day"].isoformat(),
                                                        *[t(k, lang, n=fmt_number(loss["n_draws"], 0, lang)) for k in LIMITS],
                                                        t("report.src.seed", lang), t("report.src.model", lang),
                                                        t("report.src.stats", lang)]})
    return {
        t("report.sheet.summary", lang): headline(content, lang),
        t("report.sheet.assessment", lang): assess.reset_index(drop=True),
        t("report.sheet.indicators", lang): indicators,
        t("report.sheet.sections", lang): sections,
        t("report.sheet.plan_actions", lang): plan_rows,
        t("report.sheet.loss", lang): loss_table,
        t("report.sheet.band", lang): band,
        t("report.sheet.plan", lang): plan_table,
        t("report.sheet.assumptions", lang): assumptions,
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


def _table_html(frame: pd.DataFrame, lang: str, money: tuple[str, ...] = (), percent: tuple[str, ...] = ()) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for _, row in frame.iterrows():
        cells = []
        for col, value in row.items():
            if col in money and isinstance(value, (int, float)):
                text = fmt_money(value, lang=lang)
            elif col in percent and isinstance(value, (int, float)):
                text = _pct(value, lang)
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
        f"<p>{esc(t('report.audit_source.' + aud['source'], lang, n=ind['n']))}</p>",
        f"<p class='verdict'>{esc(audit.verdict_text(ind['good'], ind['n'], aud['target'], lang=lang))}</p>",
        f"<figure>{_svg('report.sections_chart', aud['sections'], lang=lang)}</figure>",
        f"<h2>{esc(t('report.h.actions', lang))}</h2>",
        _table_html(tables(content, lang)[t("report.sheet.plan_actions", lang)], lang),
        f"<h2>{esc(t('report.h.loss', lang))}</h2>",
        f"<p>{esc(t('report.loss_text', lang, total=fmt_money(loss['loss']['total'], lang=lang), low=fmt_money(loss['band']['p10'], lang=lang), high=fmt_money(loss['band']['p90'], lang=lang), n=fmt_number(loss['n_draws'], 0, lang)))}</p>",
        f"<figure>{_svg('losses.breakdown_chart', loss['loss'], lang=lang)}</figure>",
        f"<p>{esc(t('report.plan_text', lang, today=_pct(loss['bad_call_rate'], lang), target=_pct(loss['target_bad_call_rate'], lang), cost=fmt_money(loss['plan']['plan_cost'], lang=lang), saving=fmt_money(loss['plan']['saving'], lang=lang)))}</p>",
        f"<h2>{esc(t('report.h.assumptions', lang))}</h2>",
        _assumptions_html(loss, lang),
        f"<h2>{esc(t('report.h.limits', lang))}</h2><ul>",
        *[f"<li>{esc(t(k, lang, n=fmt_number(loss['n_draws'], 0, lang)))}</li>" for k in LIMITS],
        f"</ul><h2>{esc(t('report.h.sources', lang))}</h2><ul>",
        *[f"<li>{esc(t(k, lang))}</li>" for k in ("report.src.seed", "report.src.model", "report.src.stats")],
        f"</ul><p class='meta'>{esc(t('report.footer', lang))}</p></body></html>",
    ]
    return "".join(parts)


def _sources(loss: Mapping, lang: str) -> list[str]:
    """The assumptions' sources, the audit-fed one written in ``lang``."""
    a = loss["assumptions"]
    out = list(a["source"])
    if loss.get("bad_call_from_audit"):
        out[list(a.index).index("bad_call_rate")] = t("report.source_audit", lang, n=loss["audit_n"])
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
