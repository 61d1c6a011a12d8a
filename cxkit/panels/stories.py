"""Notebook 01's panels: replay a call step by step, and the anonymous self-assessment."""
from __future__ import annotations

import html
import uuid

import ipywidgets as widgets
import pandas as pd

from .. import stories, workshop
from ..i18n import fmt_number, fmt_percent, get_language, t
from ..store import Store
from . import live
from .base import ChartView, Status, guarded, styled


def step_card_html(steps: pd.DataFrame, index: int) -> str:
    """The card for one step of a replayed call: who answers, what they say, the clock,
    and whether the caller exists, with why."""
    row = steps.iloc[index]
    exists = bool(row["exists"])
    colour = "#2a9d8f" if exists else "#e76f51"
    badge = t("stories.exists_yes") if exists else t("stories.exists_no")
    parts = [
        f"<div class='cxkit-step-head' style='color:#555'>{html.escape(t('stories.step_of', step=index + 1, n=len(steps)))}"
        f" · {html.escape(t('stories.elapsed', time=stories.clock(row['elapsed'])))}</div>",
        f"<div><b>{html.escape(t('stories.who_answers'))}&nbsp;:</b> {html.escape(t('stories.who.' + row['who']))}</div>"
        if get_language() == "fr" else
        f"<div><b>{html.escape(t('stories.who_answers'))}:</b> {html.escape(t('stories.who.' + row['who']))}</div>",
        f"<blockquote class='cxkit-says' style='margin:6px 0;padding:4px 10px;border-left:4px solid #ccc'>"
        f"{html.escape(row['says'])}</blockquote>",
        f"<div class='cxkit-exists' style='color:{colour};font-weight:bold'>{'✔' if exists else '✘'} "
        f"{html.escape(badge)}</div><div class='cxkit-why'>{html.escape(row['why'])}</div>",
    ]
    if index == len(steps) - 1:
        total = float(steps["seconds"].sum())
        share = float(steps.loc[steps["exists"], "seconds"].sum() / total) if total else 0.0
        parts.append(f"<p class='cxkit-story-end' style='margin-top:8px'><i>"
                     f"{html.escape(t('stories.end', time=stories.clock(total), share=fmt_percent(share)))}</i></p>")
    return "".join(parts)


def replay_panel(story: str = "poor") -> widgets.VBox:
    """Replay a call: choose a story, press Next/Previous to move through its steps.

    Shows who answers, what they say, the time since the first ring, whether the caller
    exists and why, and the call's time line with the steps played so far.
    """
    data = stories.load_stories()
    choice = styled(widgets.ToggleButtons(
        options=[(t(f"stories.story.{s}"), s) for s in stories.STORIES], value=story,
        description=t("stories.choose")), "cxkit-story-choice")
    prev = styled(widgets.Button(description=t("stories.previous")), "cxkit-step-prev")
    nxt = styled(widgets.Button(description=t("stories.next"), button_style="primary"), "cxkit-step-next")
    card = styled(widgets.HTML(), "cxkit-step-card")
    chart = ChartView()
    status = Status()
    state = {"steps": None, "index": 0}

    def draw():
        steps, i = state["steps"], state["index"]
        card.value = step_card_html(steps, i)
        prev.disabled, nxt.disabled = i == 0, i == len(steps) - 1
        chart.draw("stories.timeline_chart", steps.assign(story=choice.value),
                   upto=int(steps.iloc[i]["step"]), title="")

    @guarded(status)
    def on_story(change=None):
        state["steps"], state["index"] = stories.story_steps(data, choice.value), 0
        draw()

    @guarded(status)
    def on_move(button):
        step = 1 if button is nxt else -1
        state["index"] = min(max(state["index"] + step, 0), len(state["steps"]) - 1)
        draw()

    choice.observe(on_story, names="value")
    prev.on_click(on_move)
    nxt.on_click(on_move)
    on_story()
    return widgets.VBox([choice, widgets.HBox([prev, nxt]), card, chart, status])


#: The key the trainer reveals (:func:`cxkit.workshop.reveal`) to show the room's
#: self-assessment on every page of notebook 01, even to those who have not saved.
ROOM_RESULT = "01.room"


