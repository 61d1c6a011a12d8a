"""Hostile files: each one gets a clear DataError naming the file, or a documented safe
handling, within bounded time and memory, and the store is never half-written.

The small files live in ``tests/data/bad/`` (see its README for the catalogue); the big
ones (100,000 columns, 200 MB, a 100,000-cell row, an xlsx whose size header lies) are
generated at test time in a temporary folder.
"""
from __future__ import annotations

import csv
import io
import re
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cxkit import DataError
from cxkit.io import (MAX_BYTES, MAX_COLUMNS, MAX_ROWS, check_unique, csv_bytes, excel_bytes, parse_date,
                      parse_number, read_table, require_columns)

BAD = Path(__file__).resolve().parent / "data" / "bad"
#: Every hostile file must be handled within this wall time (seconds) ...
MAX_SECONDS = 3.0
#: ... and this peak of Python allocations (MiB, measured with tracemalloc).
MAX_MIB = 64


def bounded(func, *, seconds: float = MAX_SECONDS, mib: float = MAX_MIB):
    """Run ``func``; return ``(result, error)`` after checking its time and peak memory.

    ``error`` is the ``DataError`` it raised (any other exception propagates).
    """
    tracemalloc.start()
    start = time.perf_counter()
    result = error = None
    try:
        result = func()
    except DataError as exc:
        error = exc
    finally:
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    assert elapsed < seconds, f"took {elapsed:.2f} s (limit {seconds} s)"
    assert peak < mib, f"peak memory {peak:.1f} MiB (limit {mib} MiB)"
    return result, error


def refused(source, **kwargs) -> DataError:
    """The DataError that ``read_table(source)`` raises, within the time and memory bounds."""
    result, error = bounded(lambda: read_table(source, **kwargs))
    assert error is not None, f"read_table accepted it: {None if result is None else result.shape}"
    return error


# --- the committed catalogue -----------------------------------------------------------

@pytest.mark.parametrize("name, problem, row", [
    ("empty.csv", "the file is empty", None),
    ("header_only.csv", "the file has a header but no data rows", None),
    ("mixed_encoding.csv", "mixes text encodings", None),
    ("binary_renamed.csv", "the file is not text", None),
    ("merged_title.xlsx", "the row has 3 cells but the header has 1", 2),
    ("several_sheets_readme_first.xlsx", "the file has a header but no data rows", None),
])
def test_catalogue_files_are_refused_with_file_and_row(name, problem, row):
    """hostile catalogue: each refused file gets one DataError naming the file (and row)"""
    error = refused(BAD / name)
    assert error.file == name
    assert error.row == row
    assert problem in error.problem
    assert str(error).startswith(f"file {name}")


def test_every_catalogue_file_has_a_test_and_a_readme_line():
    """hostile catalogue: every file in tests/data/bad is described in its README and used here"""
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    source = Path(__file__).read_text(encoding="utf-8")
    files = sorted(p.name for p in BAD.iterdir() if p.name != "README.md")
    assert len(files) >= 11
    for name in files:
        assert f"`{name}`" in readme, f"{name} is not described in tests/data/bad/README.md"
        assert f'"{name}"' in source, f"{name} is not used by a test"


def test_pipe_separator_is_one_column_then_missing_column():
    """wrong separator '|': read as one column, so the expected columns are reported missing"""
    frame, error = bounded(lambda: read_table(BAD / "pipe_separator.csv"))
    assert error is None
    assert list(frame.columns) == ["call_id|date|scenario|evaluator"]
    with pytest.raises(DataError) as err:
        require_columns(frame, ["call_id", "date", "scenario", "evaluator"])
    assert (err.value.file, err.value.row, err.value.column) == ("pipe_separator.csv", 1, "call_id")


