"""Issue 13, the doors: what a careless or hostile participant types, imports or stores
is refused with the field named, cleaned and reported, or bounded, and the store can be
mended (delete a call or a batch) and is never written when damaged or gone.

Each test fails on the main of before issue 13 and passes after. Names added by the issue
are imported inside the tests so the module still loads on an older tree.
"""
from __future__ import annotations

import csv
import io
import json
import sqlite3
import time
import zipfile

import openpyxl
import pandas as pd
import pytest

from cxkit import DataError, audit
from cxkit import io as cio
from cxkit import store as cstore
from cxkit.io import csv_bytes, excel_bytes, parse_date, parse_number, read_table
from cxkit.store import Store
from test_hostile import bounded  # the same time and memory bounds as the catalogue of bad files

HOSTILE = ["\x07", "\x1b", "\x00", "\ufffe", "\x85", "\u202e", "\ud800"]


@pytest.fixture(scope="module")
def grid():
    return audit.load_grid()


def _record(grid, **fields) -> dict:
    record = {"call_id": "W-1", "date": "2026-11-02", "scenario": "complaint", "evaluator": "Eve",
              "ref_call": None, "comment": None, **{c: None for c in grid["criterion"]}}
    record.update(greeting="oui", courtesy="3", wait_seconds="40")
    record.update(fields)
    return record


# --- 1. clean text at every door ---------------------------------------------------------

@pytest.mark.parametrize("char", HOSTILE, ids=[f"U+{ord(c):04X}" for c in HOSTILE])
@pytest.mark.parametrize("field", ["evaluator", "comment"])
def test_form_refuses_a_control_character_naming_the_field(grid, char, field):
    """validate_record: a control character typed in a field is refused, the field named"""
    with pytest.raises(DataError) as err:
        audit.validate_record(_record(grid, **{field: f"Eve{char}"}), grid)
    assert err.value.column == field
    assert f"U+{ord(char):04X}" in err.value.problem


@pytest.mark.parametrize("char", HOSTILE, ids=[f"U+{ord(c):04X}" for c in HOSTILE])
def test_store_refuses_a_control_character_as_a_second_door(store, char):
    """Store.add_calls, add_answer, save_setting: a control character is refused with the
    field named, and nothing is stored"""
    with pytest.raises(DataError) as err:
        store.add_calls([{"call_id": "C1", "evaluator": "Ann"}, {"call_id": "C2", "evaluator": f"Eve{char}"}])
    assert err.value.column == "evaluator"
    with pytest.raises(DataError) as err:
        store.add_answer("self_assessment", {"q1": f"x{char}"})
    assert err.value.column == "q1"
    with pytest.raises(DataError):
        store.save_setting("audit_grid", {"w01": {"label": f"x{char}"}})
    assert store.calls().empty and store.answers("self_assessment").empty
    assert store.setting("audit_grid") is None


def test_file_cells_lose_control_characters_and_the_loader_says_where():
    """read_table: control characters are removed from otherwise valid cells and column
    names; attrs['cleaned'] lists (row, column) and cleaned_note says it in one sentence"""
    data = "call_id;evalu\x07ator;comment\nC1;Eve\x07;fine\nC2;Bob;a\x1b[31m red\u202e\nC3;Zoé;ok\n"
    frame = read_table(data.encode(), name="calls.csv")
    assert list(frame.columns) == ["call_id", "evaluator", "comment"]
    assert frame["evaluator"].tolist() == ["Eve", "Bob", "Zoé"]
    assert frame.loc[3, "comment"] == "a[31m red"
    assert frame.attrs["cleaned"] == [(1, "evaluator"), (2, "evaluator"), (3, "comment")]
    note = cio.cleaned_note(frame, "en")
    assert note.startswith("Invisible control characters were removed from 3 cell(s) of calls.csv")
    assert "row 2, column 'evaluator'" in note
    assert cio.cleaned_note(read_table(b"a\n1\n", name="a.csv")) is None


