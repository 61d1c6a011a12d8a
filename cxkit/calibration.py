"""The room as a calibration lab, and the closing round's action plans.

A calibration round: the trainer picks one call (one of notebook 01's scripted stories,
or a recording played to the room), sets the reference scoring on the room's grid, and
every participant scores the same call blind. The reveal shows

* how much the raters agree across the grid (:func:`cxkit.audit.fleiss_kappa`);
* per criterion, the spread of the marks (:func:`criterion_spread`);
* each rater's distance from the reference, who is lenient and who is severe
  (:func:`rater_scores`);
* what that disagreement does to the audit's conclusion: the good-call share's interval
  widened by rater noise (:func:`widened_interval`).

The closing round: each participant leaves with a three-line action plan (what to
measure, by when, who), checked by :func:`plan_record` and listed by :func:`room_plans`.

Pure pandas/numpy, no widgets: the panels (:mod:`cxkit.panels.calibration`,
:mod:`cxkit.panels.action_plan`) and the report read it.
"""
from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import audit
from .errors import DataError
from .i18n import get_language, t
from .io import MAX_NAME_CHARS, clean_text

#: The store's answer kinds: one rater's scoring of the round's call, one action plan.
KIND = "calibration"
PLAN_KIND = "action_plan"
#: The store's setting that holds the round under way (:func:`new_round`).
ROUND_SETTING = "calibration_round"
#: What the trainer may pick as the round's call: 01's stories, or a recording.
CALLS = ("poor", "average", "excellent", "recording")
#: A rater whose score is more than this many points (out of 100) above the reference is
#: called lenient, below it severe: the workbook's own choice (a tenth of the span between
#: a poor and a good call is about 7 points), not a published threshold.
LEAN_TOLERANCE = 5.0
#: The action plan's three lines, in order.
PLAN_FIELDS = ("what", "when", "who")
#: Longest line of an action plan, in characters.
PLAN_MAX_CHARS = 300


def reveal_key(round_id: str) -> str:
    """The key the trainer opens in ``cxkit.workshop.revealed()`` to show a round's results."""
    return f"calibration.{round_id}"


def new_round(call: str, reference: Mapping | None = None, *, round_id: str | None = None,
              now: dt.datetime | None = None) -> dict:
    """A new round's state, to keep in the store's setting :data:`ROUND_SETTING`:
    ``round`` (a short id), ``call`` (one of :data:`CALLS`), ``reference`` (the trainer's
    marks, ``{criterion: number or None}``, possibly empty) and ``started`` (ISO time)."""
    if call not in CALLS:
        raise DataError(t("calibration.bad_call", value=call), column="call")
    return {"round": round_id or uuid.uuid4().hex[:8], "call": call, "reference": dict(reference or {}),
            "started": (now or dt.datetime.now()).isoformat(timespec="seconds")}


def marks_record(values: Mapping, grid: pd.DataFrame) -> dict:
    """A scoring typed in a form (``{criterion: text}``; empty or ``"NA"`` = not
    applicable) checked as one call of the audit (:func:`cxkit.audit.validate_record`)
    and returned as numbers (yes = 1, no = 0, ``None`` where not applicable).

    Raises ``DataError`` whose ``column`` names the criterion at fault (a value off the
    grid's range, text in a number field) or no criterion when none applies."""
    record = {"call_id": "calibration", "date": dt.date.today().isoformat(),
              "scenario": str(audit.load_scenarios()["scenario"].iloc[0]), "evaluator": "calibration",
              **{c: (None if values.get(c) in (None, "", "NA") else str(values.get(c)).strip() or None)
                 for c in grid["criterion"]}}
    calls = audit.validate_record(record, grid)
    row = calls.iloc[0]
    return {c: (None if pd.isna(row[c]) else float(row[c])) for c in grid["criterion"]}


