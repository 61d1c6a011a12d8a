"""Issue 19: score_calls reads the calls column by column, with the same numbers to the
last bit as the matrix method it replaced (criterion_marks, then _weighted_means)."""
import numpy as np
import pandas as pd

from cxkit import audit


def _matrix_scores(calls, grid):
    """The previous implementation of score_calls' figures, kept as the reference."""
    marks = audit.criterion_marks(calls, grid)
    weights = grid["weight"].to_numpy(np.float64)
    names = audit.sections(grid)
    section_of = grid["section"].to_numpy()
    matrix = np.column_stack([weights] + [np.where(section_of == s, weights, 0.0) for s in names]
                             + [np.ones_like(weights)])
    scores, totals = audit._weighted_means(marks, matrix)
    failed = (marks[:, grid["critical"].to_numpy(bool)] == 0.0).any(axis=1)
    return scores, totals, failed, names


def test_column_wise_scores_equal_the_matrix_method_bit_for_bit():
    """score_calls: score, sections, critical_failed, good and applicable identical (bitwise,
    NaN where a section has no applicable criterion) to the matrix method on 5,000 random
    calls with 20 % not applicable, marks beyond best/worst and critical criteria"""
    rng = np.random.default_rng(7)
    kinds = ["yes_no", "scale", "number"] * 4
    grid = pd.DataFrame({"criterion": [f"c{i}" for i in range(12)], "section": [f"s{i % 5}" for i in range(12)],
                         "label_fr": "x", "label_en": "x", "kind": kinds,
                         "weight": rng.uniform(0.1, 3, 12).round(2), "critical": [i % 4 == 0 for i in range(12)],
                         "best": [{"yes_no": 1.0, "scale": 4.0, "number": 30.0}[k] for k in kinds],
                         "worst": [{"yes_no": 0.0, "scale": 0.0, "number": 180.0}[k] for k in kinds]})
    values = np.column_stack([{"yes_no": lambda: rng.integers(0, 2, 5000).astype(float),
                               "scale": lambda: rng.integers(-1, 6, 5000).astype(float),
                               "number": lambda: rng.exponential(90, 5000)}[k]() for k in kinds])
    values[rng.random(values.shape) < 0.2] = np.nan
    values[:, 0] = np.where(np.isnan(values[:, 0]), 1.0, values[:, 0])  # every call has one that applies
    calls = pd.DataFrame(values, columns=grid["criterion"]).assign(call_id=np.arange(5000))
    scored = audit.score_calls(calls, grid)
    scores, totals, failed, names = _matrix_scores(calls, grid)
    assert np.array_equal(scored["score"].to_numpy(), scores[:, 0])
    for i, section in enumerate(names):
        assert np.array_equal(scored[section].to_numpy(), scores[:, i + 1], equal_nan=True)
    assert np.array_equal(scored["critical_failed"].to_numpy(), failed)
    assert np.array_equal(scored["applicable"].to_numpy(), np.rint(totals[:, -1]).astype(np.int64))
    good = (scores[:, 0] >= audit.GOOD_THRESHOLD - audit.SCORE_TOLERANCE) & ~failed
    assert np.array_equal(scored["good"].to_numpy(), good)
    assert values[0, 1] == calls["c1"].iloc[0] or np.isnan(values[0, 1])  # the table is left untouched
