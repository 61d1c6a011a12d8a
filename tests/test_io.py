"""cxkit.io: one reader for the files people really save, and safe Excel output."""
from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from cxkit import DataError
from cxkit.io import (check_unique, csv_bytes, excel_bytes, na_mask, neutralise, parse_bool,
                      parse_date, parse_number, read_table, require_columns)

FRENCH = "id;nom;attente\n1;Étienne;12,5\n2;Zoé;-\n"


def test_semicolon_decimal_comma_cp1252():
    """read_table: a French Excel CSV (; separator, cp1252) reads with accents intact"""
    frame = read_table(FRENCH.encode("cp1252"), name="appels.csv")
    assert list(frame.columns) == ["id", "nom", "attente"]
    assert frame.loc[2, "nom"] == "Étienne" and frame.loc[3, "nom"] == "Zoé"
    assert parse_number(frame, "attente", na_ok=True).loc[2] == 12.5


def test_utf8_bom_comma_separated():
    """read_table: UTF-8 with a BOM and commas gives clean column names"""
    frame = read_table("\ufeffid,nom\n1,Zoé\n".encode("utf-8"), name="a.csv")
    assert list(frame.columns) == ["id", "nom"] and frame.loc[2, "nom"] == "Zoé"


def test_index_is_spreadsheet_row_and_blank_rows_skipped():
    """read_table: the index is the spreadsheet row (header = 1), blank lines keep numbering"""
    frame = read_table(b"a,b\n1,2\n,\n3,4\n", name="a.csv")
    assert list(frame.index) == [2, 4]
    assert frame.attrs["source"] == "a.csv"


def test_xlsx_first_sheet(tmp_path):
    """read_table: an .xlsx reads its first sheet, numbers and dates as text"""
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["call_id", "date", "wait"])
    sheet.append([101, dt.datetime(2026, 11, 2), 12.5])
    path = tmp_path / "campaign.xlsx"
    book.save(path)
    frame = read_table(path)
    assert frame.loc[2].tolist() == ["101", "2026-11-02", "12.5"]


@pytest.mark.parametrize("content, problem", [
    (b"", "the file is empty"),
    (b"   \n\n", "the file is empty"),
    (b"a;b\n", "the file has a header but no data rows"),
    (b"a,a\n1,2\n", "the column name appears more than once"),
    (b"a,,c\n1,2,3\n", "a column has no name"),
    (b"a,b\n1,2,3\n", "the row has 3 cells but the header has 2"),
])
def test_bad_files_name_file_and_problem(content, problem):
    """read_table: an empty, header-only or malformed file raises one DataError naming the file"""
    with pytest.raises(DataError) as err:
        read_table(content, name="x.csv")
    assert str(err.value).startswith("file x.csv")
    assert problem in str(err.value)


def test_duplicate_column_message_names_row_and_column():
    """read_table: a duplicated column name is reported at row 1 with the column"""
    with pytest.raises(DataError, match=r"file x.csv, row 1, column 'a': the column name appears"):
        read_table(b"a;b;a\n1;2;3\n", name="x.csv")


def test_mixed_encoding_is_refused():
    """read_table: UTF-8 and cp1252 bytes in one file are refused, not silently garbled"""
    content = "nom\nZoé\n".encode("utf-8") + "Léa\n".encode("cp1252")
    with pytest.raises(DataError, match="mixes text encodings"):
        read_table(content, name="mixed.csv")


def test_unknown_type_and_binary():
    """read_table: a .pdf is refused by its type, NUL bytes as not text"""
    with pytest.raises(DataError, match="unsupported file type '.pdf'"):
        read_table(b"%PDF-1.4", name="x.pdf")
    with pytest.raises(DataError, match="not text"):
        read_table(b"a,b\x00\x01\n", name="x.csv")


def test_missing_file():
    """read_table: a path that does not exist is a DataError naming it"""
    with pytest.raises(DataError, match="file nothere.csv"):
        read_table("/nonexistent/nothere.csv")


