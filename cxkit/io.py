"""Reading users' tables as people really save them, and writing Excel files safely.

One reader, :func:`read_table`, serves every loader in cxkit. It accepts CSV with ``,``
``;`` or tab separators, UTF-8 with or without BOM or Windows-1252, and ``.xlsx``
(first sheet). It returns text cells (``None`` where empty) in a DataFrame whose index is
the row number as a spreadsheet shows it (header = row 1), so a loader can say exactly
where a bad value is. The ``parse_*`` helpers turn a column into numbers, yes/no or
dates and raise :class:`cxkit.DataError` at the first bad cell.

This module is also the door every text passes (issue 13): :func:`clean_text` refuses
the invisible control characters of :data:`CONTROL_CHARS` in typed text and caps its
length, :func:`read_table` removes them from a file's cells and lists where
(``attrs["cleaned"]``, told by :func:`cleaned_note`), an ``.xlsx`` is checked by its
unpacked size and every row's width before anything large is built, numbers must be
finite and dates plausible, and the exports never let a spreadsheet run a cell. The
limits are listed in ``data/README.md`` ("Limits").
"""
from __future__ import annotations

import csv
import datetime as dt
import io as _io
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError
from .i18n import fmt_number, t

#: Files larger than this are refused before anything is parsed.
MAX_BYTES = 50 * 1024 * 1024
#: Tables wider than this are refused (a grid has a few dozen criteria at most).
MAX_COLUMNS = 1000
#: Tables longer than this (data rows) are refused when reading reaches that row, so a
#: file under MAX_BYTES of tiny rows cannot take gigabytes of memory (a campaign has
#: hundreds of calls; a year of complaints, tens of thousands).
MAX_ROWS = 200_000
#: Cell texts meaning "not applicable" (compared in lower case).
NA_TOKENS = frozenset({"", "na", "n/a", "n.a.", "-", "sans objet", "so", "s.o.", "nan"})
TRUE_TOKENS = frozenset({"1", "oui", "o", "yes", "y", "true", "vrai", "x"})
FALSE_TOKENS = frozenset({"0", "non", "n", "no", "false", "faux"})
#: Longest name-like text (call id, evaluator, scenario, category, batch label…), characters.
MAX_NAME_CHARS = 80
#: Longest free text (a comment, an answer), characters; also the longest cell a file may hold.
MAX_TEXT_CHARS = 2_000
#: Numbers larger than this in absolute value are refused (a thousand billion: beyond any
#: figure a workshop handles, and far below where floats lose whole units).
MAX_MAGNITUDE = 1e12
#: Dates before this are refused as typing errors (no campaign or complaint log is older).
EARLIEST_DATE = dt.date(1990, 1, 1)
#: An .xlsx whose parts unpack to more than this is refused before it is opened.
MAX_UNPACKED_BYTES = 256 * 2**20
#: ... and so is one whose shared-strings part alone unpacks to more than this ...
MAX_SHARED_STRINGS_BYTES = 64 * 2**20
#: ... or holds more different texts than this (openpyxl builds them all at once) ...
MAX_SHARED_STRINGS = 300_000
#: ... or a part over 10 MB compressed more than this many times (a zip bomb; real
#: worksheets compress 5 to 30 times).
MAX_COMPRESSION_RATIO = 100
#: Characters refused in typed text and removed from a file's cells: those XML forbids
#: (C0 controls but tab, line feed and carriage return; U+FFFE, U+FFFF; lone surrogates),
#: DEL and the C1 controls U+0080–U+009F, and the bidirectional overrides and isolates
#: (U+202A–U+202E, U+2066–U+2069), which reorder how a label reads without being seen.
CONTROL_RANGES = ("\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                  "\ufffe\uffff\ud800-\udfff")
CONTROL_CHARS = re.compile(f"[{CONTROL_RANGES}]")
#: Tabs and line breaks, made one space where a text must fit on one line.
LINE_BREAKS = re.compile("[\t\r\n]+")
_MOJIBAKE = re.compile("Ã[\u0080-\u00bf©¨ª«®¯°±²³´µ¶·¸¹º»¼½¾¿€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]|â€")


# --- text at the doors ------------------------------------------------------------------

def clean_text(value, *, field: str | None = None, max_length: int | None = None, one_line: bool = False,
               remove: bool = False, row: int | None = None, file: str | None = None) -> str | None:
    """Text checked at a door (a form, a file's cell, the store).

    Parameters
    ----------
    value : str or None
        ``None`` is returned as it is; anything else is turned into ``str``.
    field : str, optional
        The field or column named in the error (the form shows it next to that field).
    max_length : int, optional
        Longest text accepted, in characters (:data:`MAX_NAME_CHARS` for names,
        :data:`MAX_TEXT_CHARS` for comments).
    one_line : bool
        Tabs and line breaks become one space (a name is one line).
    remove : bool
        Remove the characters of :data:`CONTROL_CHARS` instead of refusing the text (for a
        file's cells, see :func:`read_table`); typed text is refused.
    row, file : optional
        Where the text comes from, for the error.

    Raises
    ------
    DataError
        The text holds a character of :data:`CONTROL_CHARS` (and ``remove`` is false),
        naming it as ``U+0007``; or it is longer than ``max_length``.
    """
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    found = CONTROL_CHARS.search(text)
    if found:
        if not remove:
            raise DataError(t("safety.control_char", char=f"U+{ord(found.group()):04X}"),
                            file=file, row=row, column=field)
        text = CONTROL_CHARS.sub("", text)
    if one_line:
        text = LINE_BREAKS.sub(" ", text)
    if max_length is not None and len(text) > max_length:
        raise DataError(t("safety.too_long", n=fmt_number(len(text)), limit=fmt_number(max_length)),
                        file=file, row=row, column=field)
    return text


def check_text_column(frame: pd.DataFrame, column: str, max_length: int, *, one_line: bool = True) -> pd.Series:
    """The column's cells as clean text (``None`` kept), refusing the first cell longer
    than ``max_length`` with its row and column; tabs and line breaks become spaces in a
    ``one_line`` column. Control characters were already removed by :func:`read_table`."""
    values = frame[column]
    texts = [v for v in values.to_numpy() if isinstance(v, str)]
    joined = "".join(texts)
    if (max(map(len, texts), default=0) <= max_length and not CONTROL_CHARS.search(joined)
            and not (one_line and LINE_BREAKS.search(joined))):
        return values.astype(object)  # the usual case, without a call per cell
    name = frame.attrs.get("source")
    out = [clean_text(v, field=column, max_length=max_length, one_line=one_line, remove=True, row=row, file=name)
           if isinstance(v, str) else v for row, v in values.items()]
    return pd.Series(out, index=values.index, dtype=object, name=column)


def cleaned_note(frame: pd.DataFrame, lang: str | None = None, *, show: int = 5) -> str | None:
    """One sentence saying which cells of a file lost control characters when it was read
    (``frame.attrs["cleaned"]``, a list of ``(row, column)``), else ``None``."""
    places = list(frame.attrs.get("cleaned") or [])
    if not places:
        return None
    shown = [t("safety.cleaned_place", lang, row=r, column=c) for r, c in places[:show]]
    if len(places) > show:
        shown.append(t("safety.cleaned_more", lang, n=len(places) - show))
    return t("safety.cleaned", lang, n=len(places), file=frame.attrs.get("source") or "table",
             places="; ".join(shown))


def _joined_text(values: np.ndarray) -> str:
    """The text cells of an object array joined into one string (to search it once)."""
    present = values[~pd.isna(values)]
    try:
        return "".join(present)  # the usual case: every non-empty cell is a str
    except TypeError:
        return "".join(v for v in present if isinstance(v, str))


def _clean_cells(frame: pd.DataFrame) -> list[tuple[int, str]]:
    """Remove :data:`CONTROL_CHARS` from every text cell and column name of ``frame`` in
    place; return the ``(row, column)`` of each cell changed (row 1 for a column name).
    A column is scanned cell by cell only when its joined text holds such a character."""
    cleaned: list[tuple[int, str]] = []
    renamed = {}
    for col in frame.columns:
        if isinstance(col, str) and CONTROL_CHARS.search(col):
            renamed[col] = CONTROL_CHARS.sub("", col).strip()
            cleaned.append((1, renamed[col]))
    for col in frame.columns:
        values = frame[col]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        if not CONTROL_CHARS.search(_joined_text(values.to_numpy())):
            continue
        fixed = []
        for row, v in values.items():
            if isinstance(v, str) and CONTROL_CHARS.search(v):
                v = CONTROL_CHARS.sub("", v).strip() or None
                cleaned.append((row, renamed.get(col, col)))
            fixed.append(v)
        frame[col] = pd.Series(fixed, index=values.index, dtype=object)
    if renamed:
        frame.rename(columns=renamed, inplace=True)
    return cleaned


def source_name(source) -> str:
    """A short name for messages: the file name, else the object's ``name``, else ``table``."""
    if isinstance(source, (str, Path)):
        return Path(source).name
    if isinstance(source, pd.DataFrame):
        return source.attrs.get("source", "table")
    return Path(getattr(source, "name", "") or "table").name


def _raw_bytes(source, name: str) -> bytes:
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise DataError(t("io.unreadable", reason=exc.strerror or str(exc)), file=name) from None
        _check_size(size, name)
        return path.read_bytes()
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif hasattr(source, "read"):
        data = source.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
    else:
        raise TypeError(f"cannot read a table from {type(source).__name__}")
    _check_size(len(data), name)
    return data


def _check_size(size: int, name: str) -> None:
    if size > MAX_BYTES:
        raise DataError(t("io.too_large", size=round(size / 2**20), limit=MAX_BYTES // 2**20), file=name)


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data:  # the whole file (a C-speed scan), not only its start
        raise DataError(t("io.binary"), file=name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if _MOJIBAKE.search(text):
        raise DataError(t("io.mixed_encoding"), file=name)
    return text


_ONE_COLUMN = "\x1f"  # ASCII unit separator: never in a user's text


def _separator(header_line: str) -> str:
    """The separator that splits the header into the most fields (``;`` wins ties, as
    French spreadsheets save it); a header with one field means a one-column table."""
    counts = {sep: header_line.count(sep) + 1 for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 1 else _ONE_COLUMN


def _rows_from_csv(data: bytes, name: str, limit: int = MAX_ROWS) -> list[list]:
    text = _decode(data, name)
    if not text or text.isspace():  # (no stripped copy of a large file)
        raise DataError(t("io.empty_file"), file=name)
    first_line = next(line for line in _lines(text) if line.strip("\r\n"))
    sep = _separator(first_line)
    n_header = first_line.count(sep) + 1  # counted before csv parses a possibly huge header
    if n_header > MAX_COLUMNS:
        raise DataError(t("io.too_many_columns", n=n_header, limit=MAX_COLUMNS), file=name)
    rows = []
    try:
        for row in csv.reader(_lines(text), delimiter=sep):
            rows.append(row)
            _check_length(rows, name, limit)
    except csv.Error as exc:
        raise DataError(t("io.unreadable", reason=str(exc)), file=name) from None
    return rows


def _lines(text: str):
    """The text's lines with their ends, one at a time, for ``csv.reader`` (``io.StringIO``
    would first copy the whole file into a buffer four times its size). Lines end with
    ``\n`` (``\r\n`` included), or ``\r`` alone in files with no ``\n`` (old Mac Excel)."""
    sep = "\n" if "\n" in text else "\r"
    start = 0
    while start < len(text):
        end = text.find(sep, start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _check_length(rows: list, name: str, limit: int = MAX_ROWS) -> None:
    if len(rows) > limit + 1:  # the header and ``limit`` data rows are allowed
        raise DataError(t("io.too_many_rows", limit=fmt_number(limit)), file=name)


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")


def _check_xlsx_archive(data: bytes, name: str) -> None:
    """Refuse an .xlsx whose parts unpack to too much, compress suspiciously well, or hold
    too many shared strings, before openpyxl builds anything (it reads every shared string
    into memory when it opens the book). Sizes are those the archive declares, which bound
    what can be unpacked (zipfile stops at the declared size)."""
    try:
        archive = zipfile.ZipFile(_io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DataError(t("io.unreadable", reason=type(exc).__name__), file=name) from None
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise DataError(t("safety.xlsx_unpacked", size=fmt_number(total / 2**20),
                          limit=fmt_number(MAX_UNPACKED_BYTES / 2**20)), file=name)
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 10 * 2**20 and ratio > MAX_COMPRESSION_RATIO:
            raise DataError(t("safety.xlsx_ratio", ratio=fmt_number(ratio)), file=name)
    strings = next((i for i in infos if i.filename.lower().endswith("sharedstrings.xml")), None)
    if strings is None:
        return
    if strings.file_size > MAX_SHARED_STRINGS_BYTES:
        raise DataError(t("safety.xlsx_unpacked", size=fmt_number(strings.file_size / 2**20),
                          limit=fmt_number(MAX_SHARED_STRINGS_BYTES / 2**20)), file=name)
    count, tail = 0, b""
    too_many = DataError(t("safety.xlsx_strings", limit=fmt_number(MAX_SHARED_STRINGS)), file=name)
    try:
        with archive.open(strings) as part:
            while chunk := part.read(2**20):
                block = tail + chunk
                # the last bytes are read again with the next chunk (a tag may be cut
                # between two chunks): count their matches then, not now
                tail = block[-64:]
                count += len(_SHARED_STRING.findall(block)) - len(_SHARED_STRING.findall(tail))
                if count > MAX_SHARED_STRINGS:
                    raise too_many
        count += len(_SHARED_STRING.findall(tail))
        if count > MAX_SHARED_STRINGS:
            raise too_many
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise DataError(t("io.unreadable", reason=type(exc).__name__), file=name) from None


def _rows_from_xlsx(data: bytes, name: str, limit: int = MAX_ROWS) -> list[list]:
    """The first sheet's rows as text cells, each row only as long as its last non-empty
    cell. openpyxl's read-only rows are padded to their last cell (a cell in column XFD
    makes a 16,384-cell row), so the sheet is parsed here from openpyxl's row parser: a
    row wider than ``MAX_COLUMNS`` or than the header is refused before it is built.

    The parser and the sheet's source are openpyxl's own (``WorkSheetParser``,
    ``ReadOnlyWorksheet._get_source``, as in ``ReadOnlyWorksheet._cells_by_row`` of
    openpyxl 3.1); ``tests/test_io.py`` and ``tests/test_doors.py`` read real files through
    it, so a change in openpyxl shows there."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    _check_xlsx_archive(data, name)
    try:
        book = load_workbook(_io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise DataError(t("io.unreadable", reason=type(exc).__name__), file=name) from None
    try:
        sheet = book.worksheets[0]
        rows: list[list] = []
        width = None  # the header's width, once row 1 is read
        # the sheet's declared size is ignored (some exporters get it wrong or omit it):
        # rows are read as they really are, as ReadOnlyWorksheet._cells_by_row does
        with sheet._get_source() as source:
            parser = WorkSheetParser(source, sheet._shared_strings, data_only=True, epoch=book.epoch,
                                     date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
            for number, cells in parser.parse():
                while len(rows) < number - 1:  # rows missing from the file are empty
                    rows.append([])
                    _check_length(rows, name, limit)
                    width = 0 if width is None else width
                if len(rows) >= number:  # a row repeated out of order: keep the first
                    continue
                present = [(c["column"], c["value"]) for c in cells if not _blank(c["value"])]
                last = max((col for col, _ in present), default=0)
                if last > MAX_COLUMNS:
                    raise DataError(t("io.too_many_columns", n=last, limit=MAX_COLUMNS), file=name, row=number)
                if width is not None and last > width:
                    raise DataError(t("io.ragged_row", n=last, expected=width), file=name, row=number)
                row: list = [None] * last
                for col, value in present:
                    row[col - 1] = _cell_text(value)
                rows.append(row)
                _check_length(rows, name, limit)
                if width is None:
                    width = last
        return rows
    except DataError:
        raise
    except Exception as exc:  # a damaged sheet part
        raise DataError(t("io.unreadable", reason=type(exc).__name__), file=name) from None
    finally:
        book.close()


def read_table(source, *, name: str | None = None, allow_empty: bool = False,
               max_rows: int | None = None) -> pd.DataFrame:
    """Read a CSV or ``.xlsx`` table into text cells.

    Parameters
    ----------
    source : path, bytes, file-like object or DataFrame
        Bytes and file objects need ``name`` (or a ``.name``) ending in ``.csv``/``.xlsx``;
        bytes starting like a zip archive are read as ``.xlsx`` whatever the name.
    name : str, optional
        The file name used in messages.
    allow_empty : bool
        Accept a header with no data rows.
    max_rows : int, optional
        Refuse a file with more data rows than this (at most, and by default,
        :data:`MAX_ROWS`), as soon as reading passes it.

    Returns
    -------
    DataFrame
        Column names stripped of spaces; cells are ``str`` or ``None``; the index is the
        spreadsheet row number (header = row 1); rows with every cell empty are dropped;
        ``df.attrs["source"]`` holds the file name. Characters of :data:`CONTROL_CHARS`
        are removed from every cell and column name, and ``df.attrs["cleaned"]`` lists
        the ``(row, column)`` of each cell changed (:func:`cleaned_note` says it in a
        sentence); a DataFrame source is cleaned the same way.

    Raises
    ------
    DataError
        Empty or unreadable file, unsupported type, NUL bytes anywhere (not text), too
        large, too wide or too long (``MAX_BYTES``, ``MAX_COLUMNS``, ``MAX_ROWS``), a
        cell longer than ``MAX_TEXT_CHARS``, an ``.xlsx`` too big once unpacked
        (``MAX_UNPACKED_BYTES``, ``MAX_SHARED_STRINGS_BYTES``, ``MAX_SHARED_STRINGS``,
        ``MAX_COMPRESSION_RATIO``), a column without a name or a duplicated column
        name, a row longer than the header.
    """
    name = name or source_name(source)
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        frame.attrs["source"] = name
        frame.attrs["cleaned"] = _clean_cells(frame)
        return frame
    limit = MAX_ROWS if max_rows is None else min(max_rows, MAX_ROWS)
    data = _raw_bytes(source, name)
    suffix = Path(name).suffix.lower()
    if data[:4] == b"PK\x03\x04" or suffix in {".xlsx", ".xlsm"}:
        rows = _rows_from_xlsx(data, name, limit)
    elif suffix in {".csv", ".txt", ".tsv", ""}:
        rows = _rows_from_csv(data, name, limit)
    else:
        raise DataError(t("io.unknown_type", suffix=suffix), file=name)
    return _frame_from_rows(rows, name, allow_empty)


def _frame_from_rows(rows: list[list], name: str, allow_empty: bool) -> pd.DataFrame:
    if not rows or all(all(_blank(c) for c in row) for row in rows):
        raise DataError(t("io.empty_file"), file=name)
    cleaned: list[tuple[int, str]] = []
    header = [(c or "").strip() for c in rows[0]]
    for i, col in enumerate(header):
        if CONTROL_CHARS.search(col):
            header[i] = CONTROL_CHARS.sub("", col).strip()
            cleaned.append((1, header[i]))
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    seen: dict[str, int] = {}
    for i, col in enumerate(header):
        if col == "":
            raise DataError(t("io.empty_column_name"), file=name, row=1)
        if col in seen:
            raise DataError(t("io.duplicate_column"), file=name, row=1, column=col)
        seen[col] = i
    body, index = [], []
    for number, row in enumerate(rows[1:], start=2):
        cells = [None if _blank(c) else str(c).strip() for c in row]
        if all(c is None for c in cells):
            continue
        if len(cells) > width:
            if any(c is not None for c in cells[width:]):
                raise DataError(t("io.ragged_row", n=len(cells), expected=width), file=name, row=number)
            cells = cells[:width]
        body.append(cells + [None] * (width - len(cells)))
        index.append(number)
    if not body and not allow_empty:
        raise DataError(t("io.no_rows"), file=name)
    frame = pd.DataFrame(body, columns=header, index=pd.Index(index, name="row"), dtype=object)
    frame.attrs["source"] = name
    for col in frame.columns:  # the longest cell of each column, found at C speed
        values = frame[col].to_numpy()
        if max(map(len, values[~pd.isna(values)]), default=0) > MAX_TEXT_CHARS:
            lengths = frame[col].map(lambda v: len(v) if isinstance(v, str) else 0)
            row = (lengths > MAX_TEXT_CHARS).idxmax()
            raise DataError(t("safety.too_long", n=fmt_number(int(lengths[row])), limit=fmt_number(MAX_TEXT_CHARS)),
                            file=name, row=row, column=col)
    frame.attrs["cleaned"] = cleaned + _clean_cells(frame)
    return frame


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


# --- column helpers -------------------------------------------------------------------

def require_columns(frame: pd.DataFrame, columns: Iterable[str]) -> None:
    """Raise ``DataError`` naming the first expected column that ``frame`` lacks."""
    columns = list(columns)
    for col in columns:
        if col not in frame.columns:
            raise DataError(t("io.missing_column", expected=", ".join(columns)),
                            file=frame.attrs.get("source"), row=1, column=col)


def _fail(frame: pd.DataFrame, row, column: str, problem: str):
    raise DataError(problem, file=frame.attrs.get("source"), row=row, column=column)


def na_mask(values: pd.Series) -> pd.Series:
    """True where a cell is empty or a "not applicable" token (NA, N/A, -, sans objet…)."""
    text = values.astype("string").str.strip().str.lower()
    return values.isna() | text.isin(NA_TOKENS).fillna(True).astype(bool)


def parse_number(frame: pd.DataFrame, column: str, *, minimum: float | None = None,
                 maximum: float | None = None, na_ok: bool = False) -> pd.Series:
    """The column as floats; a decimal comma and spaces between thousands are accepted.

    Empty or NA cells become NaN when ``na_ok``, else raise. Raises ``DataError`` at the
    first cell that is not a number, is infinite (``inf``), lies outside
    ``[minimum, maximum]`` or beyond :data:`MAX_MAGNITUDE` in absolute value.
    """
    values = frame[column]
    missing = na_mask(values)
    text = (values.astype("string").str.replace("\u202f", "", regex=False)
            .str.replace("\u00a0", "", regex=False).str.replace(" ", "", regex=False)
            .str.replace(",", ".", regex=False))
    numbers = pd.to_numeric(text.where(~missing), errors="coerce").astype(float)
    bad = numbers.isna() & ~missing
    if bad.any():
        row = bad.idxmax()
        _fail(frame, row, column, t("io.not_a_number", value=values[row]))
    infinite = np.isinf(numbers)
    if infinite.any():
        row = infinite.idxmax()
        _fail(frame, row, column, t("safety.not_finite", value=values[row]))
    if not na_ok and missing.any():
        _fail(frame, missing.idxmax(), column, t("io.required"))
    if minimum is not None and (numbers < minimum).any():
        row = (numbers < minimum).idxmax()
        _fail(frame, row, column, t("io.below_min", value=values[row], minimum=f"{minimum:g}"))
    if maximum is not None and (numbers > maximum).any():
        row = (numbers > maximum).idxmax()
        _fail(frame, row, column, t("io.above_max", value=values[row], maximum=f"{maximum:g}"))
    huge = numbers.abs() > MAX_MAGNITUDE
    if huge.any():
        row = huge.idxmax()
        _fail(frame, row, column, t("safety.too_big", value=values[row], limit=fmt_number(MAX_MAGNITUDE)))
    return numbers


def parse_bool(frame: pd.DataFrame, column: str, *, na_ok: bool = False) -> pd.Series:
    """The column as 1.0/0.0 (NaN where not applicable and ``na_ok``).

    Accepts oui/non, yes/no, vrai/faux, true/false, 1/0 in any case.
    """
    values = frame[column]
    missing = na_mask(values)
    text = values.astype("string").str.strip().str.lower()
    result = pd.Series(np.nan, index=frame.index, dtype=float)
    result[text.isin(TRUE_TOKENS).fillna(False).astype(bool)] = 1.0
    result[text.isin(FALSE_TOKENS).fillna(False).astype(bool)] = 0.0
    bad = result.isna() & ~missing
    if bad.any():
        row = bad.idxmax()
        _fail(frame, row, column, t("io.not_a_bool", value=values[row]))
    if not na_ok and missing.any():
        _fail(frame, missing.idxmax(), column, t("io.required"))
    return result


def parse_date(frame: pd.DataFrame, column: str, *, na_ok: bool = False,
               earliest: dt.date | None = EARLIEST_DATE, latest: dt.date | None = None) -> pd.Series:
    """The column as dates (``datetime64``); accepts ``dd/mm/yyyy`` and ISO ``yyyy-mm-dd``.

    A date that does not exist (31/02/2026) is "not a date", never another day. Raises
    ``DataError`` at the first cell before ``earliest`` (default :data:`EARLIEST_DATE`,
    1 January 1990) or after ``latest`` (a loader passes today where a future date cannot
    be right); ``None`` lifts either bound.
    """
    values = frame[column]
    missing = na_mask(values)
    text = values.astype("string").str.strip().str.slice(0, 10)
    iso = pd.to_datetime(text.where(~missing), format="%Y-%m-%d", errors="coerce")
    french = pd.to_datetime(text.where(~missing), format="%d/%m/%Y", errors="coerce")
    dates = iso.fillna(french)
    bad = dates.isna() & ~missing
    if bad.any():
        row = bad.idxmax()
        _fail(frame, row, column, t("io.not_a_date", value=values[row]))
    if not na_ok and missing.any():
        _fail(frame, missing.idxmax(), column, t("io.required"))
    from .i18n import fmt_date

    if earliest is not None and (dates < pd.Timestamp(earliest)).any():
        row = (dates < pd.Timestamp(earliest)).idxmax()
        _fail(frame, row, column, t("safety.date_too_early", value=values[row], earliest=fmt_date(earliest)))
    if latest is not None and (dates > pd.Timestamp(latest)).any():
        row = (dates > pd.Timestamp(latest)).idxmax()
        _fail(frame, row, column, t("safety.date_too_late", value=values[row], latest=fmt_date(latest)))
    return dates


def check_unique(frame: pd.DataFrame, column: str) -> None:
    """Raise ``DataError`` at the first value of ``column`` seen twice."""
    values = frame[column]
    dup = values.duplicated(keep="first")
    if dup.any():
        row = dup.idxmax()
        first = values.index[values.eq(values[row])][0]
        _fail(frame, row, column, t("io.duplicate_value", value=values[row], first=first))


def load_volume_profile(source, *, name: str | None = None) -> pd.DataFrame:
    """A day's call volume by interval, for ``cxkit.queueing.day_plan``.

    The table has one row per interval with ``start`` (``HH:MM``, the interval's first
    minute) and ``calls`` (calls offered in the interval, ≥ 0); optional columns
    ``abandoned`` (calls that hung up, at most ``calls``) and ``mean_wait_seconds`` (mean
    wait of all callers, answered or not). Starts must increase by the same step of 15 or
    30 minutes. Returns the columns ``start``, ``minutes`` (the step), ``calls`` and the
    optional ones as numbers; the index is the spreadsheet row. Raises ``DataError`` naming
    the file, the row, the column and the problem.
    """
    frame = read_table(source, name=name)
    require_columns(frame, ("start", "calls"))
    out = pd.DataFrame(index=frame.index)
    minutes = []
    for row, value in frame["start"].items():
        match = re.fullmatch(r"(\d{1,2})[:hH](\d{2})(?::00)?", (value or "").strip())  # a spreadsheet's 09:00:00 too
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            _fail(frame, row, "start", t("queueing.profile_bad_start", value=value))
        minutes.append(int(match.group(1)) * 60 + int(match.group(2)))
    steps = np.diff(minutes)
    step = int(steps[0]) if len(steps) else 30
    if step not in (15, 30):
        _fail(frame, frame.index[1], "start", t("queueing.profile_bad_step", value=step))
    for i, gap in enumerate(steps, start=1):
        if gap != step:
            _fail(frame, frame.index[i], "start", t("queueing.profile_uneven", value=frame["start"].iloc[i],
                                                     step=step))
    out["start"] = [f"{m // 60:02d}:{m % 60:02d}" for m in minutes]
    out["minutes"] = step
    out["calls"] = parse_number(frame, "calls", minimum=0)
    if "abandoned" in frame.columns:
        out["abandoned"] = parse_number(frame, "abandoned", minimum=0)
        over = out["abandoned"] > out["calls"]
        if over.any():
            _fail(frame, over.idxmax(), "abandoned", t("queueing.profile_abandoned_above_calls",
                                                       value=frame.at[over.idxmax(), "abandoned"]))
    if "mean_wait_seconds" in frame.columns:
        out["mean_wait_seconds"] = parse_number(frame, "mean_wait_seconds", minimum=0)
    out.attrs["source"] = frame.attrs.get("source")
    return out


# --- writing --------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")


def formula_like(value) -> bool:
    """True for a text a spreadsheet could run as a formula: it starts with ``= + - @``,
    a tab or a carriage return (OWASP, "CSV injection"). Numbers, and texts that are
    plainly a number (``-12,5``), are not."""
    return (isinstance(value, str) and value.startswith(_FORMULA_START)
            and _PLAIN_NUMBER.fullmatch(value) is None)


def neutralise(value):
    """A formula-like text (:func:`formula_like`) gets a leading apostrophe so no
    spreadsheet runs it (for CSV, which has no cell types); anything else is returned as is.
    Numbers are left alone (a negative number is not a formula)."""
    return "'" + value if formula_like(value) else value


def _text_cleaned(value):
    """A text without control characters (openpyxl refuses them; a chart engine chokes on
    them); anything else as is."""
    if isinstance(value, str) and CONTROL_CHARS.search(value):
        return CONTROL_CHARS.sub("", value)
    return value


def _safe_frame(frame: pd.DataFrame, index: bool, cell) -> pd.DataFrame:
    """A copy of ``frame`` with ``cell`` applied to every text cell, column name and index
    label (any column holding text: object, string or category)."""
    safe = frame.copy()
    for i in range(safe.shape[1]):
        col = safe.iloc[:, i]
        if col.dtype == object or pd.api.types.is_string_dtype(col) or isinstance(col.dtype, pd.CategoricalDtype):
            safe.isetitem(i, col.astype(object).map(cell))
    safe.columns = [cell(c if isinstance(c, str) else str(c)) for c in safe.columns]
    if index:
        if isinstance(safe.index, pd.MultiIndex):
            safe.index = safe.index.set_levels([level.map(cell) if level.dtype == object else level
                                                for level in safe.index.levels])
        elif safe.index.dtype == object or pd.api.types.is_string_dtype(safe.index):
            safe.index = safe.index.map(cell)
    return safe


def excel_bytes(sheets: Mapping[str, pd.DataFrame], *, index: bool = False) -> bytes:
    """An ``.xlsx`` workbook with one sheet per table.

    Control characters are removed from text (openpyxl cannot write them). A formula-like
    text (:func:`formula_like`, e.g. ``=HYPERLINK(...)``) is written as a text cell with
    Excel's hidden quote prefix: Excel shows it as typed, never runs it, and no apostrophe
    appears. Sheet names lose ``[]:*?/\\`` and are cut to Excel's 31 characters.
    """
    buffer = _io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for title, frame in sheets.items():
            safe = _safe_frame(frame, index, _text_cleaned)
            name = _SHEET_TITLE.sub("-", CONTROL_CHARS.sub("", str(title)))[:31] or "Sheet"
            safe.to_excel(writer, sheet_name=name, index=index)
            for row in writer.sheets[name].iter_rows():
                for cell in row:
                    if cell.data_type == "f" or formula_like(cell.value):
                        cell.data_type = "s"  # a string cell: Excel shows it, never evaluates it
                        cell.quotePrefix = True  # and keeps it text if someone edits the cell
    return buffer.getvalue()


def csv_bytes(frame: pd.DataFrame, *, lang: str | None = None, index: bool = False) -> bytes:
    """CSV as a spreadsheet in that language opens it: ``;`` and decimal comma in French
    (UTF-8 with BOM so Excel reads the accents), ``,`` and decimal point in English.

    Every text cell, column name and index label loses its control characters, and a
    formula-like one (:func:`formula_like`) gets a leading apostrophe (OWASP's advice for
    CSV injection; CSV has no cell type to say "text"). Numbers are written as numbers."""
    from .i18n import get_language

    lang = lang or get_language()
    safe = _safe_frame(frame, index, lambda v: neutralise(_text_cleaned(v)))
    if lang == "fr":
        text = safe.to_csv(sep=";", decimal=",", index=index)
    else:
        text = safe.to_csv(sep=",", index=index)
    return text.encode("utf-8-sig")