def test_xlsx_cells_lose_control_characters_too():
    """read_table: DEL, C1 controls and bidi overrides in an .xlsx are removed and listed"""
    book = openpyxl.Workbook()
    book.active.append(["call_id", "evaluator"])
    book.active.append(["C1", "E\x7fve\u202e\x85"])
    buffer = io.BytesIO()
    book.save(buffer)
    frame = read_table(buffer.getvalue(), name="c.xlsx")
    assert frame.loc[2, "evaluator"] == "Eve" and frame.attrs["cleaned"] == [(2, "evaluator")]


def test_campaign_import_is_cleaned_and_says_which(grid):
    """load_calls: a BEL in a file's evaluator is removed and reported, the call kept"""
    head = "call_id;date;scenario;evaluator;" + ";".join(grid["criterion"])
    row = "C1;02/11/2026;prospect;Eve\x07;oui;3;40" + ";" * (len(grid) - 3)
    calls = audit.load_calls(io.BytesIO(f"{head}\n{row}\n".encode()), grid)
    assert calls["evaluator"].tolist() == ["Eve"]
    assert calls.attrs["cleaned"] == [(2, "evaluator")]


def test_a_room_holding_a_control_character_recovers(store, grid):
    """calls_from_records: a BEL stored by an older version is removed when read, so the
    room's charts get clean labels"""
    record = _record(grid, evaluator="Eve\x07", scenario="prospect\x1b")
    with sqlite3.connect(store.path) as con:  # as the main of before issue 13 stored it
        con.execute("INSERT INTO calls (call_id, record, created) VALUES (?, ?, ?)",
                    ("W-1", json.dumps(record), time.time()))
    calls = audit.calls_from_records(store.calls(), grid)
    assert calls["evaluator"].tolist() == ["Eve"] and calls["scenario"].tolist() == ["prospect"]


@pytest.mark.parametrize("field, limit", [("evaluator", 80), ("call_id", 80), ("comment", 2000)])
def test_lengths_are_capped_at_every_door(store, grid, field, limit):
    """names are capped at 80 characters and comments at 2,000: at the form, in a file and
    in the store, each with a message naming the field and the limit"""
    long = "x" * (limit + 1)
    with pytest.raises(DataError) as err:
        audit.validate_record(_record(grid, **{field: long}), grid)
    assert err.value.column == field and f"the limit is {limit:,}" in err.value.problem
    with pytest.raises(DataError) as err:
        store.add_call({"call_id": "C1", field: long} if field != "call_id" else {"call_id": long})
    assert err.value.column == field
    frame = pd.DataFrame([_record(grid, **{field: long})], index=pd.Index([2], name="row"))
    with pytest.raises(DataError) as err:
        audit.load_calls(frame, grid)
    assert (err.value.row, err.value.column) == (2, field)
    audit.validate_record(_record(grid, **{field: "x" * limit}), grid)  # at the limit: fine


def test_any_cell_longer_than_the_text_limit_is_refused():
    """read_table: a cell of 2,001 characters is refused at its row and column (a chart
    label of 100,000 characters blocked the chart engine)"""
    with pytest.raises(DataError) as err:
        read_table(("name;x\nA;1\n" + "y" * 2001 + ";2\n").encode(), name="long.csv")
    assert (err.value.row, err.value.column) == (3, "name")
    assert "2,001 characters" in err.value.problem


def test_form_scenario_must_be_in_the_list(grid):
    """validate_record: a scenario not in data/scenarios.csv is refused, naming the field;
    the case of a listed one does not matter"""
    with pytest.raises(DataError) as err:
        audit.validate_record(_record(grid, scenario="made-up"), grid)
    assert err.value.column == "scenario" and "prospect" in err.value.problem
    assert audit.validate_record(_record(grid, scenario="Complaint"), grid)["scenario"].tolist() == ["complaint"]