def assessment_panel(store: Store | None = None, start: int = 2) -> widgets.VBox:
    """The self-assessment form: one 0–4 slider per question, a Save button, and a chart
    of the participant's answers against the three stories and the room's average.

    Saving stores one anonymous record per participant (a random id kept by this page;
    saving again replaces the earlier answers in the room's average). Once the participant
    saved, or once the trainer revealed the room's answers (:data:`ROOM_RESULT`), the
    room's average follows the room by itself (:func:`cxkit.panels.live.subscribe`); the
    Refresh button stays as a fallback. While the trainer has locked the forms
    (:func:`cxkit.workshop.forms_locked`) nothing is saved and a sentence says why.
    """
    questions = stories.load_questions()
    lang = get_language()
    participant = uuid.uuid4().hex
    sliders = {q: styled(widgets.IntSlider(value=start, min=stories.SCALE_MIN, max=stories.SCALE_MAX,
                                           layout=widgets.Layout(width="260px")), f"cxkit-q-{q}")
               for q in questions.index}
    rows = [widgets.HBox([widgets.HTML(html.escape(questions.loc[q, f"label_{lang}"]),
                                       layout=widgets.Layout(width="520px")), sliders[q]])
            for q in questions.index]
    save = styled(widgets.Button(description=t("stories.save"), button_style="primary",
                                 layout=widgets.Layout(width="auto")), "cxkit-assess-save")
    refresh = styled(widgets.Button(description=t("stories.refresh"), layout=widgets.Layout(width="auto")),
                     "cxkit-assess-refresh")
    room_line = styled(widgets.HTML(), "cxkit-room")
    status = Status()

    def answers():
        return {q: s.value for q, s in sliders.items()}

    def room():
        # a participant none of whose answers is a number on the scale (an old store may
        # hold such rows) is not counted: the room's average is never NaN
        return stories.room_answers((store or workshop.store()).answers(stories.KIND), questions).dropna(how="all")

    def room_text(frame):
        info = stories.room_summary(frame)
        if info["n"] == 0:
            return t("stories.room_empty")
        return t("stories.room_count", n=info["n"], mean=fmt_number(info["mean"], 1))

    chart = ChartView()
    chart.draw("stories.assessment_chart", stories.comparison(questions, answers()), questions)

    def redraw(frame=None):
        chart.draw("stories.assessment_chart", stories.comparison(questions, answers(), frame), questions)
        if frame is not None:
            room_line.value = html.escape(room_text(frame))

    @guarded(status)
    def on_slide(change):
        redraw()

    saved = []
    locked_note = styled(widgets.HTML(), "cxkit-forms-locked")

    def on_room_change():
        locked = workshop.forms_locked(store)
        save.disabled = locked
        locked_note.value = (f"<div style='color:#e76f51'>{html.escape(t('room.forms_locked'))}</div>"
                             if locked else "")
        if saved or ROOM_RESULT in workshop.revealed(store):
            redraw(room())

    @guarded(status)
    def on_save(button):
        if workshop.forms_locked(store):  # the trainer closed the forms since the page drew
            save.disabled = True
            return status.error(t("room.forms_locked"))
        record = stories.assessment_record(answers(), questions)
        record["participant"] = participant
        (store or workshop.store()).add_answer(stories.KIND, record)
        saved.append(True)
        frame = room()
        redraw(frame)
        closest = t(f"stories.story.{stories.closest_story(answers(), questions)}")
        status.ok(t("stories.saved", story=closest, n=len(frame)))

    @guarded(status)
    def on_refresh(button):
        redraw(room())

    for s in sliders.values():
        s.observe(on_slide, names="value")
    save.on_click(on_save)
    refresh.on_click(on_refresh)
    live.subscribe(guarded(status)(on_room_change))
    help_text = widgets.HTML(f"<p>{html.escape(t('stories.scale_help'))}</p>")
    return widgets.VBox([help_text, *rows, widgets.HBox([save, refresh]), locked_note, status, room_line, chart])
