"""The phone audit: the grid, the calls, their scores, and what they let you conclude.

The idea comes from Xavier Coquelle, *Le client mal aimé* (2003, seed 000): rather than
argue about whether the company loses customers on the phone, run a one-off evaluation
over a set period with indicators that reveal a trend or a presumption; start with a light
micro-diagnostic from typical scenarios, and run a fuller audit if the problem is proven.

Everything here is a pure function on pandas/numpy (no widgets, no charts):

* :func:`load_grid`, :func:`load_scenarios`, :func:`load_calls`, :func:`load_sample_campaign`
  read the grid, the call scenarios and a campaign of mystery calls;
* :func:`score_calls` scores every call (vectorised over the calls × criteria matrix);
* :func:`indicators`, :func:`wilson_interval`, :func:`mean_interval`, :func:`verdict`,
  :func:`sample_size` say what the scores allow one to conclude;
* :func:`proof_power`, :func:`power_curve` and :func:`calls_needed` say how many calls an
  audit needs to prove a shortfall (exact binomial power); :func:`compare_waves` and
  :func:`second_wave_calls` compare two waves; :func:`evaluator_test` compares evaluators;
* :func:`cohen_kappa` and :func:`kappa_by_criterion` check that two evaluators agree.
"""
from __future__ import annotations

import math
from statistics import NormalDist
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError
from .i18n import get_language, t
from .io import check_unique, na_mask, parse_bool, parse_date, parse_number, read_table, require_columns

DATA = Path(__file__).resolve().parent.parent / "data"
GRID_COLUMNS = ["criterion", "section", "label_fr", "label_en", "kind", "weight", "critical", "best", "worst"]
CALL_COLUMNS = ["call_id", "date", "scenario", "evaluator"]
KINDS = ("yes_no", "scale", "number")
SECTIONS = ("welcome", "waiting", "identification", "listening", "answer", "routing", "closing")
#: The good-call threshold (score out of 100) and the target share of good calls.
GOOD_THRESHOLD = 70.0
#: A score within this of the threshold counts as reaching it: weighted means are sums of
#: floats, and a call scoring exactly 70 can come out as 69.99999999999997.
SCORE_TOLERANCE = 1e-9
TARGET = 0.8
#: Which kind of change a weak section calls for (seed 000: processes, quality policy and
#: practices, organisation).
AREA_OF_SECTION = {
    "welcome": "quality", "waiting": "organisation", "identification": "process",
    "listening": "quality", "answer": "organisation", "routing": "process", "closing": "quality",
}
#: Landis & Koch (1977) bands for kappa: upper bound → reading key.
KAPPA_BANDS = ((0.0, "poor"), (0.20, "slight"), (0.40, "fair"), (0.60, "moderate"),
               (0.80, "substantial"), (1.0, "almost_perfect"))


# --- loading --------------------------------------------------------------------------

def load_grid(source=None) -> pd.DataFrame:
    """The audit grid: one row per criterion.

    Parameters
    ----------
    source : path, bytes, file-like or DataFrame, optional
        A grid file (CSV or .xlsx); default the shipped ``data/audit_grid.csv``.

    Returns
    -------
    DataFrame
        Columns ``criterion`` (id), ``section``, ``label_fr``, ``label_en``, ``kind``
        (``yes_no``, ``scale`` or ``number``), ``weight`` (> 0), ``critical`` (bool),
        ``best`` and ``worst`` (the values earning full and zero marks).

    Raises
    ------
    DataError
        A missing column, an unknown kind, a weight ≤ 0, ``best == worst``, a duplicate id.
    """
    frame = read_table(DATA / "audit_grid.csv" if source is None else source)
    require_columns(frame, GRID_COLUMNS)
    for col in ("criterion", "section", "kind"):
        missing = frame[col].isna()
        if missing.any():
            raise DataError(t("io.required"), file=frame.attrs.get("source"), row=missing.idxmax(), column=col)
    check_unique(frame, "criterion")
    kinds = frame["kind"].str.strip().str.lower()
    bad = ~kinds.isin(KINDS)
    if bad.any():
        row = bad.idxmax()
        raise DataError(t("audit.bad_kind", value=frame.at[row, "kind"]), file=frame.attrs.get("source"),
                        row=row, column="kind")
    weight = parse_number(frame, "weight")
    if (weight <= 0).any():
        row = (weight <= 0).idxmax()
        raise DataError(t("audit.bad_weight", value=frame.at[row, "weight"]), file=frame.attrs.get("source"),
                        row=row, column="weight")
    best, worst = parse_number(frame, "best"), parse_number(frame, "worst")
    same = best == worst
    if same.any():
        raise DataError(t("audit.best_equals_worst"), file=frame.attrs.get("source"), row=same.idxmax(),
                        column="best")
    grid = pd.DataFrame({
        "criterion": frame["criterion"].str.strip(), "section": frame["section"].str.strip(),
        "label_fr": frame["label_fr"].fillna(""), "label_en": frame["label_en"].fillna(""),
        "kind": kinds, "weight": weight, "critical": parse_bool(frame, "critical").astype(bool),
        "best": best, "worst": worst,
    }).reset_index(drop=True)
    grid.attrs["source"] = frame.attrs.get("source")
    return grid


def grid_choices(grid: pd.DataFrame) -> dict[str, dict]:
    """What a team decides about a grid: ``{criterion: {"weight": w, "critical": c}}``
    (kept in the workshop's store so notebook 03 scores with the grid chosen in 02)."""
    return {str(r.criterion): {"weight": float(r.weight), "critical": bool(r.critical)}
            for r in grid.itertuples(index=False)}


def with_choices(grid: pd.DataFrame, choices: dict | None) -> pd.DataFrame:
    """``grid`` with the weights and critical flags of ``choices`` (see :func:`grid_choices`).

    Criteria absent from ``choices`` keep their own; choices for criteria the grid does
    not have are ignored (the criteria themselves never change). A weight that is not a
    number > 0 raises ``DataError`` naming the criterion; ``grid`` is not modified."""
    out = grid.copy()
    out.attrs = dict(grid.attrs)
    for i, criterion in enumerate(out["criterion"]):
        chosen = (choices or {}).get(str(criterion))
        if not chosen:
            continue
        weight = chosen.get("weight")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight) or weight <= 0:
            raise DataError(t("audit.bad_weight", value=weight), column=str(criterion))
        out.iloc[i, out.columns.get_loc("weight")] = float(weight)
        out.iloc[i, out.columns.get_loc("critical")] = bool(chosen.get("critical", out["critical"].iloc[i]))
    return out


def load_scenarios() -> pd.DataFrame:
    """The call scenarios (``data/scenarios.csv``): ``scenario`` id, label, what the
    mystery caller says and what a good answer contains, in French and English."""
    frame = read_table(DATA / "scenarios.csv")
    return frame.reset_index(drop=True)


def labels(grid: pd.DataFrame, lang: str | None = None) -> pd.Series:
    """The criteria's labels in a language, indexed by criterion id."""
    return grid.set_index("criterion")[f"label_{lang or get_language()}"]


def _bounds(kind: str, best: float, worst: float) -> tuple[float | None, float | None]:
    if kind == "number":
        return 0.0, None  # seconds or transfers: never negative, may exceed the worst
    return min(best, worst), max(best, worst)