def test_nul_byte_after_the_first_64_kb_is_refused():
    """read_table: a NUL byte anywhere in the file means it is not text"""
    data = b"a;b\n" + b"1;2\n" * 40_000 + b"3;\x00\n"
    assert data.index(b"\x00") > 65536
    with pytest.raises(DataError, match="not text"):
        read_table(data, name="nul.csv")


def test_complaint_categories_are_cleaned_and_capped():
    """load_complaints: a control character in a category is removed (it killed the chart
    engine in 07); a category over 80 characters is refused at its row"""
    from cxkit import complaints

    head = "complaint_id,date,channel,category,severity,amount_eur,resolved,days_to_resolve,outcome\n"
    ok = "R1,2025-01-02,email,bill\x07ing,small,10,yes,2,satisfied\n"
    loaded = complaints.load_complaints(io.BytesIO((head + ok).encode()))
    assert loaded["category"].tolist() == ["billing"] and loaded.attrs["cleaned"] == [(2, "category")]
    long = ok.replace("bill\x07ing", "b" * 81)
    with pytest.raises(DataError) as err:
        complaints.load_complaints(io.BytesIO((head + long).encode()))
    assert (err.value.row, err.value.column) == (2, "category")


# --- 2. bounded xlsx reading ---------------------------------------------------------------

def _xlsx(sheet_rows: bytes, shared: bytes | None = None) -> bytes:
    """An .xlsx whose first sheet's rows (and shared strings) are the given XML."""
    book = openpyxl.Workbook()
    book.active.append(["a"])
    base = io.BytesIO()
    book.save(base)
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><sheetData>' + sheet_rows + b"</sheetData></worksheet>")
    source, out = zipfile.ZipFile(base), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = sheet
            elif shared is not None and item.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                                          b'application/vnd.openxmlformats-officedocument.spreadsheetml.'
                                          b'sharedStrings+xml"/></Types>')
            elif shared is not None and item.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.'
                                          b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                                          b'Target="sharedStrings.xml"/></Relationships>')
            target.writestr(item.filename, content)
        if shared is not None:
            target.writestr("xl/sharedStrings.xml", shared)
    return out.getvalue()


HEADER = b'<row r="1"><c r="A1" t="inlineStr"><is><t>call_id</t></is></c><c r="B1" t="inlineStr"><is><t>x</t></is></c></row>'


def test_xlsx_padded_to_column_xfd_is_refused_before_it_is_built():
    """read_table: a narrow header and one cell in column XFD on each of 2,000 rows is
    refused at row 2, in bounded memory (openpyxl padded every row to 16,384 cells: 2,000
    rows took 260 MB, 20,000 rows 2.6 GB)"""
    body = b"".join(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (r, r) for r in range(2, 2002))
    data = _xlsx(HEADER + body)
    _, error = bounded(lambda: read_table(data, name="padded.xlsx"))
    assert error is not None and error.row == 2
    assert "16384" in error.problem


def test_xlsx_row_wider_than_the_limit_is_refused_even_after_row_1():
    """read_table: every row's width is checked, not only the header's"""
    wide = b'<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="ALN3"><v>1</v></c></row>'
    header = b"".join(b'<c r="%s1" t="inlineStr"><is><t>c%d</t></is></c>' % (
        openpyxl.utils.get_column_letter(i).encode(), i) for i in range(1, 1001))
    _, error = bounded(lambda: read_table(_xlsx(b'<row r="1">' + header + b"</row>" + wide), name="w.xlsx"))
    assert error is not None and error.row == 3 and "1002 columns" in error.problem


def test_xlsx_rows_keep_their_numbers_and_short_rows_are_padded():
    """read_table (xlsx): missing rows keep the numbering; a short row reads as empties"""
    rows = HEADER + b'<row r="4"><c r="A4" t="inlineStr"><is><t>C1</t></is></c></row>'
    frame = read_table(_xlsx(rows), name="gaps.xlsx")
    assert frame.index.tolist() == [4] and frame.loc[4].tolist() == ["C1", None]