def test_parse_number_message_names_row_and_column():
    """parse_number: text in a number column names the spreadsheet row and the column"""
    frame = read_table(b"id;wait\n1;12\n2;douze\n", name="c.csv")
    with pytest.raises(DataError) as err:
        parse_number(frame, "wait")
    assert str(err.value) == "file c.csv, row 3, column 'wait': 'douze' is not a number"


def test_parse_number_bounds_and_spaces():
    """parse_number: thousands spaces and decimal comma parse; bounds are enforced"""
    frame = read_table("v\n1 234,5\n-2\n".encode(), name="v.csv")
    np.testing.assert_allclose(parse_number(frame, "v"), [1234.5, -2.0])
    with pytest.raises(DataError, match="row 3.*-2 is below the minimum 0$"):
        parse_number(frame, "v", minimum=0)


def test_parse_bool_and_na():
    """parse_bool: oui/non, yes/no, true/false, 1/0; N/A tokens are missing"""
    frame = pd.DataFrame({"x": ["Oui", "non", "TRUE", "0", "N/A", "sans objet"]}, index=range(2, 8))
    result = parse_bool(frame, "x", na_ok=True)
    assert result.iloc[:4].tolist() == [1.0, 0.0, 1.0, 0.0]
    assert result.iloc[4:].isna().all()
    assert na_mask(frame["x"]).tolist() == [False, False, False, False, True, True]


def test_parse_date_both_formats():
    """parse_date: dd/mm/yyyy and ISO dates give the same day; junk names its row"""
    frame = pd.DataFrame({"d": ["02/11/2026", "2026-11-02"]}, index=[2, 3])
    dates = parse_date(frame, "d")
    assert (dates == pd.Timestamp("2026-11-02")).all()
    with pytest.raises(DataError, match="row 2.*'32/13/2026' is not a date"):
        parse_date(pd.DataFrame({"d": ["32/13/2026"]}, index=[2]), "d")


def test_check_unique_and_require_columns():
    """check_unique and require_columns name the duplicate's rows and the missing column"""
    frame = pd.DataFrame({"id": ["a", "b", "a"]}, index=[2, 3, 4])
    frame.attrs["source"] = "f.csv"
    with pytest.raises(DataError, match="row 4, column 'id': 'a' appears more than once \\(first at row 2\\)"):
        check_unique(frame, "id")
    with pytest.raises(DataError, match="column 'score': the column is missing"):
        require_columns(frame, ["id", "score"])


def test_excel_output_neutralises_formulas():
    """excel_bytes: text starting with = + - @ is written as text, never as a formula"""
    frame = pd.DataFrame({"comment": ["=cmd|' /C calc'!A0", "+1", "@SUM(A1)", "fine"], "n": [-1, 2, 3, 4]})
    book = openpyxl.load_workbook(io.BytesIO(excel_bytes({"calls": frame})))
    cells = [c for row in book["calls"].iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert book["calls"]["A2"].value == "=cmd|' /C calc'!A0" and book["calls"]["A2"].data_type == "s"
    assert book["calls"]["B2"].value == -1
    assert neutralise(-1) == -1


def test_csv_bytes_french_opens_in_french_excel():
    """csv_bytes: French output uses ; and a decimal comma, with a BOM"""
    data = csv_bytes(pd.DataFrame({"x": [1.5]}), lang="fr")
    assert data == "\ufeffx\n1,5\n".encode("utf-8")
    assert read_table(data, name="x.csv").loc[2, "x"] == "1,5"


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"], ids=["unix", "windows", "old-mac"])
def test_read_table_line_ends_and_quoted_line_breaks(newline):
    """every line end a spreadsheet writes; a quoted comment keeps its line break"""
    data = newline.join([b"call_id;comment;wait", b'C1;"line one' + newline + b'line two";12',
                         b"C2;short;30", b""])
    frame = read_table(data, name="ends.csv")
    assert list(frame.columns) == ["call_id", "comment", "wait"]
    assert frame["call_id"].tolist() == ["C1", "C2"]
    assert frame.loc[2, "comment"].splitlines() == ["line one", "line two"]
    assert frame["wait"].tolist() == ["12", "30"]