def rating_record(values: Mapping, grid: pd.DataFrame, rater: str, round_id: str) -> dict:
    """One rater's blind scoring of the round's call, checked, as the store keeps it:
    ``round``, ``rater`` (the name typed, one line, at most ``MAX_NAME_CHARS``) and one
    number per criterion (:func:`marks_record`). ``DataError`` names the field at fault
    (``rater`` when the name is empty or refused)."""
    name = clean_text(rater, field="rater", max_length=MAX_NAME_CHARS, one_line=True)
    name = (name or "").strip()
    if not name:
        raise DataError(t("io.required"), column="rater")
    return {"round": str(round_id), "rater": name, **marks_record(values, grid)}


def round_ratings(answers: pd.DataFrame, round_id: str, grid: pd.DataFrame) -> pd.DataFrame:
    """The round's scorings as a table: one row per criterion (the grid's order), one
    column per rater, the marks as entered (yes = 1, no = 0, seconds, NaN = not
    applicable). ``answers`` is ``store.answers("calibration")`` (oldest first); a rater
    who saved twice counts once, with their latest scoring."""
    criteria = list(grid["criterion"])
    if answers is None or answers.empty or "round" not in answers or "rater" not in answers:
        return pd.DataFrame(index=pd.Index(criteria, name="criterion"))
    mine = answers[answers["round"].astype(str) == str(round_id)]
    mine = mine[mine["rater"].notna()].drop_duplicates("rater", keep="last")
    table = pd.DataFrame({str(r["rater"]): [pd.to_numeric(r.get(c), errors="coerce") for c in criteria]
                          for _, r in mine.iterrows()}, index=pd.Index(criteria, name="criterion"))
    return table.astype(float)


def categories(ratings: pd.DataFrame, grid: pd.DataFrame) -> pd.DataFrame:
    """The marks as categories for agreement (as :func:`cxkit.audit.kappa_by_criterion`
    does): yes/no and 0–4 values as they are; numbers (seconds, transfers) in three bands
    (full marks, part marks, no marks), since two raters' stopwatches never agree exactly."""
    out = ratings.copy()
    g = grid.set_index("criterion")
    for c in out.index:
        out.loc[c] = audit._categories(out.loc[c].to_numpy(float), g.at[c, "kind"], g.at[c, "best"], g.at[c, "worst"])
    return out


def round_kappa(ratings: pd.DataFrame, grid: pd.DataFrame) -> float:
    """Fleiss' kappa across the raters over the grid's criteria (:func:`cxkit.audit.fleiss_kappa`
    on :func:`categories`); NaN with fewer than two raters."""
    if ratings.shape[1] < 2:
        return float("nan")
    try:
        return audit.fleiss_kappa(categories(ratings, grid))
    except DataError:
        return float("nan")


def _marks(ratings: pd.DataFrame, grid: pd.DataFrame) -> np.ndarray:
    """Marks 0–1 (:func:`cxkit.audit.criterion_marks`), criteria × raters."""
    calls = ratings.T.reindex(columns=list(grid["criterion"]))
    return audit.criterion_marks(calls, grid).T