def test_xlsx_with_too_many_shared_strings_is_refused_before_opening(monkeypatch):
    """read_table: shared strings are counted before openpyxl builds them"""
    monkeypatch.setattr(cio, "MAX_SHARED_STRINGS", 1000, raising=False)
    shared = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              + b"".join(b"<si><t>s%d</t></si>" % i for i in range(1001)) + b"</sst>")
    rows = HEADER + b'<row r="2"><c r="A2" t="s"><v>5</v></c></row>'
    with pytest.raises(DataError, match="more than 1,000 different texts"):
        read_table(_xlsx(rows, shared), name="strings.xlsx")
    monkeypatch.setattr(cio, "MAX_SHARED_STRINGS", 1001, raising=False)
    assert read_table(_xlsx(rows, shared), name="strings.xlsx").loc[2, "call_id"] == "s5"


def test_shared_strings_are_counted_exactly_across_read_chunks(monkeypatch):
    """the count of shared strings is exact when the part is read in several 1 MB chunks
    (tags cut between two chunks are counted once)"""
    n = 150_000
    shared = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              + b"".join(b'<si><t xml:space="preserve">s%d</t></si>' % i for i in range(n)) + b"</sst>")
    assert len(shared) > 5 * 2**20
    data = _xlsx(HEADER, shared)
    monkeypatch.setattr(cio, "MAX_SHARED_STRINGS", n)
    cio._check_xlsx_archive(data, "exact.xlsx")
    monkeypatch.setattr(cio, "MAX_SHARED_STRINGS", n - 1)
    with pytest.raises(DataError, match="different texts"):
        cio._check_xlsx_archive(data, "exact.xlsx")


def test_xlsx_zip_bomb_is_refused_from_its_declared_sizes():
    """read_table: 40 MB of one letter packed in a few KB is refused by its compression
    ratio, in bounded time and memory (it took 12 s at 200 MB before)"""
    cell = b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b"x" * (40 * 2**20) + b"</t></is></c></row>"
    data = _xlsx(HEADER + cell)
    assert len(data) < 200_000
    _, error = bounded(lambda: read_table(data, name="bomb.xlsx"), mib=16)
    assert error is not None and "compressed" in error.problem


def test_xlsx_unpacked_size_is_capped(monkeypatch):
    """read_table: an .xlsx whose parts unpack to more than MAX_UNPACKED_BYTES is refused"""
    monkeypatch.setattr(cio, "MAX_UNPACKED_BYTES", 2**20, raising=False)
    cell = b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b"x" * 2**20 + b"</t></is></c></row>"
    with pytest.raises(DataError, match="unpacks to"):
        read_table(_xlsx(HEADER + cell), name="big.xlsx")


# --- 3. caps on imports and on the store -----------------------------------------------------

def test_one_import_holds_at_most_5000_calls(store, grid):
    """add_calls refuses more than MAX_IMPORT_CALLS calls at once, storing none; load_calls
    refuses a campaign file of more rows as soon as reading passes the limit"""
    assert cstore.MAX_IMPORT_CALLS == 5_000
    with pytest.raises(DataError, match="5,001 calls in one import; the limit is 5,000"):
        store.add_calls({"call_id": f"C{i}"} for i in range(5_001))
    assert store.calls().empty
    head = "call_id;date;scenario;evaluator;" + ";".join(grid["criterion"]) + "\n"
    rows = "".join(f"C{i};02/11/2026;prospect;Ann;oui" + ";" * (len(grid) - 1) + "\n" for i in range(5_001))
    with pytest.raises(DataError, match="more than 5,000 rows"):
        audit.load_calls(io.BytesIO((head + rows).encode()), grid)


