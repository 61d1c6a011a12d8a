"""The closing round (notebook 08): each participant writes a three-line action plan
(what to measure, by when, who), the app keeps it in the room's store (answers of kind
``"action_plan"``) and the room's plans are listed under the form and in the report.

Plans are participants' text: escaped wherever they go into HTML, never rendered as HTML.
"""
from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from .. import calibration, workshop
from ..errors import DataError
from ..i18n import get_language, t
from . import live
from .base import INVALID_CSS, Status, card, guarded, mark_invalid, plain, styled

#: The form's fields in order: the participant's name, then the plan's three lines.
FIELDS = ("name", *calibration.PLAN_FIELDS)


def plans_html(plans: pd.DataFrame, lang: str | None = None) -> str:
    """The room's plans (:func:`cxkit.calibration.room_plans`) as an HTML table, every
    cell escaped; one sentence when there are none."""
    lang = lang or get_language()
    esc = html.escape
    if plans is None or plans.empty:
        return f"<p>{esc(t('calibration.plan.room_empty', lang))}</p>"
    table = calibration.plans_table(plans, lang)
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{esc(str(c))}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td style='padding:2px 8px;vertical-align:top'>{esc(plain(v, 300))}</td>"
                                    for v in row) + "</tr>" for row in table.itertuples(index=False))
    return (f"<p>{esc(t('calibration.plan.count', lang, n=len(plans)))}</p>"
            f"<table class='cxkit-plan-table' style='border-collapse:collapse'><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def room_plans(store=None) -> pd.DataFrame:
    """The room's plans as :func:`cxkit.calibration.room_plans` reads them from the store."""
    return calibration.room_plans((store or workshop.store()).answers(workshop.ACTION_PLAN))


def plan_panel(store=None) -> widgets.VBox:
    """The three-line form and the room's plans, which redraw by themselves when anyone
    saves one. A refused field is framed in red and named under the form (empty, a
    control character, too long: :func:`cxkit.calibration.plan_record`); nothing is
    saved while the trainer has locked the forms."""
    wide = widgets.Layout(width="560px")
    style = {"description_width": "130px"}
    fields = {name: styled(widgets.Text(description=t(f"calibration.plan.{name}"), layout=wide, style=style),
                           f"cxkit-plan-{name}") for name in FIELDS}
    errors = {name: styled(Status(), f"cxkit-plan-error-{name}") for name in FIELDS}
    save = styled(widgets.Button(description=t("calibration.plan.save"), button_style="primary", icon="check",
                                 layout=widgets.Layout(width="auto")), "cxkit-plan-save")
    status = styled(Status(), "cxkit-plan-status")
    listing = styled(widgets.HTML(), "cxkit-plan-list")

    def the_store():
        return store or workshop.store()

    def redraw():
        listing.value = (f"<h4 style='margin:8px 0 4px'>{html.escape(t('calibration.plan.room_title'))}</h4>"
                         + plans_html(room_plans(the_store())))

    @guarded(status)
    def on_save(_button):
        for name in FIELDS:
            errors[name].clear()
            mark_invalid(fields[name], False)
        status.clear()
        s = the_store()
        if workshop.forms_locked(s):
            return status.error(t("calibration.locked"))
        try:
            record = calibration.plan_record(*(fields[n].value for n in calibration.PLAN_FIELDS),
                                             name=fields["name"].value)
        except DataError as exc:
            if exc.column in errors:
                errors[exc.column].error(exc.problem)
                mark_invalid(fields[exc.column])
                return status.error(t("calibration.not_saved", field=t(f"calibration.plan.{exc.column}")))
            raise
        s.add_answer(workshop.ACTION_PLAN, record)
        for name in calibration.PLAN_FIELDS:
            fields[name].value = ""
        status.ok(t("calibration.plan.saved", name=plain(record["name"], 40)))
        redraw()

    save.on_click(on_save)
    live.subscribe(guarded(status)(redraw))
    return card(t("calibration.plan.title"), widgets.HTML(INVALID_CSS),
                widgets.HTML(f"<p>{html.escape(t('calibration.plan.intro'))}</p>"),
                *(widgets.HBox([fields[n], errors[n]]) for n in FIELDS), widgets.HBox([save, status]), listing)