def criterion_spread(ratings: pd.DataFrame, grid: pd.DataFrame, lang: str | None = None,
                     reference: Mapping | None = None) -> pd.DataFrame:
    """Per criterion, how far apart the raters' marks are.

    Marks are the grid's 0–100 marks (:func:`cxkit.audit.criterion_marks` × 100: 100 at
    the best value, 0 at the worst). Returns one row per criterion: ``criterion``,
    ``label``, ``n`` (raters who marked it), ``mean``, ``low`` and ``high`` (the lowest
    and highest mark), ``sd`` (standard deviation, ddof = 1, NaN below two marks; points
    out of 100), ``agreement`` (share of the raters giving the most frequent category,
    :func:`categories`) and ``reference`` (the reference's mark out of 100, NaN where the
    reference gave none or there is no reference)."""
    names = audit.labels(grid, lang or get_language())
    marks = _marks(ratings, grid) * 100.0 if ratings.shape[1] else np.empty((len(grid), 0))
    cats = categories(ratings, grid)
    rows = []
    for i, c in enumerate(grid["criterion"]):
        x = marks[i][~np.isnan(marks[i])] if marks.shape[1] else np.array([])
        counts = cats.loc[c].dropna().value_counts() if ratings.shape[1] else pd.Series(dtype=float)
        rows.append({"criterion": c, "label": names[c], "n": int(x.size),
                     "mean": float(x.mean()) if x.size else float("nan"),
                     "low": float(x.min()) if x.size else float("nan"),
                     "high": float(x.max()) if x.size else float("nan"),
                     "sd": float(x.std(ddof=1)) if x.size >= 2 else float("nan"),
                     "agreement": float(counts.max() / counts.sum()) if counts.sum() else float("nan")})
    ref = pd.DataFrame({"reference": [np.nan if (reference or {}).get(c) is None else float((reference or {})[c])
                                      for c in grid["criterion"]]}, index=list(grid["criterion"]))
    ref_marks = _marks(ref, grid)[:, 0] * 100.0
    for row, mark in zip(rows, ref_marks):
        row["reference"] = float(mark)
    return pd.DataFrame(rows, columns=["criterion", "label", "n", "mean", "low", "high", "sd", "agreement", "reference"])


def _score(values: pd.DataFrame, grid: pd.DataFrame) -> pd.DataFrame:
    calls = values.T.reindex(columns=list(grid["criterion"])).astype(float)
    calls.insert(0, "call_id", list(values.columns))
    return audit.score_calls(calls, grid)


def rater_scores(ratings: pd.DataFrame, grid: pd.DataFrame, reference: Mapping | None = None,
                 tolerance: float = LEAN_TOLERANCE) -> pd.DataFrame:
    """Each rater's score of the call and their distance from the reference.

    ``score`` is the call's score out of 100 as that rater marked it
    (:func:`cxkit.audit.score_calls`, the room's weights), ``good`` its verdict.
    ``difference = score − reference score`` (points out of 100): positive = more
    lenient than the reference, negative = more severe; ``lean`` is ``"lenient"`` above
    ``+tolerance``, ``"severe"`` below ``−tolerance``, else ``"aligned"``
    (:data:`LEAN_TOLERANCE`). ``attrs["reference_score"]``, ``attrs["reference_good"]``
    give the reference; without one (``reference`` empty or applying to no criterion),
    the room's median score is the reference and ``attrs["reference"] = "median"``.
    Sorted from the most severe to the most lenient."""
    columns = ["rater", "score", "good", "critical_failed", "difference", "lean"]
    if ratings.shape[1] == 0:
        out = pd.DataFrame(columns=columns)
        out.attrs.update(reference="none", reference_score=float("nan"), reference_good=None)
        return out
    scored = _score(ratings, grid)
    ref_values = {c: (reference or {}).get(c) for c in grid["criterion"]}
    ref_score, ref_good, kind = float("nan"), None, "median"
    if any(v is not None and not (isinstance(v, float) and math.isnan(v)) for v in ref_values.values()):
        ref = _score(pd.DataFrame({"reference": [np.nan if v is None else float(v) for v in ref_values.values()]},
                                  index=list(ref_values)), grid).iloc[0]
        ref_score, ref_good, kind = float(ref["score"]), bool(ref["good"]), "trainer"
    else:
        ref_score = float(scored["score"].median())
        ref_good = bool(scored["good"].mean() >= 0.5)
    diff = scored["score"].to_numpy(float) - ref_score
    lean = np.where(diff > tolerance, "lenient", np.where(diff < -tolerance, "severe", "aligned"))
    out = pd.DataFrame({"rater": list(scored.index), "score": scored["score"].to_numpy(float),
                        "good": scored["good"].to_numpy(bool), "critical_failed": scored["critical_failed"].to_numpy(bool),
                        "difference": diff, "lean": lean}, columns=columns)
    out = out.sort_values(["difference", "rater"], kind="stable").reset_index(drop=True)
    out.attrs.update(reference=kind, reference_score=ref_score, reference_good=ref_good)
    return out