def load_calls(source, grid: pd.DataFrame, *, scenarios=None, max_rows: int | None = None) -> pd.DataFrame:
    """A campaign of mystery calls, one row per call, checked against the grid.

    Parameters
    ----------
    source : path, bytes, file-like or DataFrame
        CSV (``,`` or ``;``, UTF-8 with or without BOM, Windows-1252) or ``.xlsx``, with
        ``call_id``, ``date`` (dd/mm/yyyy or ISO), ``scenario``, ``evaluator`` and one
        column per criterion id. Optional: ``ref_call`` (the call this row scores a second
        time, for calibration) and ``comment``.
    grid : DataFrame
        From :func:`load_grid`.
    scenarios : iterable of str, optional
        The scenarios allowed (compared ignoring case; the id is kept as listed). Forms pass
        the shipped list (:func:`load_scenarios`); a file may hold a client's own scenarios.
    max_rows : int, optional
        The most calls a file may hold, default ``cxkit.store.MAX_IMPORT_CALLS`` (a table
        already in memory, such as the store's calls, is not limited here).

    Returns
    -------
    DataFrame
        ``call_id``, ``date`` (datetime64), ``scenario``, ``evaluator``, ``ref_call``,
        ``comment``, then one float column per criterion (NaN = not applicable: empty,
        NA, N/A, -, sans objet). yes_no values become 1.0/0.0. The index is the row as a
        spreadsheet shows it. ``attrs["cleaned"]`` lists the ``(row, column)`` of the cells
        whose control characters were removed (see ``cxkit.io.cleaned_note``).

    Raises
    ------
    DataError
        Empty file, more calls than ``max_rows``, missing column, duplicate or empty
        ``call_id``, a name longer than ``MAX_NAME_CHARS`` (``call_id``, ``scenario``,
        ``evaluator``, ``ref_call``) or a comment longer than ``MAX_TEXT_CHARS``, a scenario
        not in ``scenarios``, a bad date, one before 1990 or after today (a call cannot
        have been made yet), text in a
        number column, a value outside the grid's range (a scale of 7 on 0–4, negative
        seconds), a yes/no that is neither.
    """
    from .io import MAX_NAME_CHARS, MAX_TEXT_CHARS, check_text_column
    from .store import MAX_IMPORT_CALLS

    frame = read_table(source, max_rows=MAX_IMPORT_CALLS if max_rows is None else max_rows)
    name = frame.attrs.get("source")
    criteria = list(grid["criterion"])
    require_columns(frame, CALL_COLUMNS + criteria)
    for col in ("call_id", "scenario", "evaluator", "ref_call", "comment"):
        if col in frame:
            frame[col] = check_text_column(frame, col, MAX_TEXT_CHARS if col == "comment" else MAX_NAME_CHARS,
                                           one_line=col != "comment")
    for col in ("call_id", "scenario", "evaluator"):
        missing = na_mask(frame[col])
        if missing.any():
            raise DataError(t("io.required"), file=name, row=missing.idxmax(), column=col)
    check_unique(frame, "call_id")
    if scenarios is not None:
        known = {str(s).strip().lower(): str(s) for s in scenarios}
        given = frame["scenario"].astype(str).str.strip()
        unknown = ~given.str.lower().isin(known)
        if unknown.any():
            row = unknown.idxmax()
            raise DataError(t("safety.unknown_scenario", value=given[row], expected=", ".join(known.values())),
                            file=name, row=row, column="scenario")
        frame["scenario"] = given.str.lower().map(known)
    dates = parse_date(frame, "date")
    future = dates > pd.Timestamp.today().normalize()
    if future.any():  # a mystery call cannot have been made after today
        row = future.idxmax()
        raise DataError(t("audit.future_date", value=frame.at[row, "date"]), file=name, row=row, column="date")
    out = pd.DataFrame({
        "call_id": frame["call_id"].astype(str).str.strip(),
        "date": dates,
        "scenario": frame["scenario"].astype(str).str.strip(),
        "evaluator": frame["evaluator"].astype(str).str.strip(),
        "ref_call": (frame["ref_call"].where(~na_mask(frame["ref_call"])) if "ref_call" in frame
                     else pd.Series(None, index=frame.index, dtype=object)),
        "comment": frame["comment"] if "comment" in frame else pd.Series(None, index=frame.index, dtype=object),
    }, index=frame.index)
    for row in grid.itertuples(index=False):  # one pass per criterion, not per call
        if row.kind == "yes_no":
            out[row.criterion] = parse_bool(frame, row.criterion, na_ok=True)
        else:
            low, high = _bounds(row.kind, row.best, row.worst)
            out[row.criterion] = parse_number(frame, row.criterion, minimum=low, maximum=high, na_ok=True)
    refs = out["ref_call"].dropna()
    unknown = ~refs.isin(set(out["call_id"]))
    if unknown.any():
        row = unknown.idxmax()
        raise DataError(t("audit.unknown_ref", value=refs[row]), file=name, row=row, column="ref_call")
    out.attrs["source"] = name
    out.attrs["cleaned"] = list(frame.attrs.get("cleaned") or [])
    return out


def load_sample_campaign(grid: pd.DataFrame | None = None) -> pd.DataFrame:
    """The shipped synthetic campaign (``data/sample_campaign.csv``), read by :func:`load_calls`."""
    return load_calls(DATA / "sample_campaign.csv", load_grid() if grid is None else grid)


def _cell_text(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def calls_from_records(records: pd.DataFrame, grid: pd.DataFrame) -> pd.DataFrame:
    """Calls kept in the workshop store (``Store().calls()``) read like a file.

    An empty store gives an empty table with the same columns as :func:`load_calls`.
    """
    if records.empty:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in CALL_COLUMNS + ["ref_call", "comment"]})
        empty["date"] = pd.Series(dtype="datetime64[ns]")
        for c in grid["criterion"]:
            empty[c] = pd.Series(dtype=float)
        return empty
    from .io import MAX_NAME_CHARS, MAX_TEXT_CHARS

    text = records.map(_cell_text).astype(object)
    # calls stored by an older version may hold names or comments beyond today's limits
    # (control characters are removed by read_table): cut them rather than refuse the room
    for col, limit in (("call_id", MAX_NAME_CHARS), ("scenario", MAX_NAME_CHARS), ("evaluator", MAX_NAME_CHARS),
                       ("ref_call", MAX_NAME_CHARS), ("comment", MAX_TEXT_CHARS)):
        if col in text:
            text[col] = text[col].map(lambda v, n=limit: v[:n] if isinstance(v, str) else v)
    if "ref_call" in text:  # a second scoring whose call was deleted has nothing to compare with
        orphan = text["ref_call"].notna() & ~text["ref_call"].isin(set(text["call_id"]))
        text = text[~orphan]
    text.index = pd.RangeIndex(2, len(text) + 2, name="row")
    text.attrs["source"] = t("audit.source_store")
    return load_calls(text, grid)


def validate_record(record: dict, grid: pd.DataFrame) -> pd.DataFrame:
    """Check one call entered in the form as if it were a one-row file; return it parsed.

    Raises ``DataError`` whose ``column`` names the field at fault (the form shows the
    message next to it): typed text holding a control character (refused, not cleaned),
    a name longer than ``MAX_NAME_CHARS`` or a comment longer than ``MAX_TEXT_CHARS``, a
    scenario not in ``data/scenarios.csv``, an infinite or absurd number, and every
    problem :func:`load_calls` finds.
    """
    from .io import MAX_NAME_CHARS, MAX_TEXT_CHARS, clean_text

    for key, value in record.items():
        if isinstance(value, str) or key in ("call_id", "scenario", "evaluator", "comment"):
            clean_text(value, field=str(key), one_line=key != "comment",
                       max_length=MAX_TEXT_CHARS if key == "comment" else MAX_NAME_CHARS)
    frame = pd.DataFrame([{k: _cell_text(v) for k, v in record.items()}], index=pd.Index([2], name="row"))
    frame.attrs["source"] = None
    calls = load_calls(frame, grid, scenarios=load_scenarios()["scenario"])
    score_calls(calls, grid)  # a call with no applicable criterion is refused here
    return calls


