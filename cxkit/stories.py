"""The customer is a human: three enquiry calls replayed step by step, and a self-assessment.

A caller "exists" at a step when someone listens to them, calls them by name or deals
with their real need (after the first source article: the customer's first need is to
exist for the company; X. Coquelle, *Le client mal aimé*, 2003). The shipped stories
(``data/call_stories.csv``) were written for this workbook: a poor, an average and an
excellent handling of the same question. The self-assessment (``data/self_assessment.csv``)
asks a handful of questions on a 0–4 scale and gives each story's score on each.

Everything here is pure pandas: loaders validate the files, the other functions compute.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError
from .i18n import get_language, t
from .io import check_unique, parse_bool, parse_number, read_table, require_columns

DATA = Path(__file__).resolve().parent.parent / "data"
STORIES = ("poor", "average", "excellent")
STORY_COLUMNS = ("story", "step", "who", "says_fr", "says_en", "seconds", "exists", "why_fr", "why_en")
QUESTION_COLUMNS = ("question", "label_fr", "label_en", *STORIES)
#: The self-assessment scale: 0 = never … 4 = always.
SCALE_MIN, SCALE_MAX = 0, 4
KIND = "self_assessment"


def load_stories(source=None) -> pd.DataFrame:
    """The call stories, one row per step, in story then step order.

    Parameters
    ----------
    source : path, bytes, file-like or DataFrame, optional
        Default: the shipped ``data/call_stories.csv``.

    Returns
    -------
    DataFrame
        Columns ``story, step (int), who, says_fr, says_en, seconds (float, ≥ 0),
        exists (bool), why_fr, why_en``; the row index is the spreadsheet row.

    Raises
    ------
    DataError
        A missing column, a step that is not a whole number ≥ 1 or appears twice in a
        story, negative seconds, an ``exists`` that is not yes/no, an empty text.
    """
    frame = read_table(DATA / "call_stories.csv" if source is None else source)
    require_columns(frame, STORY_COLUMNS)
    out = frame.loc[:, list(STORY_COLUMNS)].copy()
    steps = parse_number(frame, "step", minimum=1)
    if not (steps == np.floor(steps)).all():
        row = (steps != np.floor(steps)).idxmax()
        raise DataError(t("stories.step_whole", value=frame.loc[row, "step"]),
                        file=frame.attrs.get("source"), row=row, column="step")
    out["step"] = steps.astype(int)
    out["seconds"] = parse_number(frame, "seconds", minimum=0)
    out["exists"] = parse_bool(frame, "exists").astype(bool)
    for col in ("story", "who", "says_fr", "says_en", "why_fr", "why_en"):
        empty = out[col].isna()
        if empty.any():
            raise DataError(t("io.required"), file=frame.attrs.get("source"), row=empty.idxmax(), column=col)
    dup = out.duplicated(["story", "step"], keep="first")
    if dup.any():
        row = dup.idxmax()
        raise DataError(t("stories.duplicate_step", story=out.loc[row, "story"], step=out.loc[row, "step"]),
                        file=frame.attrs.get("source"), row=row, column="step")
    out.attrs = frame.attrs
    order = {s: i for i, s in enumerate(STORIES)}
    return out.sort_values(["story", "step"], key=lambda c: c.map(order).fillna(len(order))
                           if c.name == "story" else c, kind="stable")


def load_questions(source=None) -> pd.DataFrame:
    """The self-assessment questions with each story's score, indexed by ``question``.

    Columns ``label_fr, label_en, poor, average, excellent``; the scores are whole
    numbers on the 0–4 scale (0 = never, 4 = always). Raises ``DataError`` on a missing
    column, a duplicate question id or a score outside 0–4.
    """
    frame = read_table(DATA / "self_assessment.csv" if source is None else source)
    require_columns(frame, QUESTION_COLUMNS)
    check_unique(frame, "question")
    out = frame.loc[:, list(QUESTION_COLUMNS)].copy()
    for story in STORIES:
        out[story] = parse_number(frame, story, minimum=SCALE_MIN, maximum=SCALE_MAX)
    out.attrs = frame.attrs
    return out.set_index("question")


def story_steps(stories: pd.DataFrame, story: str, lang: str | None = None) -> pd.DataFrame:
    """One story's steps with the clock: ``start`` and ``elapsed`` in seconds.

    ``start`` is when the step begins (the sum of the previous steps' ``seconds``) and
    ``elapsed = start + seconds`` when it ends, counted from the first ring. ``says``
    and ``why`` are the texts in ``lang`` (default: the current language).
    """
    lang = lang or get_language()
    steps = stories[stories["story"] == story].sort_values("step")
    if steps.empty:
        raise DataError(t("stories.unknown_story", story=story))
    elapsed = steps["seconds"].cumsum()
    return pd.DataFrame({
        "step": steps["step"].to_numpy(), "who": steps["who"].to_numpy(),
        "says": steps[f"says_{lang}"].to_numpy(), "why": steps[f"why_{lang}"].to_numpy(),
        "seconds": steps["seconds"].to_numpy(), "start": (elapsed - steps["seconds"]).to_numpy(),
        "elapsed": elapsed.to_numpy(), "exists": steps["exists"].to_numpy(),
    })


def all_steps(stories: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """Every story's steps with the clock (:func:`story_steps`), with a ``story`` column."""
    present = [s for s in STORIES if s in set(stories["story"])]
    present += [s for s in dict.fromkeys(stories["story"]) if s not in STORIES]
    return pd.concat([story_steps(stories, s, lang).assign(story=s) for s in present], ignore_index=True)


def story_summary(stories: pd.DataFrame) -> pd.DataFrame:
    """For each story: how long the call lasts and how much of it the caller exists.

    Returns a DataFrame indexed by story with

    - ``steps``: number of steps;
    - ``duration_s``: total length of the call, seconds (Σ seconds);
    - ``exists_s``: seconds during which the caller exists (Σ seconds · exists);
    - ``exists_share``: ``exists_s / duration_s`` (0 when the call lasts 0 s);
    - ``first_exists_s``: seconds from the first ring to the start of the first step
      where the caller exists (NaN when they never do).
    """
    rows = {}
    for story, steps in stories.groupby("story", sort=False):
        steps = steps.sort_values("step")
        seconds = steps["seconds"].to_numpy(dtype=float)
        exists = steps["exists"].to_numpy(dtype=bool)
        duration = seconds.sum()
        start = np.concatenate([[0.0], np.cumsum(seconds)[:-1]])
        rows[story] = {
            "steps": len(steps), "duration_s": duration, "exists_s": seconds[exists].sum(),
            "exists_share": seconds[exists].sum() / duration if duration > 0 else 0.0,
            "first_exists_s": start[exists][0] if exists.any() else np.nan,
        }
    summary = pd.DataFrame.from_dict(rows, orient="index")
    summary.index.name = "story"
    return summary.astype({"steps": int})


def clock(seconds: float, lang: str | None = None) -> str:
    """A duration as people say it: ``400`` → ``6 min 40 s``; ``35`` → ``35 s``; NaN → ``—``."""
    if seconds is None or seconds != seconds:
        return "—"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}\u00a0min\u00a0{secs:02d}\u00a0s" if minutes else f"{secs}\u00a0s"