def flip_rate(scores: pd.DataFrame) -> dict:
    """How often a rater's verdict on the call (good / not good) differs from the
    reference's: ``differing`` raters out of ``n``, ``p_flip = differing / n`` (NaN
    without raters). ``scores`` is :func:`rater_scores`."""
    n = int(len(scores))
    ref = scores.attrs.get("reference_good")
    if n == 0 or ref is None:
        return {"n": n, "differing": 0, "p_flip": float("nan")}
    differing = int((scores["good"].astype(bool) != bool(ref)).sum())
    return {"n": n, "differing": differing, "p_flip": differing / n}


def widened_interval(good: int, n: int, p_flip: float, confidence: float = 0.95) -> dict:
    """The good-call share's Wilson interval, widened by rater noise.

    Method (a design effect). The campaign's ``n`` calls were each marked by one rater.
    Had another rater of the room marked a call, its verdict would differ with
    probability ``f = p_flip`` (measured on the calibration call, :func:`flip_rate`).
    Treat the verdict a call receives as that rater's Bernoulli draw: it adds a variance
    ``f(1 − f)/n`` to the share's sampling variance ``p̃(1 − p̃)/n``, where
    ``p̃ = (good + 2)/(n + 4)`` (the Agresti–Coull adjusted share, never 0 or 1, so the
    ratio is defined at 0 % and 100 %). The variance grows by the design effect::

        deff  = 1 + f(1 − f) / (p̃(1 − p̃))
        n_eff = n / deff,   good_eff = good / deff

    and the widened interval is the Wilson interval (:func:`cxkit.audit.wilson_interval`)
    of ``good_eff`` out of ``n_eff``: the same observed share, as if the campaign had
    ``n_eff`` calls. ``f = 0`` gives the plain Wilson interval.

    Assumptions: the calibration call's disagreement holds for every call of the
    campaign, and raters disagree independently from call to call. It widens the
    interval for "which of us marked it"; it does not move its centre (a room that is
    lenient as a whole is a bias this cannot see: the reference scoring shows it).
    Sources: Wilson (1927); Agresti & Coull (1998), The American Statistician 52:119–126;
    L. Kish (1965), *Survey Sampling* (the design effect).

    Returns ``{"rate", "low", "high", "wide_low", "wide_high", "deff", "n_eff", "p_flip"}``
    (shares 0–1); ``DataError`` when ``p_flip`` is not in [0, 1].
    """
    f = float(p_flip)
    if not 0.0 <= f <= 1.0:
        raise DataError(t("calibration.bad_flip", value=p_flip), column="p_flip")
    low, high = audit.wilson_interval(good, n, confidence)
    if n <= 0:
        nan = float("nan")
        return {"rate": nan, "low": nan, "high": nan, "wide_low": nan, "wide_high": nan,
                "deff": nan, "n_eff": nan, "p_flip": f}
    adjusted = (good + 2.0) / (n + 4.0)
    deff = 1.0 + f * (1.0 - f) / (adjusted * (1.0 - adjusted))
    wide_low, wide_high = audit.wilson_interval(good / deff, n / deff, confidence)
    return {"rate": good / n, "low": low, "high": high, "wide_low": min(wide_low, low),
            "wide_high": max(wide_high, high), "deff": deff, "n_eff": n / deff, "p_flip": f}


def verdict_of(rate: float, high: float, target: float = audit.TARGET) -> str:
    """:func:`cxkit.audit.verdict` from a share and its interval's upper bound:
    ``proven`` when the upper bound is below the target, ``presumption`` when only the
    share is, else ``no_evidence``."""
    if rate is None or math.isnan(rate):
        return "no_evidence"
    if high < target:
        return "proven"
    return "presumption" if rate < target else "no_evidence"