def test_formula_cells_stay_text_and_are_neutralised_on_export():
    """'=cmd' cells: read as plain text, and every export writes them as text, never formulas"""
    frame, error = bounded(lambda: read_table(BAD / "formula_cell.csv"))
    assert error is None
    comments = frame["comment"].tolist()
    assert comments[0] == "=cmd|' /C calc'!A0"
    assert [c[0] for c in comments] == ["=", "+", "-", "@", "="]
    book = openpyxl.load_workbook(io.BytesIO(excel_bytes({"calls": frame})))
    cells = [cell for row in book["calls"].iter_rows() for cell in row]
    assert len(cells) == 3 * 6
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    written = [book["calls"].cell(row=r, column=3) for r in range(2, 7)]
    assert [c.value for c in written] == comments  # as typed, no visible apostrophe
    assert all(c.data_type == "s" and c.quotePrefix for c in written)
    exported = list(csv.reader(io.StringIO(csv_bytes(frame, lang="en").decode("utf-8-sig"))))
    assert [row[2] for row in exported[1:]] == ["'" + c for c in comments]


def test_formula_header_and_hostile_sheet_name_are_neutralised():
    """excel_bytes: a column named like a formula is written as text too"""
    frame = pd.DataFrame({"=1+1": ["@x"], "ok": [-3.5]})
    book = openpyxl.load_workbook(io.BytesIO(excel_bytes({"a" * 40: frame})))
    sheet = book.worksheets[0]
    assert sheet.title == "a" * 31
    assert [c.value for c in sheet[1]] == ["=1+1", "ok"] and sheet["A1"].data_type == "s"
    assert [c.value for c in sheet[2]] == ["@x", -3.5] and sheet["A2"].quotePrefix
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_duplicated_ids_name_both_rows():
    """duplicated ids: check_unique names the second row and the first one"""
    frame, _ = bounded(lambda: read_table(BAD / "duplicated_ids.csv"))
    with pytest.raises(DataError) as err:
        check_unique(frame, "call_id")
    assert (err.value.file, err.value.row, err.value.column) == ("duplicated_ids.csv", 4, "call_id")
    assert "'C001' appears more than once (first at row 2)" in err.value.problem


def test_future_dates_parse_and_negative_durations_are_refused():
    """the io layer parses a date in 2099 (loaders decide) and refuses a negative duration"""
    frame = read_table(b"call_id;date;wait_seconds\nC1;01/01/2099;12\nC2;2026-11-02;-40\n", name="c.csv")
    dates = parse_date(frame, "date")
    assert dates.loc[2] == pd.Timestamp("2099-01-01")
    with pytest.raises(DataError) as err:
        parse_number(frame, "wait_seconds", minimum=0)
    assert (err.value.file, err.value.row, err.value.column) == ("c.csv", 3, "wait_seconds")
    assert "-40 is below the minimum 0" in err.value.problem


def test_several_sheets_reads_the_first_only():
    """several sheets: the first sheet is read (documented); the others are ignored"""
    frame, error = bounded(lambda: read_table(BAD / "several_sheets.xlsx"))
    assert error is None
    assert frame["call_id"].tolist() == ["C001", "C002"]
    assert "C999" not in frame.to_string()


def test_merged_cells_are_not_filled_down():
    """merged cells: only the top-left cell keeps the value; the others read as empty"""
    frame, error = bounded(lambda: read_table(BAD / "merged_cells.xlsx"))
    assert error is None
    assert frame["evaluator"].tolist() == ["Ana", None, "Léo"]
    assert frame.index.tolist() == [2, 3, 4]


def test_xlsx_formula_is_never_evaluated(tmp_path):
    """an .xlsx formula cell is not run: with no cached value it reads as empty"""
    book = openpyxl.Workbook()
    book.active.append(["call_id", "comment"])
    book.active.append(["C1", "=cmd|' /C calc'!A0"])
    book.active.append(["C2", "=1+1"])
    book.save(tmp_path / "formula.xlsx")
    frame, error = bounded(lambda: read_table(tmp_path / "formula.xlsx"))
    assert error is None
    assert frame["comment"].tolist() == [None, None]


# --- big files, generated at test time ------------------------------------------------

