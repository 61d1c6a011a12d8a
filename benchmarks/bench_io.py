"""Refusing hostile files at the door: time and peak memory.

Each measure runs in a fresh Python process (``python -c``): the figure is the peak
*extra* resident memory, the process's peak (``VmHWM``, reset through
``/proc/self/clear_refs`` just before reading) minus its resident memory then (imports
and the file's bytes included in that baseline). Linux only.

* an ``.xlsx`` with a two-column header and one cell in column XFD (16,384) on each of
  20,000 rows (150 KB here, 223 KB as the issue's was packed): before issue 13, openpyxl's
  read-only mode padded each row to 16,384 cells; this file cost +2,614 MB and 37–82 s
  before being refused (measured with this module on the main of before, on a shared
  two-core machine);
* 300,001 shared strings (one over the cap; accepted before, in 5–24 s, +46 MB) and a
  200 MB run of one letter packed into 203 KB (a zip bomb; before: 12–13 s and +404 MB,
  then "no data rows" as lxml drops the huge text node).
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_SCRIPT = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from cxkit import DataError
from cxkit.io import read_table
import openpyxl  # imported before the measure, as in a kernel that has read a file


def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # MB
data = open(sys.argv[2], "rb").read()
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # reset the peak (VmHWM) to the resident memory now
before = status("VmRSS")
start = time.perf_counter()
try:
    read_table(data, name="hostile.xlsx")
    problem = None
except DataError as exc:
    problem = str(exc)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "extra_mb": status("VmHWM") - before, "problem": problem}))
"""


def _with_sheet(sheet_xml: bytes, shared: bytes | None = None) -> bytes:
    """A valid .xlsx made by openpyxl whose first sheet (and shared strings) are replaced."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["a"])
    base = io.BytesIO()
    book.save(base)
    source, out = zipfile.ZipFile(base), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = sheet_xml
            elif shared is not None and item.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                                          b'"application/vnd.openxmlformats-officedocument.spreadsheetml.'
                                          b'sharedStrings+xml"/></Types>')
            elif shared is not None and item.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"</Relationships>", b'<Relationship Id="rIdShared" Type="http://'
                                          b'schemas.openxmlformats.org/officeDocument/2006/relationships/'
                                          b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
            target.writestr(item.filename, content)
        if shared is not None:
            target.writestr("xl/sharedStrings.xml", shared)
    return out.getvalue()


def _sheet(rows: bytes) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + rows + b"</sheetData></worksheet>")


def padded_xlsx(n_rows: int = 20_000) -> bytes:
    """A narrow header (``call_id``, ``evaluator``) then ``n_rows`` rows each holding one
    cell in column XFD, the last Excel allows (about 223 KB for 20,000 rows)."""
    head = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>call_id</t></is></c>'
            b'<c r="B1" t="inlineStr"><is><t>evaluator</t></is></c></row>')
    body = b"".join(b'<row r="%d"><c r="XFD%d"><v>%d</v></c></row>' % (r, r, r) for r in range(2, n_rows + 2))
    return _with_sheet(_sheet(head + body))


def shared_strings_xlsx(n_strings: int = 300_001) -> bytes:
    """One column of ``n_strings`` different texts held as shared strings."""
    shared = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              + b"".join(b"<si><t>s%d</t></si>" % i for i in range(n_strings)) + b"</sst>")
    rows = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c></row>' % (i + 1, i + 1, i)
                    for i in range(min(n_strings, 1000)))
    return _with_sheet(_sheet(rows), shared)


def bomb_xlsx(megabytes: int = 200) -> bytes:
    """One inline string cell of ``megabytes`` MB of the letter x (a few hundred KB packed)."""
    cell = b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + b"x" * (megabytes * 2**20) + b"</t></is></c></row>"
    return _with_sheet(_sheet(cell))


def refuse_in_subprocess(data: bytes, root: Path = ROOT, tmp: Path | None = None) -> dict:
    """Time, peak extra memory (MB) and message of refusing ``data`` with the ``cxkit`` found
    under ``root`` (pass an older checkout to measure "before")."""
    import tempfile

    with tempfile.TemporaryDirectory(dir=tmp) as folder:
        path = Path(folder) / "hostile.xlsx"
        path.write_bytes(data)
        out = subprocess.run([sys.executable, "-c", _SCRIPT, str(root), str(path)], capture_output=True,
                             text=True, check=True, timeout=900)
    return json.loads(out.stdout.strip().splitlines()[-1])


_cache: dict[str, dict] = {}


def _measure(kind: str) -> dict:
    if kind not in _cache:
        data = {"padded": padded_xlsx, "strings": shared_strings_xlsx, "bomb": bomb_xlsx}[kind]()
        result = refuse_in_subprocess(data)
        result["kb"] = len(data) / 1024
        _cache[kind] = result
    return _cache[kind]


def _note(result: dict) -> str:
    return f"{result['kb']:.0f} KB file; refused: {result['problem']}"


def bench_padded_xlsx_time():
    r = _measure("padded")
    return {"name": "io: refuse the 20,000-row XFD-padded xlsx (time)", "value": r["seconds"], "unit": "s",
            "target": 5.0, "notes": _note(r) + "; before issue 13: 37-82 s here (33-119 s in the issue)"}


def bench_padded_xlsx_memory():
    r = _measure("padded")
    return {"name": "io: refuse the 20,000-row XFD-padded xlsx (peak extra RSS)", "value": r["extra_mb"],
            "unit": "MB", "target": 300.0, "notes": _note(r) + "; before issue 13: +2,614 MB"}


def bench_shared_strings_xlsx():
    r = _measure("strings")
    return {"name": "io: refuse 300,001 shared strings (time)", "value": r["seconds"], "unit": "s",
            "target": 5.0, "notes": _note(r) + f"; peak extra RSS {r['extra_mb']:.0f} MB"}


def bench_bomb_xlsx():
    r = _measure("bomb")
    return {"name": "io: refuse a 200 MB text packed in an xlsx (peak extra RSS)", "value": r["extra_mb"],
            "unit": "MB", "target": 300.0, "notes": _note(r) + f"; {r['seconds']:.2f} s"}