def reveal(answers: pd.DataFrame, state: Mapping, grid: pd.DataFrame, good: int, n: int,
           target: float = audit.TARGET, lang: str | None = None) -> dict:
    """Everything the reveal shows for the round ``state`` (:func:`new_round`):
    ``ratings`` (:func:`round_ratings`), ``raters``, ``kappa`` (:func:`round_kappa`),
    ``spread`` (:func:`criterion_spread`), ``scores`` (:func:`rater_scores`), ``flips``
    (:func:`flip_rate`) and ``interval`` (:func:`widened_interval` of the campaign's
    ``good`` calls out of ``n``; ``None`` without raters), with both verdicts."""
    ratings = round_ratings(answers, state["round"], grid)
    scores = rater_scores(ratings, grid, state.get("reference"))
    flips = flip_rate(scores)
    interval = None
    if flips["n"] and n > 0:
        interval = widened_interval(good, n, flips["p_flip"])
        interval["verdict"] = verdict_of(interval["rate"], interval["high"], target)
        interval["wide_verdict"] = verdict_of(interval["rate"], interval["wide_high"], target)
        interval.update(good=int(good), n=int(n), target=float(target))
    return {"round": state["round"], "call": state.get("call"), "ratings": ratings,
            "raters": int(ratings.shape[1]), "kappa": round_kappa(ratings, grid),
            "spread": criterion_spread(ratings, grid, lang, state.get("reference")), "scores": scores, "flips": flips,
            "interval": interval}


# --- the closing round: action plans ------------------------------------------------------

def plan_record(what: str, when: str, who: str, name: str) -> dict:
    """One participant's three-line action plan, checked: ``name`` (one line, at most
    ``MAX_NAME_CHARS``), ``what`` to measure, by ``when``, ``who`` (each one line, at most
    :data:`PLAN_MAX_CHARS`). ``DataError`` names the field at fault: empty, a control
    character, too long (:func:`cxkit.io.clean_text`)."""
    fields = {"name": (name, MAX_NAME_CHARS), "what": (what, PLAN_MAX_CHARS),
              "when": (when, PLAN_MAX_CHARS), "who": (who, PLAN_MAX_CHARS)}
    out = {}
    for field, (value, limit) in fields.items():
        text = (clean_text(value, field=field, max_length=limit, one_line=True) or "").strip()
        if not text:
            raise DataError(t("io.required"), column=field)
        out[field] = text
    return out


def room_plans(answers: pd.DataFrame) -> pd.DataFrame:
    """The room's action plans, one row per participant (``name, what, when, who``), the
    latest a participant saved, in the order they were first saved. Texts are cut to the
    form's limits (a store written elsewhere may hold longer ones); never HTML."""
    columns = ["name", *PLAN_FIELDS]
    if answers is None or answers.empty or not set(columns) <= set(answers.columns):
        return pd.DataFrame(columns=columns)
    frame = answers[columns].dropna(subset=["name"]).copy()
    for col in columns:
        limit = MAX_NAME_CHARS if col == "name" else PLAN_MAX_CHARS
        frame[col] = frame[col].map(lambda v, n=limit: "" if v is None or (isinstance(v, float) and math.isnan(v))
                                    else clean_text(str(v)[:n * 2], remove=True, one_line=True)[:n])
    order = {name: i for i, name in enumerate(dict.fromkeys(frame["name"]))}
    frame = frame.drop_duplicates("name", keep="last")
    frame = frame.iloc[np.argsort([order[n] for n in frame["name"]], kind="stable")]
    return frame.reset_index(drop=True)


def plans_table(plans: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """:func:`room_plans` with its columns named in ``lang`` (for the report and 08)."""
    lang = lang or get_language()
    return pd.DataFrame({t(f"calibration.plan.col.{c}", lang): plans[c].to_numpy(dtype=object)
                         for c in ("name", *PLAN_FIELDS)})