def test_200_mb_file_is_refused_before_reading(tmp_path):
    """a 200 MB file: refused from its size alone, fast and without loading it"""
    path = tmp_path / "huge.csv"
    line = b"C000001;02/11/2026;prospect;Ana;1;0;3;45\n"
    block = b"call_id;date;scenario;evaluator;w01;w02;w03;wait\n" + line * (2**20 // len(line))
    with open(path, "wb") as out:
        while out.tell() < 200 * 2**20:
            out.write(block)
    assert path.stat().st_size >= 200 * 2**20
    error = refused(path)
    assert error.file == "huge.csv"
    assert f"the limit is {MAX_BYTES // 2**20} MB" in error.problem


def test_upload_just_over_the_limit_is_refused(tmp_path):
    """uploaded bytes over the size limit: refused before any decoding"""
    data = b"a,b\n" + b"1,2\n" * ((MAX_BYTES // 4) + 1)
    _, error = bounded(lambda: read_table(data, name="upload.csv"), mib=8)
    assert error is not None and "too large" in error.problem


def test_file_of_tiny_rows_under_the_size_limit_is_refused_at_the_row_limit():
    """48 MB of two-cell rows (12 million): refused once reading passes MAX_ROWS, in bounded
    time and memory, instead of filling gigabytes"""
    data = b"a,b\n" + b"1,2\n" * (12 * 2**20)
    assert len(data) < MAX_BYTES
    _, error = bounded(lambda: read_table(data, name="tiny_rows.csv"), seconds=15, mib=100)
    assert error is not None and error.file == "tiny_rows.csv"
    assert error.problem == "the file has more than 200,000 rows, the limit; split it, or keep the rows you need"


def test_table_at_the_row_limit_is_read_whole():
    """exactly MAX_ROWS data rows: read, nothing dropped"""
    data = b"a;b\n" + b"".join(b"%d;x\n" % i for i in range(MAX_ROWS))
    frame = read_table(data, name="full.csv")
    assert len(frame) == MAX_ROWS
    assert frame.index[-1] == MAX_ROWS + 1 and frame["a"].iloc[-1] == str(MAX_ROWS - 1)


def test_ten_thousand_columns_are_refused():
    """a 10,000-column CSV: refused by the column limit, naming the count"""
    header = ",".join(f"c{i}" for i in range(10_000))
    data = (header + "\n" + ",".join("1" for _ in range(10_000)) + "\n").encode()
    error = refused(data, name="wide.csv")
    assert error.problem == f"the file has 10000 columns; the limit is {MAX_COLUMNS}"


def test_hundred_thousand_columns_are_refused():
    """a 100,000-column CSV: refused by the column limit, not a crash of the csv module"""
    header = ",".join(f"c{i}" for i in range(100_000))
    data = (header + "\n" + ",".join("1" for _ in range(100_000)) + "\n").encode()
    error = refused(data, name="wide.csv")
    assert error.file == "wide.csv" and "100000 columns" in error.problem


def test_row_of_hundred_thousand_cells_names_the_row():
    """a data row with 100,000 cells under a 2-column header: refused at its row"""
    error = refused(b"a,b\n1,2\n3,4" + b",7" * 100_000 + b"\n", name="ragged.csv")
    assert error.row == 3
    assert "the row has 100002 cells but the header has 2" in error.problem


@pytest.mark.parametrize("content", [
    b'a,b\n1,"' + b"x" * 200_000 + b'"\n',  # one 200,000-character cell
    b'a,b\n"1,2\n3,4\n' + b"y" * 200_000,  # a quote never closed swallows the rest
], ids=["huge-cell", "unclosed-quote"])
def test_runaway_cell_is_refused(content):
    """a 200,000-character cell or an unclosed quote: DataError, not a csv crash"""
    error = refused(content, name="runaway.csv")
    assert error.file == "runaway.csv" and "cannot be read as a table" in error.problem


def _xlsx_with_columns(n_columns: int, dimension: bytes | None) -> bytes:
    """An .xlsx of 3 rows × ``n_columns``, its ``<dimension>`` replaced (None: removed)."""
    book = openpyxl.Workbook()
    for r in range(3):
        book.active.append([f"c{i}" if r == 0 else i for i in range(n_columns)])
    buffer = io.BytesIO()
    book.save(buffer)
    source, out = zipfile.ZipFile(buffer), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                new = b"" if dimension is None else b'<dimension ref="' + dimension + b'"/>'
                content = re.sub(rb"<dimension [^>]*/>", new, content)
            target.writestr(item, content)
    return out.getvalue()


def test_wide_xlsx_without_dimension_is_refused():
    """an .xlsx with 5,000 columns and no <dimension> element: refused by the column limit"""
    data = _xlsx_with_columns(5_000, None)
    error = refused(data, name="wide.xlsx")
    assert "5000 columns" in error.problem


def test_xlsx_whose_dimension_lies_loses_nothing():
    """an .xlsx whose <dimension> says A1:B2 but holds 3 rows × 4 columns is read whole"""
    data = _xlsx_with_columns(4, b"A1:B2")
    frame, error = bounded(lambda: read_table(data, name="lying.xlsx"))
    assert error is None
    assert frame.shape == (2, 4)


# --- nothing half-written ---------------------------------------------------------------

def _import_calls(store, source):
    """What an import does: read the file, refuse duplicates, store every call in one go."""
    frame = read_table(source)
    require_columns(frame, ["call_id"])
    check_unique(frame, "call_id")
    records = [{k: v for k, v in rec.items()} for rec in frame.to_dict("records")]
    return store.add_calls(records)


@pytest.mark.parametrize("name", ["empty.csv", "header_only.csv", "pipe_separator.csv",
                                  "mixed_encoding.csv", "binary_renamed.csv", "duplicated_ids.csv",
                                  "merged_title.xlsx"])
def test_failed_import_leaves_store_unchanged(store, name):
    """a refused file changes nothing in the store (same ids, same records)"""
    store.add_calls([{"call_id": "K1", "evaluator": "Ana"}, {"call_id": "K2", "evaluator": "Léo"}])
    before = store.calls()
    with pytest.raises(DataError):
        _import_calls(store, BAD / name)
    pd.testing.assert_frame_equal(store.calls(), before)
    assert store.integrity_ok()


def test_batch_clashing_with_a_stored_call_stores_none(store):
    """add_calls: a file whose last call is already stored adds none of its calls"""
    store.add_call({"call_id": "C002", "evaluator": "earlier"})
    with pytest.raises(DataError, match="call 'C002' is already stored"):
        _import_calls(store, BAD / "several_sheets.xlsx")  # C001, C002
    assert store.call_ids() == {"C002"}
    assert store.calls().loc[0, "evaluator"] == "earlier"


# --- the same files through the loaders (issues 4 and 7) ------------------------------------

def _optional(module: str):
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:
        return None


audit = _optional("cxkit.audit")
complaints = _optional("cxkit.complaints")
needs_audit = pytest.mark.skipif(audit is None, reason="cxkit.audit (issue 4) is not in the tree yet")
needs_complaints = pytest.mark.skipif(complaints is None, reason="cxkit.complaints (issue 7) is not in the tree yet")

GENERIC = ["empty.csv", "header_only.csv", "pipe_separator.csv", "mixed_encoding.csv",
           "binary_renamed.csv", "merged_title.xlsx", "several_sheets_readme_first.xlsx"]


@pytest.fixture(scope="module")
def grid():
    return audit.load_grid()


def _load_calls(grid, source):
    return bounded(lambda: audit.load_calls(source, grid))


@needs_audit
@pytest.mark.parametrize("name", GENERIC)
def test_load_calls_refuses_generic_hostile_files(grid, name):
    """load_calls: every generic hostile file is one DataError naming the file"""
    _, error = _load_calls(grid, BAD / name)
    assert error is not None and error.file == name


@needs_audit
@pytest.mark.parametrize("name, row, column, problem", [
    ("campaign_duplicated_ids.csv", 4, "call_id", "'A002' appears more than once (first at row 3)"),
    ("campaign_negative_wait.csv", 3, "wait_seconds", "-45 is below the minimum 0"),
])
def test_load_calls_names_row_and_column(grid, name, row, column, problem):
    """load_calls: a duplicated call id or a negative wait names the file, row and column"""
    _, error = _load_calls(grid, BAD / name)
    assert error is not None
    assert (error.file, error.row, error.column) == (name, row, column)
    assert problem in error.problem


@needs_audit
def test_load_calls_keeps_formula_comments_as_text_and_exports_them_safely(grid):
    """load_calls: '=cmd' comments stay text, and the Excel export writes no formula"""
    calls, error = _load_calls(grid, BAD / "campaign_formula_comment.csv")
    assert error is None
    assert calls["comment"].tolist() == ["=cmd|' /C calc'!A0", "@SUM(A1:A9)", "+33 1 23 45 67 89"]
    scored = audit.score_calls(calls, grid)
    export = calls[["call_id", "comment"]].join(scored[["score"]], on="call_id")
    book = openpyxl.load_workbook(io.BytesIO(excel_bytes({"calls": export, "scores": scored.reset_index()})))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert book["calls"]["B2"].value == "=cmd|' /C calc'!A0" and book["calls"]["B2"].data_type == "s"


@needs_audit
def test_load_calls_refuses_a_date_in_the_future(grid):
    """load_calls: a call dated 2099 is a DataError at its row, column 'date'"""
    _, error = _load_calls(grid, BAD / "campaign_future_dates.csv")
    assert error is not None
    assert (error.row, error.column) == (3, "date")


@needs_audit
@pytest.mark.parametrize("name", GENERIC + ["campaign_duplicated_ids.csv", "campaign_negative_wait.csv"])
def test_failed_campaign_import_leaves_store_unchanged(store, grid, name):
    """a refused campaign file leaves the store exactly as it was"""
    store.add_calls([{"call_id": "K1", "evaluator": "Ana", "wait_seconds": 20.0}])
    before = store.calls()
    with pytest.raises(DataError):
        calls = audit.load_calls(BAD / name, grid)
        store.add_calls(calls.to_dict("records"))
    pd.testing.assert_frame_equal(store.calls(), before)
    assert store.integrity_ok()


@needs_audit
def test_campaign_clashing_with_stored_call_stores_none(store, grid):
    """add_calls: a valid campaign whose last call is already stored adds none of its calls"""
    store.add_call({"call_id": "A003", "evaluator": "earlier"})
    calls = audit.load_calls(BAD / "campaign_formula_comment.csv", grid)
    with pytest.raises(DataError, match="'A003' is already stored"):
        store.add_calls(calls.to_dict("records"))
    assert store.call_ids() == {"A003"}
    assert store.calls()["evaluator"].tolist() == ["earlier"]


@needs_complaints
@pytest.mark.parametrize("name", GENERIC)
def test_load_complaints_refuses_generic_hostile_files(name):
    """load_complaints: every generic hostile file is one DataError naming the file"""
    _, error = bounded(lambda: complaints.load_complaints(BAD / name))
    assert error is not None and error.file == name


@needs_complaints
@pytest.mark.parametrize("name, row, column, problem", [
    ("complaints_duplicated_ids.csv", 4, "complaint_id", "'R001' appears more than once (first at row 2)"),
    ("complaints_negative_days.csv", 3, "days_to_resolve", "-3 is below the minimum 0"),
])
def test_load_complaints_names_row_and_column(name, row, column, problem):
    """load_complaints: a duplicated id or negative days to resolve names file, row and column"""
    _, error = bounded(lambda: complaints.load_complaints(BAD / name))
    assert error is not None
    assert (error.file, error.row, error.column) == (name, row, column)
    assert problem in error.problem


@needs_complaints
def test_load_complaints_refuses_a_date_in_the_future():
    """load_complaints: a complaint dated 2099 is a DataError at its row, column 'date'"""
    _, error = bounded(lambda: complaints.load_complaints(BAD / "complaints_future_dates.csv"))
    assert error is not None
    assert (error.row, error.column) == (3, "date")