def summary_table(summary: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """:func:`story_summary` for reading: stories and columns named in ``lang``, durations
    as minutes and seconds, the share as a percentage."""
    from .i18n import fmt_percent

    rows = {
        t("stories.col.steps", lang): summary["steps"].astype(int).to_numpy(),
        t("stories.col.duration", lang): [clock(x) for x in summary["duration_s"]],
        t("stories.col.exists", lang): [clock(x) for x in summary["exists_s"]],
        t("stories.col.share", lang): [fmt_percent(x, 0, lang) for x in summary["exists_share"]],
        t("stories.col.first", lang): [clock(x) if x == x else t("stories.never", lang)
                                        for x in summary["first_exists_s"]],
    }
    index = pd.Index([t(f"stories.story.{s}", lang) for s in summary.index], name=t("stories.axis_story", lang))
    return pd.DataFrame(rows, index=index)


def assessment_record(answers: Mapping[str, float], questions: pd.DataFrame) -> dict:
    """Check one participant's answers and return the record to store (anonymous).

    Every question of ``questions`` needs a whole number between 0 and 4; unknown
    question ids are refused. The record holds the answers only, plus ``lang``; no name.

    Raises
    ------
    DataError
        A question left out, an unknown question, a value that is not a whole number in 0–4.
    """
    unknown = sorted(set(answers) - set(questions.index))
    if unknown:
        raise DataError(t("stories.unknown_question", question=unknown[0]))
    record: dict = {}
    for question in questions.index:
        if question not in answers or answers[question] is None:
            raise DataError(t("stories.missing_answer", question=question))
        value = answers[question]
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise DataError(t("stories.bad_answer", question=question, value=value)) from None
        if not (SCALE_MIN <= number <= SCALE_MAX) or number != int(number):
            raise DataError(t("stories.bad_answer", question=question, value=value))
        record[question] = int(number)
    record["lang"] = get_language()
    return record


def room_answers(answers: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """The room's answers, one row per participant, keeping each participant's latest.

    ``answers`` is ``Store().answers("self_assessment")`` (oldest first). Rows with a
    ``participant`` id seen again later are replaced by the later one; rows without an
    id count once each. Values outside 0–4 or not numbers become NaN (ignored).
    """
    cols = list(questions.index)
    if answers is None or answers.empty:
        return pd.DataFrame(columns=cols, dtype=float)
    frame = answers.copy()
    if "participant" in frame.columns:
        has_id = frame["participant"].notna()
        frame = pd.concat([frame[has_id].drop_duplicates("participant", keep="last"), frame[~has_id]])
        frame = frame.sort_index()
    frame = frame.reindex(columns=cols)
    values = frame.apply(pd.to_numeric, errors="coerce").astype(float)
    return values.where((values >= SCALE_MIN) & (values <= SCALE_MAX)).reset_index(drop=True)


def comparison(questions: pd.DataFrame, mine: Mapping[str, float] | None = None,
               room: pd.DataFrame | None = None) -> pd.DataFrame:
    """A tidy table to compare answers: ``question, series, score``.

    ``series`` is each story (``poor``, ``average``, ``excellent``), then ``you`` when
    ``mine`` is given, then ``room`` (the mean of each question over the participants,
    NaN answers ignored) when ``room`` has at least one row.
    """
    parts = [pd.DataFrame({"question": questions.index, "series": story,
                           "score": questions[story].to_numpy(dtype=float)}) for story in STORIES]
    if mine is not None:
        parts.append(pd.DataFrame({"question": questions.index, "series": "you",
                                   "score": [float(mine[q]) for q in questions.index]}))
    if room is not None and len(room):
        means = room.reindex(columns=questions.index).mean(skipna=True)
        parts.append(pd.DataFrame({"question": questions.index, "series": "room",
                                   "score": means.to_numpy(dtype=float)}))
    return pd.concat(parts, ignore_index=True)


def closest_story(mine: Mapping[str, float], questions: pd.DataFrame) -> str:
    """The story whose scores are nearest to ``mine`` (least sum of absolute differences;
    ties go to the poorer story)."""
    values = np.array([float(mine[q]) for q in questions.index])
    distances = {s: np.abs(questions[s].to_numpy(dtype=float) - values).sum() for s in STORIES}
    return min(STORIES, key=lambda s: distances[s])


def room_summary(room: pd.DataFrame) -> dict:
    """How many participants answered and the room's overall mean on the 0–4 scale."""
    if room is None or room.empty:
        return {"n": 0, "mean": float("nan")}
    return {"n": int(len(room)), "mean": float(np.nanmean(room.to_numpy(dtype=float)))}
