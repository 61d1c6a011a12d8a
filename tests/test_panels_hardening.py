"""Issue 13 in the participant-facing panels: hostile text, files and values stay contained.

Notebook 03's form names and marks a refused field, refuses a date that does not exist,
never shows typed text as HTML; imports say what was cleaned and are labelled by file and
time; the trainer removes a call or an import after a confirmation; amounts and figures
stay finite (no "∞ customers", no "NaN").
"""
from __future__ import annotations

import datetime as dt
import re

import ipywidgets as widgets
import pytest

from cxkit import i18n
from cxkit.i18n import fmt_money, fmt_number, fmt_percent, parse_amount

HOSTILE = "<img src=x onerror=alert(1)><b>Eve</b>"


# --- helpers ----------------------------------------------------------------------------

def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _find(root, css):
    for widget in _walk(root):
        if css in getattr(widget, "_dom_classes", ()):
            return widget
    raise LookupError(css)


def _html(*roots) -> str:
    """Every HTML the panels put in the page, charts left out (their SVG is the engine's)."""
    return "\n".join(w.value for root in roots for w in _walk(root)
                     if isinstance(w, widgets.HTML) and "cxkit-chart" not in w._dom_classes)


def _upload(panel, name: str, data: bytes) -> None:
    upload = _find(panel, "cxkit-audit-upload")
    upload.value = ({"name": name, "type": "text/csv", "size": len(data), "content": memoryview(data),
                     "last_modified": dt.datetime(2026, 1, 1)},)


def _campaign(rows: int = 5, **cells) -> bytes:
    import pandas as pd

    from cxkit import audit

    frame = pd.read_csv(audit.DATA / "sample_campaign.csv", dtype=str, keep_default_na=False).head(rows)
    for (row, column), value in cells.get("at", {}).items():
        frame.loc[row, column] = value
    return frame.to_csv(index=False).encode("utf-8")


@pytest.fixture
def room(tmp_path, monkeypatch):
    """An empty workshop store that every panel of the test uses."""
    monkeypatch.setenv("CXKIT_DB", str(tmp_path / "room.sqlite"))
    from cxkit.store import Store

    return Store()


def _fill_valid(form, who="Ann"):
    _find(form, "cxkit-audit-evaluator").value = who
    _find(form, "cxkit-field-wait_seconds").value = "40"
    _find(form, "cxkit-field-line_kept").value = "oui"


# --- 1. the form --------------------------------------------------------------------------

@pytest.mark.parametrize("lang, name", [("en", "Evaluator"), ("fr", "Évaluateur")])
def test_form_refuses_a_control_character_naming_and_marking_the_field(room, lang, name):
    """03 form: 'Eve' + BEL is refused beside the evaluator field, framed red, named in the
    participant's language; nothing is stored"""
    import cxkit as cx

    i18n.set_language(lang)
    form = cx.panels.audit.session("store").form_panel()
    _fill_valid(form, "Eve\x07")
    _find(form, "cxkit-audit-submit").click()
    box = _find(form, "cxkit-field-error-evaluator")
    assert "cxkit-error" in box.value and "U+0007" in box.value
    assert "cxkit-invalid" in _find(form, "cxkit-audit-evaluator")._dom_classes
    assert name in _find(form, "cxkit-audit-form-status").value
    assert room.calls().empty
    _find(form, "cxkit-audit-evaluator").value = "Eve"  # corrected: the mark goes, the call is saved
    _find(form, "cxkit-audit-submit").click()
    assert "cxkit-invalid" not in _find(form, "cxkit-audit-evaluator")._dom_classes
    assert _find(form, "cxkit-field-error-evaluator").value == ""
    assert room.calls()["evaluator"].tolist() == ["Eve"]


def test_form_marks_a_future_date_and_refuses_a_day_that_does_not_exist(room):
    """03 form: a future date turns the date field red with its sentence; a date the browser
    could not read (31/02 arrives as no date) is refused, never saved as today"""
    import cxkit as cx

    form = cx.panels.audit.session("store").form_panel()
    day, box = _find(form, "cxkit-audit-date"), _find(form, "cxkit-field-error-date")
    assert day.value == dt.date.today()
    assert any(box in w.children for w in _walk(form) if isinstance(w, widgets.HBox))  # placed in the form
    _fill_valid(form)
    day.value = dt.date.today() + dt.timedelta(days=3)
    _find(form, "cxkit-audit-submit").click()
    assert "after today" in box.value and "cxkit-invalid" in day._dom_classes
    assert "'Date'" in _find(form, "cxkit-audit-form-status").value.replace("&#x27;", "'")
    day.value = None
    _find(form, "cxkit-audit-submit").click()
    assert "does not exist" in box.value and "cxkit-invalid" in day._dom_classes
    day.value = dt.date(1, 1, 1)  # year 0001
    _find(form, "cxkit-audit-submit").click()
    assert "1990" in box.value and "cxkit-invalid" in day._dom_classes
    assert room.calls().empty
    day.value = dt.date(2026, 2, 28) if dt.date.today() >= dt.date(2026, 2, 28) else dt.date(2025, 2, 28)
    _find(form, "cxkit-audit-submit").click()
    assert room.calls()["date"].tolist() == [day.value.isoformat()]