def test_the_store_holds_at_most_its_limit(store, monkeypatch):
    """add_calls refuses a batch that would take the store past MAX_STORE_CALLS, with one
    sentence, before anything is written"""
    assert cstore.MAX_STORE_CALLS == 20_000
    monkeypatch.setattr(cstore, "MAX_STORE_CALLS", 10)
    store.add_calls([{"call_id": f"A{i}"} for i in range(8)])
    with pytest.raises(DataError) as err:
        store.add_calls([{"call_id": f"B{i}"} for i in range(3)])
    assert err.value.problem.startswith("the workshop store holds 8 calls; adding 3 would pass its limit of 10")
    assert len(store.call_ids()) == 8
    store.add_calls([{"call_id": f"B{i}"} for i in range(2)])
    assert len(store.call_ids()) == 10


# --- 4. a trainer's delete ----------------------------------------------------------------------

def test_batches_list_and_delete(store):
    """add_calls labels a batch; batches() lists batch, calls, created; delete_call and
    delete_batch remove what they say and report it"""
    before = time.time()
    assert store.add_calls([{"call_id": "F1"}, {"call_id": "F2"}, {"call_id": "F3"}], batch="file.csv") == 3
    store.add_call({"call_id": "M1"})
    store.add_call({"call_id": "M2"}, batch="form")
    batches = store.batches()
    assert list(batches.columns) == ["batch", "calls", "created"]
    assert batches["batch"].tolist()[0] == "file.csv" and batches["calls"].tolist() == [3, 1, 1]
    assert batches["batch"].iloc[1].startswith("batch-") and batches["batch"].iloc[2] == "form"
    assert batches["created"].dtype == float and (batches["created"] >= before).all()
    assert store.delete_call("F2") is True and store.delete_call("F2") is False
    assert store.delete_batch("file.csv") == 2 and store.delete_batch("file.csv") == 0
    assert store.call_ids() == {"M1", "M2"}
    assert store.batches()["batch"].tolist()[1] == "form"


def test_deleting_a_call_removes_its_second_scorings(store, grid):
    """delete_call: the second scorings of a deleted call go with it, so the room's calls
    still load (a second scoring pointing at nothing was an error for everyone)"""
    store.add_call(_record(grid, call_id="P1", evaluator="Ann"), batch="a")
    store.add_call(_record(grid, call_id="P1-B", evaluator="Bob", ref_call="P1"), batch="b")
    store.add_call(_record(grid, call_id="P2", evaluator="Ann"), batch="a")
    assert store.delete_call("P1") is True
    assert store.call_ids() == {"P2"}
    assert audit.calls_from_records(store.calls(), grid)["call_id"].tolist() == ["P2"]


def test_a_store_of_the_old_schema_opens_and_keeps_every_row(tmp_path):
    """Store: a store written before batches existed gets the column and keeps every row,
    listed as one batch that can be deleted"""
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as con:  # the schema of the main of before issue 13
        con.executescript("""
            CREATE TABLE calls (call_id TEXT PRIMARY KEY, record TEXT NOT NULL, created REAL NOT NULL);
            CREATE TABLE answers (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
                                  record TEXT NOT NULL, created REAL NOT NULL);
            CREATE INDEX answers_kind ON answers(kind);
            CREATE TABLE settings (name TEXT PRIMARY KEY, record TEXT NOT NULL, created REAL NOT NULL);
        """)
        con.executemany("INSERT INTO calls VALUES (?, ?, ?)",
                        [(f"O{i}", json.dumps({"call_id": f"O{i}", "evaluator": "Ann", "n": i}), 100.0 + i)
                         for i in range(5)])
        con.execute("INSERT INTO answers (kind, record, created) VALUES ('k', '{\"q\": 1}', 1.0)")
        con.execute("INSERT INTO settings VALUES ('s', '[1, 2]', 1.0)")
    con.close()
    store = Store(path)
    assert store.calls()["n"].tolist() == [0, 1, 2, 3, 4]
    assert store.batches().to_dict("records") == [{"batch": cstore.EARLIER_BATCH, "calls": 5, "created": 100.0}]
    assert store.answers("k")["q"].tolist() == [1] and store.setting("s") == [1, 2]
    store.add_call({"call_id": "N1"}, batch="new")
    assert Store(path).delete_batch(cstore.EARLIER_BATCH) == 5
    assert store.call_ids() == {"N1"} and store.integrity_ok()