def records_for_store(calls: pd.DataFrame, grid: pd.DataFrame) -> list[dict]:
    """Calls from :func:`load_calls` as plain records for ``Store().add_calls``: dates
    in ISO, marks as numbers (yes = 1, no = 0), ``None`` where not applicable."""
    columns = CALL_COLUMNS + ["ref_call", "comment"] + list(grid["criterion"])
    frame = calls[[c for c in columns if c in calls]].copy()
    frame["date"] = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%d")
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict(orient="records")


def primary_calls(calls: pd.DataFrame) -> pd.DataFrame:
    """The calls without the second scorings made for calibration (``ref_call`` set)."""
    if "ref_call" not in calls:
        return calls
    return calls[calls["ref_call"].isna()]


# --- scoring --------------------------------------------------------------------------

def criterion_marks(calls: pd.DataFrame, grid: pd.DataFrame) -> np.ndarray:
    """The mark each call earns on each criterion, a (calls × criteria) float array.

    ``s = clip((value − worst) / (best − worst), 0, 1)``: 1 at the best value, 0 at the
    worst, linear in between (e.g. 105 s of waiting with best 30 s and worst 180 s earns
    0.5). NaN where the criterion does not apply.
    """
    missing = [c for c in grid["criterion"] if c not in calls.columns]
    if missing:
        raise DataError(t("io.missing_column", expected=", ".join(grid["criterion"])),
                        file=calls.attrs.get("source"), row=1, column=missing[0])
    values = calls[list(grid["criterion"])].to_numpy(dtype=np.float64)
    if not values.flags.writeable:  # a read-only view of the frame (copy-on-write)
        values = values.copy()
    best = grid["best"].to_numpy(np.float64)
    worst = grid["worst"].to_numpy(np.float64)
    values -= worst
    values /= best - worst
    np.clip(values, 0.0, 1.0, out=values)  # NaN stays NaN
    return values