def test_form_marks_an_overlong_comment(room):
    """03 form: a comment over the length cap is refused beside the comment box, named"""
    import cxkit as cx

    form = cx.panels.audit.session("store").form_panel()
    _fill_valid(form)
    _find(form, "cxkit-audit-comment").value = "x" * 5000
    _find(form, "cxkit-audit-submit").click()
    assert "cxkit-error" in _find(form, "cxkit-field-error-comment").value
    assert "cxkit-invalid" in _find(form, "cxkit-audit-comment")._dom_classes
    assert "'Comment'" in _find(form, "cxkit-audit-form-status").value.replace("&#x27;", "'")
    assert room.calls().empty


def test_typed_text_is_never_html_in_any_panel(room):
    """03: an evaluator name and a comment written as HTML are shown as text everywhere
    (form, results, calibration, the trainer's lists), never as markup"""
    import cxkit as cx

    session = cx.panels.audit.session("store")
    form = session.form_panel()
    _fill_valid(form, HOSTILE)
    _find(form, "cxkit-audit-comment").value = "</textarea><script>alert(1)</script>"
    _find(form, "cxkit-audit-submit").click()
    assert room.calls()["evaluator"].tolist() == [HOSTILE]
    source, results, kappa = session.source_panel(), session.results_panel(), session.calibration_panel()
    manage = _find(source, "cxkit-manage")
    manage.selected_index = 0
    page = _html(form, source, results, kappa)
    assert "<img" not in page and "<script" not in page and "<b>Eve" not in page
    labels = [label for label, _ in _find(source, "cxkit-manage-calls").options]
    assert any(HOSTILE[:20] in label for label in labels)  # a dropdown shows text, not HTML


def test_hostile_file_name_is_escaped_in_the_import_messages(room):
    """03 import: a file named like HTML is named as text in the status and the batch label"""
    import cxkit as cx

    session = cx.panels.audit.session()
    source = session.source_panel()
    _upload(source, "<img src=x onerror=alert(1)>.csv", _campaign())
    _find(source, "cxkit-audit-to-store").click()
    status = _find(source, "cxkit-audit-source-status").value
    assert "5 calls added" in status and "<img" not in status and "&lt;img" in status


# --- 2. imports -----------------------------------------------------------------------------

def test_import_says_which_cells_were_cleaned_and_labels_the_batch(room):
    """03 import: a cell with a control character is cleaned and the status names its row and
    column; the stored batch is named by the file and the time"""
    import cxkit as cx

    session = cx.panels.audit.session()
    source = session.source_panel()
    _upload(source, "campagne.csv", _campaign(at={(1, "evaluator"): "Bob\x1b[31m"}))
    before = dt.datetime.now().replace(microsecond=0)
    _find(source, "cxkit-audit-to-store").click()
    status = _find(source, "cxkit-audit-source-status").value
    assert "5 calls added" in status and "3" in status and "evaluator" in status
    assert "\x1b" not in "".join(room.calls()["evaluator"])
    batches = room.batches()
    assert len(batches) == 1 and batches["calls"].iloc[0] == 5
    label = batches["batch"].iloc[0]
    assert label.startswith("campagne.csv · ")
    assert dt.datetime.strptime(label.split(" · ")[1], "%Y-%m-%d %H:%M:%S") >= before


def test_upload_says_reading_then_too_large_over_the_limit(room, monkeypatch):
    """03 import: "Reading …" shows while the file is parsed; a file over the limit is refused
    as soon as it is chosen with "too large" and the limit, and never read"""
    import cxkit as cx
    from cxkit import io as cxio

    session = cx.panels.audit.session()
    source = session.source_panel()
    status = _find(source, "cxkit-audit-source-status")
    seen = []
    status.observe(lambda change: seen.append(change["new"]), names="value")
    _upload(source, "campagne.csv", _campaign())
    _find(source, "cxkit-audit-analyse").click()
    assert any("Reading campagne.csv…" in v for v in seen)
    assert "5 rows loaded" in status.value
    monkeypatch.setattr(cxio, "MAX_BYTES", 1024 * 1024)
    _upload(source, "big.csv", b"x" * (3 * 1024 * 1024))
    assert "too large" in status.value and "the limit is 1 MB" in status.value
    seen.clear()
    _find(source, "cxkit-audit-analyse").click()
    assert "too large" in status.value and not any("Reading" in v for v in seen)


