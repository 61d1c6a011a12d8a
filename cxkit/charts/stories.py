"""Charts for notebook 01: the calls on a time line, and the self-assessment compared."""
from __future__ import annotations

import pandas as pd

from ..i18n import t
from . import COLORS, decorate
from ._alt import alt

SERIES_COLORS = {"poor": COLORS["bad"], "average": COLORS["warn"], "excellent": COLORS["good"],
                 "you": COLORS["accent"], "room": "#6d597a"}


def _series_label(series: str, lang: str | None = None) -> str:
    key = f"stories.story.{series}" if series in ("poor", "average", "excellent") else f"stories.series.{series}"
    return t(key, lang)


def timeline_chart(data: pd.DataFrame, *, title: str | None = None, upto: int | None = None,
                   width: int | None = None) -> alt.Chart:
    """Each call as a bar along time, one segment per step, coloured by whether the
    caller exists.

    Parameters
    ----------
    data : DataFrame
        ``story, step, start, elapsed, exists`` (from ``cxkit.stories.story_steps`` with
        a ``story`` column, or the concatenation of several stories).
    upto : int, optional
        Steps after this one are drawn as "not yet played" (for the replay).
    """
    frame = data.copy()
    yes, no, later = t("stories.yes"), t("stories.no"), t("stories.not_yet")
    frame["status"] = frame["exists"].map({True: yes, False: no})
    if upto is not None:
        frame.loc[frame["step"] > upto, "status"] = later
    frame["call"] = frame["story"].map(_series_label)
    order = [_series_label(s) for s in ("poor", "average", "excellent") if s in set(frame["story"])]
    y = alt.Y("call:N", title=None, sort=order, axis=alt.Axis(labelLimit=200))
    base = alt.Chart(frame)
    bars = base.mark_bar(height=28, stroke="white", strokeWidth=1.5).encode(
        x=alt.X("start:Q", title=t("stories.axis_seconds")), x2="elapsed:Q", y=y,
        color=alt.Color("status:N", title=t("stories.legend_exists"),
                        scale=alt.Scale(domain=[yes, no, later][: 3 if upto is not None else 2],
                                        range=[COLORS["good"], COLORS["bad"], "#dddddd"][: 3 if upto is not None else 2]),
                        legend=alt.Legend(orient="bottom")),
    )
    labels = base.transform_calculate(mid="(datum.start + datum.elapsed) / 2").mark_text(
        color="white", fontWeight="bold", fontSize=12).encode(
        x="mid:Q", y=y, text=alt.Text("step:Q"))
    height = 44 * len(order) + 10
    return decorate(alt.layer(bars, labels), title=title if title is not None else t("stories.timeline_title"),
                    width=width, height=height)


def assessment_chart(data: pd.DataFrame, questions: pd.DataFrame, *, title: str | None = None,
                     lang: str | None = None) -> alt.Chart:
    """Answers on the 0–4 scale, one line per question, one dot per series (the three
    stories, the participant, the room's average).

    ``data`` is ``cxkit.stories.comparison(...)``: ``question, series, score``.
    """
    frame = data.dropna(subset=["score"]).copy()
    label_col = f"label_{lang}" if lang else None
    from ..i18n import get_language

    label_col = label_col or f"label_{get_language()}"
    frame["label"] = frame["question"].map(questions[label_col])
    present = [s for s in SERIES_COLORS if s in set(frame["series"])]
    frame["who"] = frame["series"].map(lambda s: _series_label(s, lang))
    domain = [_series_label(s, lang) for s in present]
    rng = [SERIES_COLORS[s] for s in present]
    big = {_series_label(s, lang): (220 if s in ("you", "room") else 110) for s in present}
    frame["size"] = frame["who"].map(big)
    order = [questions.loc[q, label_col] for q in questions.index]
    y = alt.Y("label:N", title=None, sort=order,
              axis=alt.Axis(labelLimit=560, labelFontSize=11))
    base = alt.Chart(frame)
    rules = base.mark_rule(color="#cccccc").encode(
        y=y, x=alt.X("min(score):Q"), x2="max(score):Q")
    dots = base.mark_point(filled=True, opacity=0.9).encode(
        y=y, yOffset=alt.YOffset("who:N", sort=domain, scale=alt.Scale(paddingOuter=0.6)),
        x=alt.X("score:Q", title=t("stories.axis_score", lang), scale=alt.Scale(domain=[0, 4]),
                axis=alt.Axis(values=[0, 1, 2, 3, 4], format="d")),
        color=alt.Color("who:N", title=t("stories.legend_series", lang),
                        scale=alt.Scale(domain=domain, range=rng), sort=domain,
                        legend=alt.Legend(orient="bottom", columns=3)),
        shape=alt.Shape("who:N", scale=alt.Scale(domain=domain), sort=domain, legend=None),
        size=alt.Size("size:Q", legend=None, scale=None),
    )
    return decorate(alt.layer(rules, dots), title=title if title is not None else t("stories.assess_title", lang),
                    width=280, height=40 * len(order))