def _weighted_means(marks: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``100 · Σ w·s / Σ w`` over applicable marks, for each column of ``weights``
    (criteria × groups: one column per score wanted, e.g. the total and each section).
    Two matrix products; returns (scores, total applicable weight), both calls × groups."""
    missing = np.isnan(marks)
    # einsum without BLAS on float arrays: on a tall, thin matrix it beats a threaded
    # matmul by far, and float operands avoid a slow bool → float cast inside einsum
    total = np.einsum("ij,jk->ik", np.where(missing, 0.0, 1.0), weights)
    earned = np.einsum("ij,jk->ik", np.where(missing, 0.0, marks), weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = earned / total
    np.clip(share, 0.0, 1.0, out=share)  # rounding can give 1.0000000000000002
    share *= 100.0
    return share, total


def score_calls(calls: pd.DataFrame, grid: pd.DataFrame, good_threshold: float = GOOD_THRESHOLD) -> pd.DataFrame:
    """Score every call: a weighted mean of the criteria's marks, out of 100.

    ``score = 100 · Σ wᵢ·sᵢ / Σ wᵢ`` over the applicable criteria only (the weights of
    the others are shared out, so "not applicable" neither helps nor hurts), with
    ``sᵢ`` from :func:`criterion_marks`. A critical criterion marked 0 sets
    ``critical_failed``; ``good = score ≥ good_threshold − 1e-9 and not critical_failed``
    (:data:`SCORE_TOLERANCE`: weights 0.3, 0.4, 0.9, 0.35, 0.35, 0.2 with marks 1, 0, 1,
    0, 1, 1 give 69.99999999999997 in floating point, which is 70 and good).
    Computed column by column on the whole table (no loop over calls, and no copy of
    the calls × criteria matrix: :func:`_column_scores`).

    Returns
    -------
    DataFrame
        Indexed by ``call_id``: ``date``, ``scenario``, ``evaluator``, ``ref_call`` (when
        the calls have them), ``score`` (0–100), ``critical_failed``, ``good``,
        ``applicable`` (number of criteria that applied), and one column per section
        (that section's score out of 100, NaN when none of its criteria applied).

    Raises
    ------
    DataError
        A criterion column is missing, or a call has no applicable criterion.
    """
    missing = [c for c in grid["criterion"] if c not in calls.columns]
    if missing:
        raise DataError(t("io.missing_column", expected=", ".join(grid["criterion"])),
                        file=calls.attrs.get("source"), row=1, column=missing[0])
    weights = grid["weight"].to_numpy(np.float64)
    names = sections(grid)
    section_of = grid["section"].to_numpy()
    # row 0: the whole grid; then one row per section (its criteria's weights)
    # the last row (all ones) counts the applicable criteria
    matrix = np.vstack([weights] + [np.where(section_of == s, weights, 0.0) for s in names]
                       + [np.ones_like(weights)])
    scores, totals, failed = _column_scores(calls, grid, matrix)
    score, total = scores[0], totals[0]
    empty = total == 0
    if empty.any():
        pos = int(np.argmax(empty))
        row = calls.index[pos] if calls.index.name == "row" else pos + 2
        raise DataError(t("audit.no_applicable"), file=calls.attrs.get("source"), row=row)
    out = {c: calls[c].to_numpy(copy=True) for c in ("date", "scenario", "evaluator", "ref_call") if c in calls}
    out.update(score=score, critical_failed=failed, good=(score >= good_threshold - SCORE_TOLERANCE) & ~failed,
               applicable=np.rint(totals[-1]).astype(np.int64))
    for i, section in enumerate(names):
        out[section] = scores[i + 1]
    index = pd.Index(calls["call_id"].to_numpy() if "call_id" in calls else calls.index, name="call_id")
    return pd.DataFrame(out, index=index, copy=False)  # the arrays are new: no need to copy them again


def _column_scores(calls: pd.DataFrame, grid: pd.DataFrame,
                   weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``100 · Σ w·s / Σ w`` over applicable marks for each row of ``weights`` (groups ×
    criteria: the total, each section, the count), read one criterion column at a time.

    The same sums, in the same order, as :func:`criterion_marks` then
    :func:`_weighted_means` (so the same numbers to the last bit), without the calls ×
    criteria copies: each column of the table is read in place and only one column's
    marks exist at a time. The last row of ``weights`` counts (its score is not
    computed). Returns (scores of every row but the last, total applicable weight of
    every row) as rows × calls, and whether a critical criterion was marked 0, per call."""
    n = len(calls)
    earned = np.zeros((len(weights) - 1, n))
    total = np.zeros((len(weights), n))
    failed = np.zeros(n, dtype=bool)
    best = grid["best"].to_numpy(np.float64)
    worst = grid["worst"].to_numpy(np.float64)
    critical = grid["critical"].to_numpy(bool)
    for j, criterion in enumerate(grid["criterion"]):
        marks = calls[criterion].to_numpy(dtype=np.float64) - worst[j]  # a new array: the table is untouched
        marks /= best[j] - worst[j]
        np.clip(marks, 0.0, 1.0, out=marks)  # NaN stays NaN
        applies = ~np.isnan(marks)
        if critical[j]:
            failed |= marks == 0.0
        np.copyto(marks, 0.0, where=~applies)
        for k in np.flatnonzero(weights[:-1, j]):
            earned[k] += marks * weights[k, j]
            total[k] += applies * weights[k, j]
        total[-1] += applies * weights[-1, j]  # the last row counts: no marks to add up
    with np.errstate(invalid="ignore", divide="ignore"):
        share = earned / total[:-1]
    np.clip(share, 0.0, 1.0, out=share)  # rounding can give 1.0000000000000002
    share *= 100.0
    return share, total, failed


def sections(grid: pd.DataFrame) -> list[str]:
    """The grid's sections in the order they first appear."""
    return list(dict.fromkeys(grid["section"]))


# --- what the scores allow one to conclude ---------------------------------------------

def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise DataError(t("audit.bad_confidence", value=confidence))
    # the standard library's normal quantile: scipy.stats would add ~60 MB to every kernel
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(good: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval for a proportion ``good / n``.

    With ``p = good/n`` and ``z`` the normal quantile for the confidence level::

        centre = (p + z²/2n) / (1 + z²/n)
        half   = z / (1 + z²/n) · √( p(1−p)/n + z²/4n² )

    It stays inside [0, 1] and behaves at small ``n`` and at 0 % or 100 %, where the
    textbook ``p ± z√(p(1−p)/n)`` does not. Source: E. B. Wilson (1927), "Probable
    inference, the law of succession, and statistical inference", JASA 22:209–212;
    Brown, Cai & DasGupta (2001), Statistical Science 16:101–133.
    Returns ``(nan, nan)`` when ``n == 0``; ``DataError`` when ``good`` is not in [0, n].
    """
    if n <= 0:
        return float("nan"), float("nan")
    if not 0 <= good <= n:  # also catches NaN
        raise DataError(t("evidence.bad_good", value=good, n=n), column="good")
    z = _z(confidence)
    p = good / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_interval(values, confidence: float = 0.95, *,
                  bounds: tuple[float, float] | None = None) -> tuple[float, float, float]:
    """Mean and Student-t interval: ``x̄ ± t(ν = n−1) · s / √n``.

    ``s`` is the sample standard deviation (ddof = 1). Bounds are NaN below 2 values.
    ``bounds`` (e.g. ``(0, 100)`` for a score) clips the interval to the scale the values
    live on: with few, spread-out scores ``x̄ ± t·s/√n`` can pass 100 (8.2 – 118.5),
    which no mean score can. Source: any statistics textbook (Student, 1908).
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(x.mean())
    if n < 2:
        return mean, float("nan"), float("nan")
    _z(confidence)
    from scipy.special import stdtrit  # here, not at the top: scipy adds ~14 MB to a kernel

    half = float(stdtrit(n - 1, 0.5 + confidence / 2)) * float(x.std(ddof=1)) / math.sqrt(n)  # t quantile
    low, high = mean - half, mean + half
    if bounds is not None:
        low, high = max(low, float(bounds[0])), min(high, float(bounds[1]))
    return mean, low, high


def indicators(scored: pd.DataFrame, confidence: float = 0.95) -> dict:
    """The campaign's headline figures with their intervals.

    Returns
    -------
    dict
        ``n`` calls, ``good`` (count), ``good_rate`` with ``good_rate_low`` /
        ``good_rate_high`` (Wilson, :func:`wilson_interval`, inside 0–1), ``mean_score``
        with ``mean_score_low`` / ``mean_score_high`` (Student t, :func:`mean_interval`,
        clipped to the 0–100 scale),
        ``critical_failed`` (count) and ``confidence``.
    """
    n = int(len(scored))
    good = int(scored["good"].sum()) if n else 0
    low, high = wilson_interval(good, n, confidence)
    mean, mlow, mhigh = mean_interval(scored["score"].to_numpy(float) if n else [], confidence, bounds=(0.0, 100.0))
    return {"n": n, "good": good, "good_rate": good / n if n else float("nan"),
            "good_rate_low": low, "good_rate_high": high, "mean_score": mean,
            "mean_score_low": mlow, "mean_score_high": mhigh,
            "critical_failed": int(scored["critical_failed"].sum()) if n else 0,
            "confidence": confidence}


def verdict(good: int, n: int, target: float = TARGET, confidence: float = 0.95) -> str:
    """What the calls prove about the share of good calls, against a target.

    ``"proven"`` when even the Wilson interval's upper bound is below the target (the
    problem is real at this confidence); ``"presumption"`` when the observed rate is
    below the target but the interval still reaches it; ``"no_evidence"`` otherwise
    (including no calls at all).
    """
    if n <= 0:
        return "no_evidence"
    _, high = wilson_interval(good, n, confidence)
    if high < target:
        return "proven"
    if good / n < target:
        return "presumption"
    return "no_evidence"


def sample_size(margin: float, p: float = 0.5, confidence: float = 0.95) -> int:
    """Calls needed to know a rate within ± ``margin``: ``ceil(z² p(1−p) / margin²)``.

    ``p`` is the expected rate (0.5, the worst case, when unknown); ``margin`` a share
    (0.05 = ± 5 points). Source: the normal approximation for a proportion (e.g.
    Cochran, *Sampling Techniques*, 1977, eq. 4.2).
    """
    if not 0 < margin < 1:
        raise DataError(t("audit.bad_margin", value=margin))
    if not 0 <= p <= 1:
        raise DataError(t("audit.bad_rate", value=p))
    z = _z(confidence)
    # round away float noise before ceil (1.96²·0.25/0.05² is 384.1…, not 384.0000001)
    return max(1, int(math.ceil(round(z * z * p * (1 - p) / (margin * margin), 9))))


#: The largest audit :func:`calls_needed` and :func:`second_wave_calls` will search.
MAX_CALLS = 100_000


def _proof_threshold(n, target: float, confidence: float) -> np.ndarray:
    """For each ``n``, the largest count of good calls whose Wilson upper bound lies below
    ``target`` (−1 when none does), i.e. the largest ``k`` the verdict calls ``"proven"``.

    The Wilson upper bound of ``k/n`` is below ``target`` exactly when
    ``k/n < target − z·√(target(1 − target)/n)`` (the score test of ``π = target``), so
    ``k_max = ceil(n·c) − 1`` with that ``c``; the count is then checked against
    :func:`wilson_interval` itself so that it agrees with :func:`verdict` to the last bit.
    """
    z = _z(confidence)
    n = np.atleast_1d(np.asarray(n, dtype=np.int64))
    c = target - z * np.sqrt(target * (1 - target) / n)
    k = np.ceil(n * c).astype(np.int64) - 1
    k = np.clip(k, -1, n)
    for i in range(k.size):  # at most one step either way: rounding at the boundary
        ni = int(n[i])
        while k[i] + 1 <= ni and wilson_interval(int(k[i]) + 1, ni, confidence)[1] < target:
            k[i] += 1
        while k[i] >= 0 and not wilson_interval(int(k[i]), ni, confidence)[1] < target:
            k[i] -= 1
    return k


def _check_share(name: str, value, *, open_interval: bool = False) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise DataError(t("audit.bad_rate", value=value), column=name) from None
    if not math.isfinite(x) or not (0 < x < 1 if open_interval else 0 <= x <= 1):
        raise DataError(t("audit.bad_rate", value=value), column=name)
    return x


def _power_at(n, true_rate: float, target: float, confidence: float) -> np.ndarray:
    from scipy.stats import binom  # here, not at the top: scipy adds memory to every kernel

    n = np.atleast_1d(np.asarray(n, dtype=np.int64))
    k = _proof_threshold(n, target, confidence)
    return np.where(k >= 0, binom.cdf(k, n, true_rate), 0.0)


def proof_power(n: int, true_rate: float, target: float = TARGET, confidence: float = 0.95) -> float:
    """The probability that an audit of ``n`` calls ends "proven" (:func:`verdict`).

    With ``K ~ Binomial(n, true_rate)`` the number of good calls and ``k_max`` the
    largest count whose Wilson upper bound (:func:`wilson_interval`) is below ``target``::

        power = P(K ≤ k_max) = Σ_{k=0..k_max} C(n, k) · true_rate^k · (1 − true_rate)^(n−k)

    computed exactly (``scipy.stats.binom.cdf``), no normal approximation. E.g. a true
    good-call share of 70 % against an 80 % target: 81 calls prove it 57 % of the time.
    Source: the exact power of a binomial test, e.g. Chow, Shao & Wang, *Sample Size
    Calculations in Clinical Research* (2nd ed., 2008), §12.1; Wilson (1927) for the bound.

    Returns 0.0 when no count of ``n`` calls can be proven. ``DataError`` when ``n`` is not
    a whole number ≥ 1 or a rate is outside [0, 1] (the target strictly inside).
    """
    if isinstance(n, bool) or not float(n).is_integer() or n < 1:
        raise DataError(t("evidence.bad_calls", value=n), column="n")
    true_rate = _check_share("true_rate", true_rate)
    target = _check_share("target", target, open_interval=True)
    return float(_power_at(int(n), true_rate, target, confidence)[0])


def power_curve(true_rate: float, target: float = TARGET, n_values=range(10, 301, 5),
                confidence: float = 0.95) -> pd.DataFrame:
    """:func:`proof_power` for each number of calls in ``n_values``: columns ``n`` and
    ``power`` (a share). The curve is a saw-tooth, not a smooth rise: adding one call can
    lower the power a little, because the count needed to prove moves in whole calls."""
    true_rate = _check_share("true_rate", true_rate)
    target = _check_share("target", target, open_interval=True)
    n = np.asarray([int(v) for v in n_values], dtype=np.int64)
    if n.size and n.min() < 1:
        raise DataError(t("evidence.bad_calls", value=int(n.min())), column="n")
    power = _power_at(n, true_rate, target, confidence) if n.size else np.array([], dtype=float)
    return pd.DataFrame({"n": n, "power": power})


def calls_needed(true_rate: float, target: float = TARGET, power: float = 0.8, confidence: float = 0.95,
                 *, stable: bool = False) -> int:
    """The smallest number of calls at which an audit proves the problem with probability
    at least ``power``, if the true good-call share is ``true_rate``.

    "Proves" means :func:`verdict` says ``"proven"``: the Wilson upper bound of the
    observed share is below ``target``. The probability is :func:`proof_power`, exact
    binomial. Example: true share 70 %, target 80 %: 81 calls prove it 57 % of the time,
    and 130 calls are the first to give four chances in five (power 0.805).

    The power is a saw-tooth in ``n``, not a steady rise (see :func:`power_curve`): the
    count needed to prove moves in whole calls, so one call more can lower the power by
    several points (130 calls: 0.805, 131 calls: 0.764). By default this returns the
    smallest ``n`` whose power reaches ``power``, as the definition says. With
    ``stable=True`` it returns the smallest ``n`` from which the power stays at or above
    ``power`` for every larger ``n`` up to twice that number (141 in the example): the
    safer figure when the audit may end up a few calls longer or shorter than planned.
    Source: exact binomial power (Chow, Shao & Wang, *Sample Size Calculations in
    Clinical Research*, 2nd ed. 2008, §12.1); the saw-tooth: Chernick & Liu (2002),
    "The saw-toothed behavior of power versus sample size", *The American Statistician* 56:149–155.

    Raises
    ------
    DataError
        ``true_rate ≥ target`` (no audit can prove a problem that is not there), a rate
        or ``power`` outside (0, 1), or no ``n`` up to :data:`MAX_CALLS` reaching it.
    """
    true_rate = _check_share("true_rate", true_rate)
    target = _check_share("target", target, open_interval=True)
    power = _check_share("power", power, open_interval=True)
    if true_rate >= target:
        raise DataError(t("evidence.needed_no_gap", rate=true_rate, target=target), column="true_rate")
    start = 1
    while start <= MAX_CALLS:  # blocks of n: the exact power of a whole block at once
        stop = min(max(2 * start, 1024), MAX_CALLS)
        n = np.arange(start, stop + 1)
        ok = _power_at(n, true_rate, target, confidence) >= power
        reached = np.flatnonzero(ok)
        if reached.size and not stable:
            return int(n[reached[0]])
        if reached.size:
            # the last n of the block below the power; check the window up to twice the answer
            below = np.flatnonzero(~ok)
            first = int(n[below[-1]] + 1) if below.size else int(n[0])
            if first <= n[-1]:
                window = np.arange(first, min(2 * first, MAX_CALLS) + 1)
                fails = np.flatnonzero(_power_at(window, true_rate, target, confidence) < power)
                if not fails.size:
                    return first
                start = int(window[fails[-1]]) + 1
                continue
        start = stop + 1
    raise DataError(t("evidence.needed_too_many", n=MAX_CALLS), column="true_rate")


def verdict_text(good: int, n: int, target: float = TARGET, confidence: float = 0.95,
                 lang: str | None = None) -> str:
    """The verdict in plain words. "Proven" says the good-call share is below the target
    at this confidence, not that customers are lost; a presumption says how many calls
    would prove it, if the true share were the observed one, one time in two and four
    times in five (:func:`calls_needed` with ``power`` 0.5 and 0.8, ``stable=True``: from
    that number on, a few calls more or less never bring the chance back below)."""
    from .i18n import fmt_percent

    kind = verdict(good, n, target, confidence)
    if n <= 0:
        return t("audit.verdict.none", lang)
    low, high = wilson_interval(good, n, confidence)
    values = dict(n=n, good=good, rate=fmt_percent(good / n, 0, lang), low=fmt_percent(low, 0, lang),
                  high=fmt_percent(high, 0, lang), target=fmt_percent(target, 0, lang),
                  conf=fmt_percent(confidence, 0, lang))
    if kind == "presumption":
        rate = good / n
        values.update(needed_even=_needed_or_more(rate, target, 0.5, confidence, lang),
                      needed=_needed_or_more(rate, target, 0.8, confidence, lang))
    return t(f"audit.verdict.{kind}", lang, **values)


def _needed_or_more(rate: float, target: float, power: float, confidence: float, lang) -> str:
    from .i18n import fmt_number

    try:
        return fmt_number(calls_needed(rate, target, power, confidence, stable=True), 0, lang)
    except DataError:  # the gap is too small for any audit the search covers
        return "> " + fmt_number(MAX_CALLS, 0, lang)


# --- did the plan work? two waves -------------------------------------------------------

def _wilson_arrays(good, n, z: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`wilson_interval` on arrays of counts (same formula, vectorised)."""
    good = np.asarray(good, dtype=float)
    n = np.asarray(n, dtype=float)
    p = good / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return np.maximum(0.0, centre - half), np.minimum(1.0, centre + half)


def _newcombe(good_before, n_before, good_after, n_after, z: float):
    """Newcombe's hybrid score interval of ``after − before`` (arrays allowed)."""
    p1 = np.asarray(good_before, dtype=float) / n_before
    p2 = np.asarray(good_after, dtype=float) / n_after
    l1, u1 = _wilson_arrays(good_before, n_before, z)
    l2, u2 = _wilson_arrays(good_after, n_after, z)
    d = p2 - p1
    return d, d - np.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2), d + np.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)


def _check_counts(good, n, name: str) -> tuple[float, int]:
    if isinstance(n, bool) or not float(n).is_integer() or n < 1:
        raise DataError(t("evidence.bad_calls", value=n), column=f"n_{name}")
    try:
        g = float(good)
    except (TypeError, ValueError):
        raise DataError(t("evidence.bad_good", value=good, n=n), column=f"good_{name}") from None
    if not math.isfinite(g) or not 0 <= g <= n:
        raise DataError(t("evidence.bad_good", value=good, n=n), column=f"good_{name}")
    return g, int(n)


def compare_waves(good_before: int, n_before: int, good_after: int, n_after: int,
                  confidence: float = 0.95) -> dict:
    """Did the share of good calls change between two waves of the audit?

    ``difference = good_after/n_after − good_before/n_before`` with Newcombe's hybrid score
    interval (method 10 in Newcombe 1998): with ``p₁, p₂`` the shares before and after and
    ``[l₁, u₁]``, ``[l₂, u₂]`` their Wilson intervals (:func:`wilson_interval`)::

        low  = (p₂ − p₁) − √((p₂ − l₂)² + (u₁ − p₁)²)
        high = (p₂ − p₁) + √((u₂ − p₂)² + (p₁ − l₁)²)

    ``verdict`` is ``"improved"`` when ``low > 0``, ``"worse"`` when ``high < 0``,
    ``"no_evidence"`` otherwise (the interval contains 0: the waves may differ by chance).
    Example (Newcombe's): 56/70 after 48/80 → 0.2000, interval 0.0524 to 0.3339.
    Source: R. G. Newcombe (1998), "Interval estimation for the difference between
    independent proportions: comparison of eleven methods", *Statistics in Medicine*
    17:873–890.

    Returns
    -------
    dict
        ``difference``, ``difference_low``, ``difference_high`` (shares, after − before),
        ``rate_before``, ``rate_after``, ``n_before``, ``n_after``, ``confidence``,
        ``verdict``.
    """
    g1, n1 = _check_counts(good_before, n_before, "before")
    g2, n2 = _check_counts(good_after, n_after, "after")
    d, low, high = _newcombe(g1, n1, g2, n2, _z(confidence))
    low, high = float(low), float(high)
    kind = "improved" if low > 0 else "worse" if high < 0 else "no_evidence"
    return {"difference": float(d), "difference_low": max(-1.0, low), "difference_high": min(1.0, high),
            "rate_before": g1 / n1, "rate_after": g2 / n2, "n_before": n1, "n_after": n2,
            "confidence": confidence, "verdict": kind}


def wave_power(rate_before: float, n_before: int, improvement: float, n_after: int,
               confidence: float = 0.95) -> float:
    """The probability that a second wave of ``n_after`` calls shows ``"improved"``
    (:func:`compare_waves`) when the true share has risen by ``improvement``.

    The first wave is taken as observed (``rate_before · n_before`` good calls: it has
    been made); the second wave's good calls are ``K ~ Binomial(n_after, rate_before +
    improvement)`` and the power ``Σ_k P(K = k) · [low(k) > 0]``, summed exactly over every
    ``k`` (``scipy.stats.binom.pmf``)."""
    g1, n1, after = _wave_inputs(rate_before, n_before, improvement)
    if isinstance(n_after, bool) or not float(n_after).is_integer() or n_after < 1:
        raise DataError(t("evidence.bad_calls", value=n_after), column="n_after")
    return _wave_power(g1, n1, after, int(n_after), _z(confidence))


def _wave_inputs(rate_before, n_before, improvement) -> tuple[float, int, float]:
    rate_before = _check_share("rate_before", rate_before)
    if isinstance(n_before, bool) or not float(n_before).is_integer() or n_before < 1:
        raise DataError(t("evidence.bad_calls", value=n_before), column="n_before")
    try:
        improvement = float(improvement)
    except (TypeError, ValueError):
        raise DataError(t("evidence.bad_improvement", value=improvement), column="improvement") from None
    after = rate_before + improvement
    if not math.isfinite(improvement) or not improvement > 0 or after > 1:
        raise DataError(t("evidence.bad_improvement", value=improvement), column="improvement")
    return rate_before * int(n_before), int(n_before), after


def _wave_power(g1: float, n1: int, after: float, n2: int, z: float) -> float:
    from scipy.stats import binom  # here, not at the top: scipy adds memory to every kernel

    k = np.arange(n2 + 1)
    _, low, _ = _newcombe(g1, n1, k, n2, z)
    return float(binom.pmf(k[low > 0], n2, after).sum())


def second_wave_calls(rate_before: float, n_before: int, improvement: float, power: float = 0.8,
                      confidence: float = 0.95) -> int:
    """The calls a second wave needs to show an ``improvement`` of the good-call share
    with probability at least ``power``: the smallest ``n_after`` whose :func:`wave_power`
    reaches it (exact binomial over the second wave; the first wave as observed).

    Up to 5,000 calls every ``n_after`` is tried; beyond, where the saw-tooth of the exact
    power is a fraction of a point, the answer is found by bisection. However many calls
    the second wave has, its interval cannot be narrower than the first wave's own
    uncertainty: when ``improvement`` is not above ``u₁ − p₁`` (the upper half-width of
    the first wave's Wilson interval) no second wave can show it, and a ``DataError``
    says the first wave had too few calls. Example: 60 % good over 100 calls before, a
    true rise of 15 points: see the tests for the value worked out.
    Source: Newcombe (1998), method 10, with the exact binomial distribution.

    Raises
    ------
    DataError
        A rate outside [0, 1], ``improvement`` ≤ 0 or taking the share above 1, ``power``
        outside (0, 1), or an improvement no second wave can show.
    """
    g1, n1, after = _wave_inputs(rate_before, n_before, improvement)
    power = _check_share("power", power, open_interval=True)
    z = _z(confidence)
    p1 = g1 / n1
    _, u1 = wilson_interval(g1, n1, confidence)
    if not after - p1 > u1 - p1 + 1e-9:
        raise DataError(t("evidence.first_wave_too_small", n=n1, gap=round(100 * (u1 - p1), 1)),
                        column="n_before")
    for n2 in range(1, 5001):
        if _wave_power(g1, n1, after, n2, z) >= power:
            return n2
    low, high = 5000, 10000
    while _wave_power(g1, n1, after, high, z) < power:
        low, high = high, 2 * high
        if high > 10 * MAX_CALLS:
            raise DataError(t("evidence.needed_too_many", n=10 * MAX_CALLS), column="improvement")
    while high - low > 1:
        mid = (low + high) // 2
        if _wave_power(g1, n1, after, mid, z) >= power:
            high = mid
        else:
            low = mid
    return high


# --- are the evaluators marking alike? ---------------------------------------------------

def evaluator_test(scored: pd.DataFrame, by: str = "evaluator", *, alpha: float = 0.05,
                   resamples: int = 10_000, seed: int = 0) -> dict:
    """Do the groups (evaluators by default) differ in their share of good calls more than
    chance would make them? One test across all groups, not pairs of intervals.

    The table is groups × (good, not good). Pearson's χ² test of independence
    (``scipy.stats.chi2_contingency``, no continuity correction):
    ``χ² = Σ (observed − expected)² / expected``, ``dof = groups − 1``. When an expected
    count is below 5 the χ² approximation is poor and an exact test is used instead:
    Fisher's exact test for two groups (``scipy.stats.fisher_exact``), and for more a
    permutation test of the χ² statistic (``resamples`` shuffles of the good/not-good
    labels with ``numpy.random.default_rng(seed)``; ``p = (1 + #{χ²* ≥ χ²}) / (1 + resamples)``).

    Comparing every pair instead makes ``comparisons = g(g − 1)/2`` tests; if each were
    run at ``alpha``, the chance of at least one false alarm when all groups are alike
    would be up to ``1 − (1 − alpha)^comparisons`` (``family_false_alarm``; exact for
    independent tests, an upper guide otherwise). Whether two intervals overlap is not a
    test at all. Sources: K. Pearson (1900); R. A. Fisher (1922); on the overlap rule,
    Schenker & Gentleman (2001), *The American Statistician* 55:182–186.

    Returns
    -------
    dict
        ``by``, ``groups`` (count), ``n`` (calls), ``table`` (DataFrame indexed by group:
        ``good``, ``not_good``, ``n``, ``good_rate``), ``statistic`` (χ²), ``dof``,
        ``p_value``, ``method`` (``"chi2"``, ``"fisher_exact"`` or ``"permutation"``),
        ``min_expected``, ``comparisons``, ``family_false_alarm``, ``alpha`` and
        ``different`` (``p_value < alpha``). With fewer than two groups the test is
        ``"none"`` and the p-value NaN.
    """
    from scipy.stats import chi2_contingency, fisher_exact  # here: scipy adds memory to every kernel

    if by not in scored.columns or "good" not in scored.columns:
        raise DataError(t("io.missing_column", expected=f"{by}, good"), column=by)
    calls = scored[scored["ref_call"].isna()] if "ref_call" in scored.columns else scored
    good = calls["good"].astype(bool)
    counts = pd.DataFrame({"good": good.groupby(calls[by]).sum().astype(int),
                           "n": good.groupby(calls[by]).size().astype(int)})
    counts["not_good"] = counts["n"] - counts["good"]
    counts["good_rate"] = counts["good"] / counts["n"]
    table = counts[["good", "not_good", "n", "good_rate"]]
    g = int(len(table))
    pairs = g * (g - 1) // 2
    out = {"by": by, "groups": g, "n": int(table["n"].sum()), "table": table, "alpha": alpha,
           "comparisons": pairs, "family_false_alarm": 1 - (1 - alpha) ** pairs}
    observed = table[["good", "not_good"]].to_numpy(dtype=float)
    if g < 2 or (observed.sum(axis=0) == 0).any():  # one group, or all good / all not good
        out.update(statistic=float("nan") if g < 2 else 0.0, dof=max(g - 1, 0),
                   p_value=float("nan") if g < 2 else 1.0, method="none", min_expected=float("nan"),
                   different=False)
        return out
    res = chi2_contingency(observed, correction=False)
    expected = np.asarray(res.expected_freq)
    stat, p, method = float(res.statistic), float(res.pvalue), "chi2"
    if expected.min() < 5:
        if g == 2:
            p, method = float(fisher_exact(observed.astype(int)).pvalue), "fisher_exact"
        else:
            rng = np.random.default_rng(seed)
            labels_ = good.to_numpy()
            codes = pd.Categorical(calls[by], categories=table.index).codes
            rows = table["n"].to_numpy(dtype=float)
            col = observed.sum(axis=0)
            expect_good = rows * col[0] / col.sum()
            expect_bad = rows * col[1] / col.sum()
            hits = 0
            for _ in range(int(resamples)):
                shuffled = rng.permutation(labels_)
                g_good = np.bincount(codes, weights=shuffled, minlength=g)
                chi = (((g_good - expect_good) ** 2 / expect_good)
                       + ((rows - g_good - expect_bad) ** 2 / expect_bad)).sum()
                hits += chi >= stat - 1e-9
            p, method = float((1 + hits) / (1 + int(resamples))), "permutation"
    out.update(statistic=stat, dof=int(res.dof), p_value=p, method=method,
               min_expected=float(expected.min()), different=bool(p < alpha))
    return out


def evaluator_test_text(result: dict, lang: str | None = None) -> str:
    """The test of :func:`evaluator_test` in plain words, with the multiple-comparisons trap."""
    from .i18n import fmt_number, fmt_percent

    if result["method"] == "none":
        return t("evidence.evaluators.none", lang)
    p = result["p_value"]
    values = dict(groups=result["groups"], n=result["n"], stat=fmt_number(result["statistic"], 2, lang),
                  dof=result["dof"], p=fmt_number(p, 3, lang), method=t(f"evidence.method.{result['method']}", lang),
                  pairs=result["comparisons"], alarm=fmt_percent(result["family_false_alarm"], 0, lang),
                  alpha=fmt_percent(result["alpha"], 0, lang))
    head = t("evidence.evaluators.different" if result["different"] else "evidence.evaluators.alike", lang, **values)
    return head + " " + t("evidence.evaluators.trap", lang, **values)


# --- reading the campaign -------------------------------------------------------------

def summary_by(scored: pd.DataFrame, by: str, confidence: float = 0.95) -> pd.DataFrame:
    """Per group (scenario, evaluator…): ``n``, ``good_rate`` with its Wilson bounds, ``mean_score``."""
    rows = []
    for key, group in scored.groupby(by, sort=True):
        ind = indicators(group, confidence)
        rows.append({by: key, "n": ind["n"], "good_rate": ind["good_rate"], "low": ind["good_rate_low"],
                     "high": ind["good_rate_high"], "mean_score": ind["mean_score"]})
    return pd.DataFrame(rows, columns=[by, "n", "good_rate", "low", "high", "mean_score"])


def section_scores(scored: pd.DataFrame, grid: pd.DataFrame) -> pd.DataFrame:
    """Mean score of each section over the calls where it applied, weakest first."""
    names = sections(grid)
    means = scored[names].mean(axis=0)
    frame = pd.DataFrame({"section": names, "mean_score": means.to_numpy(),
                          "n": scored[names].notna().sum(axis=0).to_numpy()})
    return frame.sort_values(["mean_score", "section"]).reset_index(drop=True)


def weekly_trend(scored: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Week by week (weeks start on Monday): ``n``, ``good_rate`` with bounds, ``mean_score``."""
    if scored.empty:
        return pd.DataFrame(columns=["week", "n", "good_rate", "low", "high", "mean_score"])
    dates = pd.to_datetime(scored["date"])
    week = (dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")).dt.normalize()
    frame = summary_by(scored.assign(week=week.to_numpy()), "week", confidence)
    return frame


def weakest_criteria(calls: pd.DataFrame, grid: pd.DataFrame, k: int = 5,
                     lang: str | None = None) -> pd.DataFrame:
    """The ``k`` criteria with the lowest mean mark (0–100) where they applied."""
    marks = criterion_marks(calls, grid)
    with np.errstate(invalid="ignore"):
        counts = (~np.isnan(marks)).sum(axis=0)
        means = np.where(counts > 0, np.nansum(marks, axis=0) / np.maximum(counts, 1), np.nan) * 100
    frame = pd.DataFrame({"criterion": grid["criterion"], "section": grid["section"],
                          "label": labels(grid, lang).to_numpy(), "mean_mark": means, "n": counts,
                          "critical": grid["critical"]})
    return frame.dropna(subset=["mean_mark"]).sort_values(["mean_mark", "criterion"]).head(k).reset_index(drop=True)


def recommendations(scored: pd.DataFrame, grid: pd.DataFrame, k: int = 3,
                    threshold: float = GOOD_THRESHOLD) -> pd.DataFrame:
    """The weakest sections below ``threshold``, each with the kind of change it calls for
    (``process``, ``quality`` policy or ``organisation``, after seed 000)."""
    weak = section_scores(scored, grid)
    weak = weak[weak["mean_score"] < threshold].head(k).copy()
    weak["area"] = weak["section"].map(AREA_OF_SECTION).fillna("process")
    return weak.reset_index(drop=True)


# --- calibration ----------------------------------------------------------------------

def _kappa_value(value):
    """A mark as a comparable value: numbers (and booleans) as floats, so that 1, 1.0 and
    True are the same mark; text stripped; missing → None."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_, int, float, np.integer, np.floating)):
        return float(value)
    text = str(value).strip()
    return text if text else None


def cohen_kappa(a, b) -> float:
    """Cohen's kappa between two raters' categorical marks of the same items.

    ``κ = (pₒ − pₑ) / (1 − pₑ)``, ``pₒ`` the share of items they mark alike and ``pₑ``
    the share expected by chance, ``Σₖ pₐ(k)·p_b(k)`` from each rater's own proportions.
    Marks are compared as values, not as text: 1, 1.0 and True are one mark
    (``cohen_kappa([1, 0, 1, 0], [1.0, 0.0, 1.0, 0.0]) == 1.0``). Pairs where either mark
    is missing (NaN/None) are left out. Returns 1.0 when both raters use one same
    category throughout (``pₑ = 1`` and ``pₒ = 1``), NaN with no pair. Lists of
    different lengths raise ``DataError``.
    Source: J. Cohen (1960), Educational and Psychological Measurement 20:37–46.
    """
    a = [_kappa_value(v) for v in a]
    b = [_kappa_value(v) for v in b]
    if len(a) != len(b):
        raise DataError(t("evidence.kappa_lengths", a=len(a), b=len(b)))
    pairs = [(x, y) for x, y in zip(a, b) if x is not None and y is not None]
    n = len(pairs)
    if n == 0:
        return float("nan")
    codes, _ = pd.factorize(pd.Series([x for x, _ in pairs] + [y for _, y in pairs], dtype=object))
    ia, ib = codes[:n], codes[n:]
    size = int(codes.max()) + 1
    table = np.zeros((size, size))
    np.add.at(table, (ia, ib), 1.0)
    table /= n
    po = float(np.count_nonzero(ia == ib)) / n  # counted, not summed: exactly 1 when all agree
    pe = float(table.sum(axis=1) @ table.sum(axis=0))
    if po >= 1.0:  # perfect agreement: exactly 1, not (1 − pₑ)/(1 − pₑ) with rounding
        return 1.0
    if pe >= 1.0:
        return float("nan")
    return (po - pe) / (1 - pe)


def kappa_reading(kappa: float) -> str:
    """The Landis & Koch (1977) band of a kappa: ``poor`` (< 0), ``slight`` (0–0.20),
    ``fair`` (0.21–0.40), ``moderate`` (0.41–0.60), ``substantial`` (0.61–0.80),
    ``almost_perfect`` (0.81–1). Source: Landis & Koch, Biometrics 33:159–174 (1977)."""
    if kappa is None or (isinstance(kappa, float) and math.isnan(kappa)):
        return "none"
    if kappa < 0:
        return "poor"
    for upper, name in KAPPA_BANDS[1:]:
        if kappa <= upper + 1e-12:
            return name
    return "almost_perfect"


def _categories(values: np.ndarray, kind: str, best: float, worst: float) -> np.ndarray:
    """Marks as categories: yes/no and scale values as they are; numbers in three bands
    (full marks, part marks, no marks), since seconds are never exactly equal."""
    if kind != "number":
        return values
    s = np.clip((values - worst) / (best - worst), 0, 1)
    return np.where(np.isnan(s), np.nan, np.where(s >= 1, 2.0, np.where(s <= 0, 0.0, 1.0)))


def kappa_by_criterion(calls: pd.DataFrame, grid: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """Agreement between the two evaluators of each double-scored call, per criterion.

    A row with ``ref_call`` scores again the call named there. Returns one row per
    criterion: ``n_pairs``, ``agreement`` (share of identical marks), ``kappa``
    (:func:`cohen_kappa`) and ``reading`` (:func:`kappa_reading`).
    """
    columns = ["criterion", "section", "label", "n_pairs", "agreement", "kappa", "reading"]
    if "ref_call" not in calls:
        return pd.DataFrame(columns=columns)
    second = calls[calls["ref_call"].notna()]
    first = calls.set_index("call_id").reindex(second["ref_call"].to_numpy())
    names = labels(grid, lang)
    rows = []
    for g in grid.itertuples(index=False):
        x = _categories(first[g.criterion].to_numpy(float), g.kind, g.best, g.worst)
        y = _categories(second[g.criterion].to_numpy(float), g.kind, g.best, g.worst)
        both = ~(np.isnan(x) | np.isnan(y))
        kappa = cohen_kappa(x[both], y[both]) if both.any() else float("nan")
        rows.append({"criterion": g.criterion, "section": g.section, "label": names[g.criterion],
                     "n_pairs": int(both.sum()),
                     "agreement": float((x[both] == y[both]).mean()) if both.any() else float("nan"),
                     "kappa": kappa, "reading": kappa_reading(kappa)})
    return pd.DataFrame(rows, columns=columns)


def fleiss_kappa(ratings) -> float:
    """Fleiss' kappa: how much several raters agree on the categories of the same items.

    ``ratings`` is a table (DataFrame or 2-D array) with one row per item (a criterion of
    the grid) and one column per rater; each cell is the category that rater gave that
    item (a mark: yes/no, 0–4…; compared as values, so 1, 1.0 and True are one category).
    With ``n_ij`` the number of raters who put item ``i`` in category ``j`` and
    ``n_i = Σ_j n_ij`` the raters who rated item ``i``::

        P_i = (Σ_j n_ij² − n_i) / (n_i (n_i − 1))     share of agreeing rater pairs on item i
        P̄   = mean of P_i over the items
        p_j = Σ_i n_ij / Σ_i n_i                      share of all ratings in category j
        P_e = Σ_j p_j²                                agreement expected by chance
        κ   = (P̄ − P_e) / (1 − P_e)

    A dimensionless number ≤ 1: 1 when every rater gives every item the same category,
    0 when they agree no more than chance would, negative below chance.

    Missing ratings (NaN/None: a rater who left an item blank) are left out: each item's
    ``P_i`` uses the raters who rated it (its own ``n_i``, the usual extension to unequal
    numbers of raters), items rated by fewer than two raters are dropped, and ``p_j``
    pools the ratings of the items kept. With no missing rating this is exactly Fleiss'
    formula. When every kept rating is one same category, ``P_e = 1`` and the ratio is
    0/0; the raters then agree perfectly and 1.0 is returned (as :func:`cohen_kappa` does).

    Raises ``DataError`` when fewer than two raters rated any single item.
    Source: J. L. Fleiss (1971), "Measuring nominal scale agreement among many raters",
    Psychological Bulletin 76(5):378–382.
    """
    frame = pd.DataFrame(ratings)
    values = [[_kappa_value(v) for v in row] for row in frame.to_numpy(dtype=object)]
    flat = [v for row in values for v in row if v is not None]
    counts_per_item = [sum(v is not None for v in row) for row in values]
    if frame.shape[1] < 2 or max(counts_per_item, default=0) < 2:
        raise DataError(t("calibration.two_raters"))
    codes, _ = pd.factorize(pd.Series(flat, dtype=object))
    size = int(codes.max()) + 1
    table = np.zeros((len(values), size))
    pos = 0
    for i, row in enumerate(values):
        k = counts_per_item[i]
        np.add.at(table[i], codes[pos:pos + k], 1.0)
        pos += k
    n_i = table.sum(axis=1)
    table = table[n_i >= 2]
    n_i = n_i[n_i >= 2]
    p_i = ((table ** 2).sum(axis=1) - n_i) / (n_i * (n_i - 1))
    p_bar = float(p_i.mean())
    p_j = table.sum(axis=0) / table.sum()
    p_e = float((p_j ** 2).sum())
    if p_e >= 1.0 - 1e-12:  # one category throughout: perfect agreement (0/0 otherwise)
        return 1.0
    return (p_bar - p_e) / (1.0 - p_e)


# --- the call sheet -------------------------------------------------------------------

def call_sheet(grid: pd.DataFrame, lang: str | None = None, calls: int = 5) -> pd.DataFrame:
    """The printable sheet a mystery caller fills in: one row per criterion, how to mark
    it, its weight, whether it is critical, and an empty column per call."""
    lang = lang or get_language()
    how = {"yes_no": t("audit.sheet.how_yes_no", lang), "scale": t("audit.sheet.how_scale", lang)}
    rows = []
    for g in grid.itertuples(index=False):
        mark = how.get(g.kind) or t("audit.sheet.how_number", lang, best=_num(g.best), worst=_num(g.worst))
        rows.append({t("audit.sheet.section", lang): t(f"audit.section.{g.section}", lang)
                     if f"audit.section.{g.section}" in _all_labels() else g.section,
                     t("audit.sheet.criterion", lang): getattr(g, f"label_{lang}"),
                     "id": g.criterion, t("audit.sheet.how", lang): mark,
                     t("audit.sheet.weight", lang): _num(g.weight),
                     t("audit.sheet.critical", lang): t("audit.yes", lang) if g.critical else ""})
    sheet = pd.DataFrame(rows)
    for i in range(1, calls + 1):
        sheet[t("audit.sheet.call", lang, i=i)] = ""
    return sheet


def entry_template(grid: pd.DataFrame) -> pd.DataFrame:
    """An empty campaign table with the columns :func:`load_calls` expects (to fill and import)."""
    return pd.DataFrame(columns=CALL_COLUMNS + ["ref_call", "comment"] + list(grid["criterion"]))


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _all_labels():
    from .i18n import labels as all_labels

    return all_labels()