def _one_error_sentence(html_text: str) -> str:
    text = re.sub("<[^>]+>", "", html_text)
    assert html_text.count("cxkit-error") == 1 and "Traceback" not in text
    assert len([s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]) == 1, text
    return text


def test_imports_over_the_caps_are_refused_in_one_sentence(room, monkeypatch):
    """03 import: a file over the calls-per-import cap, then an import that would take the
    room over its calls cap, each give one error sentence naming the limit; nothing is stored"""
    import cxkit as cx
    from cxkit import store

    source = cx.panels.audit.session().source_panel()
    monkeypatch.setattr(store, "MAX_IMPORT_CALLS", 3)
    _upload(source, "campagne.csv", _campaign(rows=5))
    _find(source, "cxkit-audit-to-store").click()
    message = _one_error_sentence(_find(source, "cxkit-audit-source-status").value)
    assert "more than 3 rows" in message
    assert room.calls().empty
    monkeypatch.setattr(store, "MAX_IMPORT_CALLS", 5)
    monkeypatch.setattr(store, "MAX_STORE_CALLS", 7)
    _find(source, "cxkit-audit-to-store").click()
    assert len(room.calls()) == 5
    import pandas as pd

    second = pd.read_csv(__import__("io").BytesIO(_campaign(rows=10)), dtype=str, keep_default_na=False).tail(5)
    _upload(source, "more.csv", second.to_csv(index=False).encode("utf-8"))
    _find(source, "cxkit-audit-to-store").click()
    message = _one_error_sentence(_find(source, "cxkit-audit-source-status").value)
    assert "limit of 7" in message
    assert len(room.calls()) == 5


# --- 3. the trainer's delete -----------------------------------------------------------------

def _n(results) -> int:
    return int(re.search(r"cxkit-audit-n'>(\d+)<", _find(results, "cxkit-audit-indicators").value).group(1))


def test_trainer_removes_one_call_after_confirming(room):
    """03 delete: "Remove this call…" asks first; Cancel keeps it; Confirm removes it, and the
    indicators and the lists redraw without it"""
    import cxkit as cx

    session = cx.panels.audit.session("store")
    form, source, results = session.form_panel(), session.source_panel(), session.results_panel()
    for who in ("Ann", "Bob"):
        _fill_valid(form, who)
        _find(form, "cxkit-audit-submit").click()
    assert _n(results) == 2
    manage = _find(source, "cxkit-manage")
    manage.selected_index = 0
    calls = _find(source, "cxkit-manage-calls")
    assert [label.split(" · ")[1] for label, _ in calls.options] == ["Bob", "Ann"]  # newest first
    bob = calls.options[0][1]
    calls.value = bob
    _find(source, "cxkit-manage-remove-call").click()
    assert bob in _find(source, "cxkit-manage-question").value and len(room.calls()) == 2
    _find(source, "cxkit-manage-cancel").click()
    assert len(room.calls()) == 2 and "Nothing was removed" in _find(source, "cxkit-manage-status").value
    _find(source, "cxkit-manage-remove-call").click()
    _find(source, "cxkit-manage-confirm").click()
    assert room.calls()["evaluator"].tolist() == ["Ann"]
    assert _n(results) == 1 and "removed" in _find(source, "cxkit-manage-status").value
    assert [v for _, v in calls.options] == [room.calls()["call_id"].iloc[0]]


def test_trainer_removes_one_import_after_confirming_in_french(room):
    """03 delete: an import is removed whole after "Confirmer", form calls stay; in French"""
    import cxkit as cx

    i18n.set_language("fr")
    session = cx.panels.audit.session("store")
    form, source, results = session.form_panel(), session.source_panel(), session.results_panel()
    _fill_valid(form)
    _find(form, "cxkit-audit-submit").click()
    _upload(source, "campagne.csv", _campaign())
    _find(source, "cxkit-audit-to-store").click()
    assert _n(results) == 6
    _find(source, "cxkit-manage").selected_index = 0
    batches = _find(source, "cxkit-manage-batches")
    label, batch = batches.options[0]
    assert batch.startswith("campagne.csv · ") and label.endswith("(5 appels)")
    _find(source, "cxkit-manage-remove-batch").click()
    question = _find(source, "cxkit-manage-question").value
    assert "Retirer l'import" in question.replace("&#x27;", "'") and "5 appels" in question
    assert _find(source, "cxkit-manage-confirm").description == "Confirmer"
    _find(source, "cxkit-manage-confirm").click()
    assert _n(results) == 1 and room.calls()["evaluator"].tolist() == ["Ann"]
    assert not any(str(b).startswith("campagne.csv") for b in room.batches()["batch"])
    assert batches.options[0][1] is None  # no import left to list
    assert "retiré" in _find(source, "cxkit-manage-status").value


