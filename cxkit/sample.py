"""The seeded generator of the shipped sample campaign (``data/sample_campaign.csv``).

The campaign is synthetic: 108 mystery calls over four weeks by three evaluators on the
four scenarios of ``data/scenarios.csv``, plus 12 of them scored a second time by another
evaluator for calibration (120 rows). A second scoring has its own ``call_id`` (the
first one's id with ``-B``) and names the call it scores again in ``ref_call``.

How the figures are drawn (all with one ``numpy.random.Generator``):

* each call has a hidden quality ``q = Beta(6.5, 2) − 0.02`` (most calls fair, some
  poor), a little better on the prospect scenario (sales lines are staffed better) and
  worse on complaints, and **the same from week to week**: the sample company's handling
  is flat, neither improving nor worsening (the story of ``data/README.md``);
* a yes/no criterion is met with probability ``q`` (0.85 + 0.15·q for the critical ones,
  so cut lines and unanswered questions happen but stay rare);
* a 0–4 scale is ``Binomial(4, q)``; the wait is ``20 + Exponential(40 + 140·(1 − q))``
  seconds; transfers are ``Poisson(1.6·(1 − q))`` capped at 4;
* "not applicable" where it must be: no hold → ``hold_explained`` empty; no transfer →
  ``transfer_explained`` empty;
* a second scoring copies the first and changes each yes/no with probability 0.12, each
  scale by ±1 with probability 0.3 and the wait by a few seconds.

The three evaluators share one model: none is harsher or kinder than the others. The
seed (:data:`SEED`) and the quality's parameters were picked among draws of this model
so that the campaign shows the sample company's share of badly handled calls (27 of the
108 calls not good: 25 %, the ``bad_call_rate`` of ``data/assumptions.csv``) and a gap
between evaluators that a χ² test across the three finds significant (p ≈ 0.045,
:func:`cxkit.audit.evaluator_test`): a false alarm by construction, the lesson on chance
of notebook 03. The evaluators are fictitious first names. Regenerate with
``make_sample_campaign().to_csv("data/sample_campaign.csv", index=False, lineterminator="\\n")``.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .audit import load_grid

EVALUATORS = ("Claire", "Mehdi", "Sophie")
SCENARIOS = ("prospect", "breakdown", "cancellation", "complaint")
SCENARIO_SHIFT = {"prospect": 0.08, "breakdown": 0.0, "cancellation": -0.03, "complaint": -0.08}
START = dt.date(2026, 9, 7)  # a Monday
WEEKS = 4
N_CALLS = 108
N_DOUBLE = 12
#: The seed of the shipped campaign (see the module's docstring for how it was chosen).
SEED = 78
#: The hidden quality: ``Beta(a, b) − QUALITY_OFFSET`` plus the scenario's shift.
QUALITY = (6.5, 2.0)
QUALITY_OFFSET = 0.02
#: A critical yes/no item is met with probability ``CRITICAL_FLOOR + (1 − CRITICAL_FLOOR)·q``.
CRITICAL_FLOOR = 0.85


def _yes_no(x: float) -> str:
    return "oui" if x >= 0.5 else "non"


def _one_call(rng: np.random.Generator, grid: pd.DataFrame, q: float) -> dict[str, str]:
    values: dict[str, str] = {}
    for g in grid.itertuples(index=False):
        if g.kind == "yes_no":
            p = CRITICAL_FLOOR + (1 - CRITICAL_FLOOR) * q if g.critical else q  # rare but real
            values[g.criterion] = _yes_no(float(rng.random() < p))
        elif g.kind == "scale":
            values[g.criterion] = str(int(rng.binomial(4, q)))
        elif g.criterion == "wait_seconds":
            values[g.criterion] = str(int(round(20 + rng.exponential(40 + 140 * (1 - q)))))
        else:
            values[g.criterion] = str(int(min(4, rng.poisson(1.6 * (1 - q)))))
    held = rng.random() < 0.6
    if "hold_explained" in values and not held:
        values["hold_explained"] = ""
    if "transfer_explained" in values and values.get("transfers") == "0":
        values["transfer_explained"] = ""
    return values


def _second_look(rng: np.random.Generator, grid: pd.DataFrame, first: dict[str, str]) -> dict[str, str]:
    values = dict(first)
    for g in grid.itertuples(index=False):
        v = first[g.criterion]
        if v == "":
            continue
        if g.kind == "yes_no" and rng.random() < 0.12:
            values[g.criterion] = "non" if v == "oui" else "oui"
        elif g.kind == "scale" and rng.random() < 0.3:
            values[g.criterion] = str(int(np.clip(int(v) + rng.choice((-1, 1)), 0, 4)))
        elif g.criterion == "wait_seconds":
            values[g.criterion] = str(max(0, int(v) + int(rng.integers(-5, 6))))
    return values


def make_sample_campaign(seed: int = SEED) -> pd.DataFrame:
    """The sample campaign as text cells, exactly as ``data/sample_campaign.csv`` holds it.

    Columns: ``call_id``, ``date`` (ISO), ``scenario``, ``evaluator``, ``ref_call``
    (empty, or the call a second scoring refers to), ``comment``, then one column per
    criterion of the shipped grid (``oui``/``non``, integers, empty = not applicable).
    """
    rng = np.random.default_rng(seed)
    grid = load_grid()
    rows = []
    for i in range(N_CALLS):
        day = START + dt.timedelta(days=int(rng.integers(0, 5)) + 7 * (i * WEEKS // N_CALLS))
        scenario = SCENARIOS[int(rng.integers(0, len(SCENARIOS)))]
        evaluator = EVALUATORS[i % len(EVALUATORS)]
        q = float(np.clip(rng.beta(*QUALITY) + SCENARIO_SHIFT[scenario] - QUALITY_OFFSET, 0.02, 0.98))
        rows.append({"call_id": f"C{i + 1:03d}", "date": day.isoformat(), "scenario": scenario,
                     "evaluator": evaluator, "ref_call": "", "comment": "", **_one_call(rng, grid, q)})
    doubles = np.sort(rng.choice(N_CALLS, size=N_DOUBLE, replace=False))
    for i in doubles:
        first = rows[int(i)]
        other = EVALUATORS[(EVALUATORS.index(first["evaluator"]) + 1) % len(EVALUATORS)]
        marks = _second_look(rng, grid, {c: first[c] for c in grid["criterion"]})
        rows.append({**first, "call_id": f"{first['call_id']}-B", "evaluator": other,
                     "ref_call": first["call_id"], **marks})
    return pd.DataFrame(rows).astype(str)