# --- 5. integrity on open; no store recreated empty ------------------------------------------------

def _damage(path):
    """Overwrite the middle of the file's pages (not its header) with noise."""
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(page, len(data) - 64, page):
        data[start + 8:start + 64] = b"\xa5" * 56
    path.write_bytes(bytes(data))


def test_a_damaged_store_is_refused_on_open_and_never_written(tmp_path):
    """Store(): a damaged file gives one clear DataError and nothing is written into it"""
    path = tmp_path / "damaged.sqlite"
    store = Store(path)
    store.add_calls([{"call_id": f"C{i}", "comment": "x" * 500} for i in range(200)])
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    _damage(path)
    damaged = path.read_bytes()
    cstore._CHECKED.clear()  # a kernel opening it for the first time
    with pytest.raises(DataError) as err:
        Store(path)
    assert "is damaged and cannot be used; nothing was written" in err.value.problem
    assert path.read_bytes() == damaged


def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    """Store(): a file that is not SQLite (a renamed file) is refused as damaged, untouched"""
    path = tmp_path / "photo.sqlite"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    with pytest.raises(DataError, match="damaged"):
        Store(path)
    assert path.read_bytes().startswith(b"\x89PNG")


def test_a_store_deleted_while_the_app_runs_is_not_recreated_empty(tmp_path):
    """Store: once it existed, a vanished store file is a clear DataError, never a new empty store"""
    path = tmp_path / "room.sqlite"
    store = Store(path)
    store.add_call({"call_id": "C1"})
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    with pytest.raises(DataError, match="has disappeared"):
        store.add_call({"call_id": "C2"})
    with pytest.raises(DataError, match="has disappeared"):
        store.calls()
    with pytest.raises(DataError, match="has disappeared"):
        Store(path)
    assert not path.exists()


# --- 6. numbers in range ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, problem", [
    ("inf", "'inf' is not a finite number"), ("-Infinity", "is not a finite number"),
    ("1e308", "1e308 is out of range"), ("2e12", "out of range"),
])
def test_parse_number_refuses_infinite_and_absurd_values(text, problem):
    """parse_number: inf, -inf and |x| > 1e12 are refused with row and column named"""
    frame = pd.DataFrame({"v": ["1", text]}, index=[2, 3])
    with pytest.raises(DataError) as err:
        parse_number(frame, "v")
    assert (err.value.row, err.value.column) == (3, "v") and problem in err.value.problem
    assert parse_number(pd.DataFrame({"v": ["-1e12"]}, index=[2]), "v").iloc[0] == -1e12


@pytest.mark.parametrize("value", ["inf", "1e308", float("inf"), 1e308])
def test_form_refuses_infinite_numbers(grid, value):
    """validate_record: an infinite or absurd number in a criterion names the criterion"""
    with pytest.raises(DataError) as err:
        audit.validate_record(_record(grid, wait_seconds=value), grid)
    assert err.value.column == "wait_seconds"


def test_store_refuses_non_finite_numbers_and_keeps_nan_as_empty(store):
    """Store: ±inf and |x| > 1e12 are refused with the field named; NaN is stored as null"""
    for bad in (float("inf"), float("-inf"), 1e308):
        with pytest.raises(DataError) as err:
            store.add_call({"call_id": "C1", "wait_seconds": bad})
        assert err.value.column == "wait_seconds"
    with pytest.raises(DataError):
        store.save_setting("audit_grid", {"w01": {"weight": float("inf")}})
    store.add_call({"call_id": "C1", "wait_seconds": float("nan")})
    with sqlite3.connect(store.path) as con:
        assert json.loads(con.execute("SELECT record FROM calls").fetchone()[0]) == {"call_id": "C1",
                                                                                       "wait_seconds": None}