# --- 4. numbers in range ------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["inf", "-inf", "Infinity", "nan", "1e308", "1E400", "1000000000001", "-2e12"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_parse_amount_refuses_non_finite_and_absurd_amounts(lang, text):
    """parse_amount: inf, nan and |x| > 1e12 are refused with one sentence in the language"""
    with pytest.raises(ValueError) as err:
        parse_amount(text, lang)
    message = str(err.value)
    assert text in message and message.count("\n") == 0
    assert ("montant" if lang == "fr" else "amount") in message


def test_parse_amount_keeps_the_largest_allowed_amount():
    """parse_amount: 1e12 itself (a thousand billion) is still an amount"""
    assert parse_amount("1 000 000 000 000", "fr") == 1e12 and parse_amount("-1e12", "en") == -1e12


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_formats_never_write_nan_or_infinity(value):
    """fmt_number / fmt_money / fmt_percent: a non-finite value is written '—', in both languages"""
    for lang in ("en", "fr"):
        assert fmt_number(value, 2, lang=lang) == fmt_money(value, lang=lang) == fmt_percent(value, lang=lang) == "—"


@pytest.mark.parametrize("text", ["1e308", "inf", "nan"])
def test_amount_box_gives_the_sentence_and_keeps_the_last_amount(text):
    """AmountText: '1e308', 'inf', 'nan' give the sentence in the status, no exception, and
    the box keeps its last amount"""
    from cxkit.panels import AmountText, Status

    status = Status()
    box = AmountText(250000, minimum=0, status=status)
    box.value = text
    assert box.amount == 250000 and box.value == "250,000" and "cxkit-error" in status.value


def test_retention_never_shows_infinite_customers_or_multiples():
    """06: 'inf' customers is refused (no '∞ customers'); a free gesture gives a sentence, not '∞ times'"""
    from cxkit.panels import retention

    clv = retention.clv_panel()
    _find(clv, "cxkit-clv-customers").value = "inf"
    text = _find(clv, "cxkit-clv-result").value
    assert "∞" not in text and "10,000 customers" in text and "cxkit-error" in _html(clv)
    delight = retention.delight_panel()
    delight.children[0].value = 0  # the gesture's cost
    text = _find(delight, "cxkit-delight-result").value
    assert "∞" not in text and "costs nothing" in text


_NOT_FINITE = re.compile(r"NaN|\bnan\b|∞|\binf\b|Infinity")


@pytest.mark.parametrize("builder", [
    "retention.clv_panel", "retention.gain_panel", "retention.cliff_panel", "retention.keep_or_replace_panel",
    "retention.delight_panel", "journey.journey_panel", "queueing.staffing_panel", "queueing.impatience_panel",
])
def test_panels_show_finite_figures_at_every_slider_end(builder, monkeypatch):
    """01/04/06 panels: each slider or bounded box set to its minimum then maximum (and all
    at once) never shows NaN or ∞, nor an error"""
    import importlib

    from cxkit import charts

    monkeypatch.setattr(charts, "svg", lambda *a, **k: "<svg></svg>")  # the figures, not the drawing
    module, name = builder.split(".")
    panel = getattr(importlib.import_module(f"cxkit.panels.{module}"), name)()
    controls = [w for w in _walk(panel) if isinstance(w, (widgets.IntSlider, widgets.FloatSlider,
                                                           widgets.BoundedFloatText, widgets.BoundedIntText))]
    for end in ("min", "max"):
        for control in controls:
            control.value = getattr(control, end)
            page = _html(panel)
            assert not _NOT_FINITE.search(page) and "cxkit-error" not in page, (control.description, end)


def test_self_assessment_room_ignores_answers_that_are_not_numbers(room):
    """01: answers an old store holds as 'inf' or 'NaN' (written straight into SQLite) are
    not counted: the room line says nobody answered, never 'average NaN'"""
    import json
    import sqlite3
    import time

    from cxkit import stories
    from cxkit.panels import stories as panels

    with sqlite3.connect(room.path) as con:
        for value in ("inf", "NaN"):
            con.execute("INSERT INTO answers (kind, record, created) VALUES (?, ?, ?)",
                        (stories.KIND, json.dumps({q: value for q in stories.load_questions().index}), time.time()))
    panel = panels.assessment_panel()
    _find(panel, "cxkit-assess-refresh").click()
    line = _find(panel, "cxkit-room").value
    assert line == "Nobody in the room has answered yet." and not _NOT_FINITE.search(_html(panel))


def test_amount_limit_is_the_doors_limit():
    """parse_amount's limit is the one every other door applies (cxkit.io.MAX_MAGNITUDE)"""
    from cxkit import io

    assert i18n.MAX_AMOUNT == io.MAX_MAGNITUDE == 1e12