@pytest.mark.parametrize("text", ["31/02/2026", "2026-02-31", "29/02/2025", "00/01/2026"])
def test_impossible_dates_are_refused_never_another_day(text):
    """parse_date: a day that does not exist is 'not a date', never another day"""
    with pytest.raises(DataError, match="is not a date"):
        parse_date(pd.DataFrame({"d": [text]}, index=[2]), "d")


def test_dates_before_1990_or_after_the_limit_are_refused(grid):
    """parse_date: years before 1990 are refused; ``latest`` refuses later dates; load_calls
    refuses a call from 1900 and validate_record a form entry dated 0001"""
    import datetime as dt

    with pytest.raises(DataError, match="before 1 Jan 1990"):
        parse_date(pd.DataFrame({"d": ["1985-05-01"]}, index=[2]), "d")
    with pytest.raises(DataError, match="is after 1 Jan 2026"):
        parse_date(pd.DataFrame({"d": ["02/01/2026"]}, index=[2]), "d", latest=dt.date(2026, 1, 1))
    assert parse_date(pd.DataFrame({"d": ["1985-05-01"]}, index=[2]), "d", earliest=None).iloc[0].year == 1985
    for day in ("1900-01-01", "0001-01-01"):
        with pytest.raises(DataError) as err:
            audit.validate_record(_record(grid, date=day), grid)
        assert err.value.column == "date"


# --- 7 and 8. exports -------------------------------------------------------------------------------

def test_csv_export_neutralises_every_text_column_and_header():
    """csv_bytes: formula-like text in string-typed columns and in headers gets a leading
    apostrophe; numbers, negative ones included, stay numbers"""
    frame = pd.DataFrame({"=cmd": pd.array(["=HYPERLINK(\"http://x\",\"y\")", "ok"], dtype="string"),
                          "n": [-3, 4], "c": pd.Categorical(["@SUM(A1)", "b"]), "t": ["-12.5", "-x"]})
    rows = list(csv.reader(io.StringIO(csv_bytes(frame, lang="en").decode("utf-8-sig"))))
    assert rows[0] == ["'=cmd", "n", "c", "t"]
    assert rows[1] == ["'=HYPERLINK(\"http://x\",\"y\")", "-3", "'@SUM(A1)", "-12.5"]
    assert rows[2] == ["ok", "4", "b", "'-x"]


def test_excel_export_shows_formula_like_text_as_typed_without_running_it():
    """excel_bytes: =HYPERLINK(...) is a text cell (data_type 's', quote prefix), read back
    exactly as typed: no formula, no visible apostrophe"""
    text = '=HYPERLINK("http://example.invalid","click")'
    data = excel_bytes({"calls": pd.DataFrame({"comment": [text, "+1+cmd", "fine"], "n": [-1.5, 2, 3]})})
    sheet = openpyxl.load_workbook(io.BytesIO(data))["calls"]
    assert (sheet["A2"].value, sheet["A2"].data_type, sheet["A2"].quotePrefix) == (text, "s", True)
    assert (sheet["A3"].value, sheet["A3"].data_type) == ("+1+cmd", "s")
    assert sheet["A4"].quotePrefix is False and sheet["B2"].value == -1.5
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")


def test_a_control_character_in_a_comment_does_not_break_the_excel_export():
    """excel_bytes: a BEL in a comment (or a column name, or a sheet name) is removed at
    write; openpyxl raised IllegalCharacterError and the room's export failed"""
    frame = pd.DataFrame({"comm\x07ent": ["ok\x07", "\x1b[31mred"], "n": [1, 2]})
    sheet = openpyxl.load_workbook(io.BytesIO(excel_bytes({"calls\x07/x": frame}))).worksheets[0]
    assert sheet.title == "calls-x"
    assert [c.value for c in sheet["A"]] == ["comment", "ok", "[31mred"]
    assert csv_bytes(frame, lang="en").decode("utf-8-sig").splitlines()[1] == "ok,1"
