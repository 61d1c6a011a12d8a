"""The workshop's store: what participants enter, kept in SQLite.

Each Voilà participant has a kernel of their own, so several processes write at once.
The store opens a short connection per operation, in WAL mode with a busy timeout,
and writes each record in one transaction: a row is either wholly stored or not at all.
The path comes from ``Store(path)``, else ``CXKIT_DB``, else ``workspace/cxkit.sqlite``
in the repository (git-ignored). PostgreSQL can replace it behind the same methods.

It is the second door (after the form or the file's loader): texts with control
characters or too long, and numbers that are infinite or absurd, are refused with the
field named; an import holds at most :data:`MAX_IMPORT_CALLS` calls and the store
:data:`MAX_STORE_CALLS`. Calls carry the label of their import (a batch), so the trainer
can delete one call or one import (:meth:`Store.delete_call`, :meth:`Store.delete_batch`).
"""
from __future__ import annotations

import json
import math
import os
import sqlite3
import time
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError
from .i18n import fmt_number, t
from .io import MAX_MAGNITUDE, MAX_NAME_CHARS, MAX_TEXT_CHARS, clean_text

_SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    call_id TEXT PRIMARY KEY,
    record  TEXT NOT NULL,
    created REAL NOT NULL,
    batch   TEXT
);
CREATE TABLE IF NOT EXISTS answers (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    kind    TEXT NOT NULL,
    record  TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_kind ON answers(kind);
CREATE TABLE IF NOT EXISTS settings (
    name    TEXT PRIMARY KEY,
    record  TEXT NOT NULL,
    created REAL NOT NULL
);
"""
BUSY_TIMEOUT_S = 30.0
#: Most calls one ``add_calls`` may store (one campaign file, one import).
MAX_IMPORT_CALLS = 5_000
#: Most calls the store may hold (a room's workshop; the trainer deletes to make room).
MAX_STORE_CALLS = 20_000
#: Longest stored record, in characters of JSON (a call with every comment at its limit
#: is far below it).
MAX_RECORD_CHARS = 100_000
#: Fields of a call that are names (one line, ``MAX_NAME_CHARS``); other texts may hold
#: ``MAX_TEXT_CHARS``.
NAME_FIELDS = frozenset({"call_id", "evaluator", "scenario", "ref_call", "batch", "kind", "name"})
#: The batch label given, when a store made before batches existed is opened, to the calls
#: it already held.
EARLIER_BATCH = "earlier"

# Stores this process has opened (or created) and checked: a store that existed and has
# vanished is an error, never silently recreated empty; the integrity check runs once
# per file per process (a new file at the same path is checked again).
_SEEN: set[str] = set()
_CHECKED: set[tuple[str, int]] = set()


def workspace_dir() -> Path:
    """The folder holding the store and the saved settings."""
    env = os.environ.get("CXKIT_DB")
    if env:
        return Path(env).expanduser().resolve().parent
    return Path(__file__).resolve().parent.parent / "workspace"


def default_path() -> Path:
    """``CXKIT_DB`` if set, else ``workspace/cxkit.sqlite`` beside the package."""
    env = os.environ.get("CXKIT_DB")
    return Path(env).expanduser().resolve() if env else workspace_dir() / "cxkit.sqlite"


def _json_default(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"cannot store a {type(value).__name__}")


def _checked(value, field: str, limit: int):
    """``value`` made safe to store (the store's own door, after any form or file check):
    text without control characters and within ``limit``; numbers finite and within
    ``MAX_MAGNITUDE`` (NaN, NaT and pandas' NA mean "not applicable" and become null);
    numpy scalars and dates as plain JSON values. Raises ``DataError`` naming ``field``."""
    if value is None or isinstance(value, (bool, str)):
        return clean_text(value, field=field, max_length=limit, one_line=limit <= MAX_NAME_CHARS) \
            if isinstance(value, str) else value
    if isinstance(value, Mapping):
        return {clean_text(str(k), field=field, max_length=MAX_NAME_CHARS, one_line=True):
                _checked(v, str(k) if field is None else field, MAX_TEXT_CHARS) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_checked(v, field, limit) for v in value]
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).isoformat()
    if hasattr(value, "item") and not hasattr(value, "isoformat"):  # numpy scalars
        value = value.item()
        if isinstance(value, (bool, str)) or value is None:
            return _checked(value, field, limit)
    if isinstance(value, int):
        if abs(value) > MAX_MAGNITUDE:
            raise DataError(t("safety.too_big", value=value, limit=f"{MAX_MAGNITUDE:g}"), column=field)
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if not math.isfinite(value):
            raise DataError(t("safety.not_finite", value=value), column=field)
        if abs(value) > MAX_MAGNITUDE:
            raise DataError(t("safety.too_big", value=f"{value:g}", limit=f"{MAX_MAGNITUDE:g}"), column=field)
        return value
    try:
        if pd.isna(value):  # NaT, pd.NA
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot store a {type(value).__name__}")


def _record(record: Mapping) -> dict:
    """A record checked field by field (see :func:`_checked`)."""
    out = {}
    for key, value in dict(record).items():
        key = clean_text(str(key), field=str(key), max_length=MAX_NAME_CHARS, one_line=True)
        out[key] = _checked(value, key, MAX_NAME_CHARS if key in NAME_FIELDS else MAX_TEXT_CHARS)
    return out


def _payload(value) -> str:
    text = json.dumps(value, default=_json_default, ensure_ascii=False, allow_nan=False)
    if len(text) > MAX_RECORD_CHARS:
        raise DataError(t("safety.record_too_large", n=fmt_number(len(text)), limit=fmt_number(MAX_RECORD_CHARS)))
    return text


class Store:
    """The SQLite store of the workshop (see the module docstring).

    Opening it checks the file (``PRAGMA quick_check``, once per file and process): a
    damaged file raises one ``DataError`` and nothing is written into it. A store this
    process has seen that then disappears raises ``DataError`` too, instead of being
    recreated empty. A store made before batches existed gets the ``batch`` column; the
    calls it held keep every field and get the batch :data:`EARLIER_BATCH`.
    """

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else default_path()
        self._key = str(self.path.expanduser().resolve())
        if self.path.exists():
            self._check()
        elif self._key in _SEEN:
            raise self._vanished()
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect(create=True) as con:
            con.executescript(_SCHEMA)
            self._migrate(con)
        _SEEN.add(self._key)

    def _vanished(self) -> DataError:
        return DataError(t("safety.store_vanished", file=self.path.name))

    def _damaged(self) -> DataError:
        return DataError(t("safety.store_damaged", file=self.path.name))

    def _check(self) -> None:
        """``PRAGMA quick_check`` once per file (path and inode) in this process."""
        try:
            key = (self._key, self.path.stat().st_ino)
        except OSError:
            raise self._vanished() from None
        if key in _CHECKED:
            return
        try:
            con = sqlite3.connect(self._uri("ro"), uri=True, timeout=BUSY_TIMEOUT_S)
            try:
                con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
                result = [r[0] for r in con.execute("PRAGMA quick_check").fetchall()]
            finally:
                con.close()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise
            raise self._damaged() from None
        except sqlite3.DatabaseError:
            raise self._damaged() from None
        if result != ["ok"]:
            raise self._damaged()
        _CHECKED.add(key)
        _SEEN.add(self._key)

    def _uri(self, mode: str) -> str:
        return Path(self._key).as_uri() + f"?mode={mode}"

    def _connect(self, create: bool = False) -> "_Closing":
        if not create and not self.path.exists():
            raise self._vanished()
        try:
            con = sqlite3.connect(self._uri("rwc" if create else "rw"), uri=True, timeout=BUSY_TIMEOUT_S,
                                  isolation_level=None)
        except sqlite3.OperationalError:
            if not self.path.exists():
                raise self._vanished() from None
            raise
        closing = _Closing(con, self)
        try:
            con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            con.execute("PRAGMA journal_mode = WAL")
            con.execute("PRAGMA synchronous = FULL")
        except sqlite3.DatabaseError as exc:
            con.close()
            if type(exc) is sqlite3.DatabaseError:
                raise self._damaged() from None
            raise
        return closing

    @staticmethod
    def _migrate(con: sqlite3.Connection) -> None:
        """Add the ``batch`` column to a store made before it existed (every row kept)."""
        if "batch" in {r[1] for r in con.execute("PRAGMA table_info(calls)")}:
            con.execute("CREATE INDEX IF NOT EXISTS calls_batch ON calls(batch)")
            return
        con.execute("BEGIN IMMEDIATE")
        try:
            if "batch" not in {r[1] for r in con.execute("PRAGMA table_info(calls)")}:  # another kernel did it
                con.execute("ALTER TABLE calls ADD COLUMN batch TEXT")
                con.execute("UPDATE calls SET batch = ? WHERE batch IS NULL", (EARLIER_BATCH,))
            con.execute("CREATE INDEX IF NOT EXISTS calls_batch ON calls(batch)")
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise

    # --- mystery calls ------------------------------------------------------------
    def add_call(self, record: Mapping, batch: str | None = None) -> None:
        """Store one call in one transaction (see :meth:`add_calls`).

        Raises ``DataError`` when ``call_id`` is missing or already stored; the stored
        call is then left untouched.
        """
        self.add_calls([record], batch=batch)

    def add_calls(self, records: Iterable[Mapping], batch: str | None = None) -> int:
        """Store several calls in one transaction: all of them, or none if one fails.

        Every call gets the label ``batch`` (one import, one form entry), so the batch can
        be deleted at once (:meth:`delete_batch`); ``None`` makes a new label
        ``batch-`` followed by 8 hexadecimal digits. Returns the number of calls stored.

        Raises
        ------
        DataError
            Before anything is written: more than :data:`MAX_IMPORT_CALLS` calls, or the
            store would then hold more than :data:`MAX_STORE_CALLS`; a call without
            ``call_id`` or with one already stored; a text holding a control character
            or too long (``MAX_NAME_CHARS`` for names, ``MAX_TEXT_CHARS`` otherwise), a
            number infinite or beyond ``MAX_MAGNITUDE`` (NaN is stored as null), each
            with the field named.
        """
        records = list(records)
        if len(records) > MAX_IMPORT_CALLS:
            raise DataError(t("safety.too_many_in_import", n=fmt_number(len(records)),
                              limit=fmt_number(MAX_IMPORT_CALLS)))
        label = (f"batch-{uuid.uuid4().hex[:8]}" if batch is None
                 else clean_text(batch, field="batch", max_length=MAX_NAME_CHARS, one_line=True).strip())
        if not label:
            raise DataError(t("io.required"), column="batch")
        rows = []
        for record in records:
            record = _record(record)
            call_id = record.get("call_id")
            if call_id is None or str(call_id).strip() == "":
                raise DataError(t("store.no_call_id"))
            rows.append((str(call_id).strip(), _payload(record), time.time(), label))
        with self._connect() as con:
            try:
                con.execute("BEGIN IMMEDIATE")
                stored = con.execute("SELECT COUNT(*) FROM calls").fetchone()[0]
                if stored + len(rows) > MAX_STORE_CALLS:
                    raise DataError(t("safety.store_full", stored=fmt_number(stored), n=fmt_number(len(rows)),
                                      limit=fmt_number(MAX_STORE_CALLS)))
                con.executemany("INSERT INTO calls (call_id, record, created, batch) VALUES (?, ?, ?, ?)", rows)
                con.execute("COMMIT")
            except sqlite3.IntegrityError:
                con.execute("ROLLBACK")
                stored = {r[0] for r in con.execute("SELECT call_id FROM calls")}
                seen: set[str] = set()
                dup = next(cid for cid, *_ in rows if cid in stored or cid in seen or seen.add(cid))
                raise DataError(t("store.duplicate_call", call_id=dup)) from None
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
        return len(rows)

    def calls(self) -> pd.DataFrame:
        """Every stored call, in the order stored, one column per field (``call_id`` first)."""
        with self._connect() as con:
            rows = con.execute("SELECT record FROM calls ORDER BY created, rowid").fetchall()
        frame = pd.DataFrame([json.loads(r[0]) for r in rows])
        if frame.empty:
            return pd.DataFrame(columns=["call_id"])
        return frame[["call_id"] + [c for c in frame.columns if c != "call_id"]]

    def call_ids(self) -> set[str]:
        """The ids of every stored call."""
        with self._connect() as con:
            return {r[0] for r in con.execute("SELECT call_id FROM calls")}

    def batches(self) -> pd.DataFrame:
        """The stored batches, oldest first: ``batch`` (label), ``calls`` (how many) and
        ``created`` (the time its first call was stored, seconds since 1970 as a float)."""
        with self._connect() as con:
            rows = con.execute("SELECT batch, COUNT(*), MIN(created) FROM calls GROUP BY batch "
                               "ORDER BY MIN(created), batch").fetchall()
        return pd.DataFrame({"batch": pd.Series([r[0] for r in rows], dtype=object),
                             "calls": pd.Series([int(r[1]) for r in rows], dtype="int64"),
                             "created": pd.Series([float(r[2]) for r in rows], dtype="float64")})

    def delete_call(self, call_id: str) -> bool:
        """Remove one call, and the second scorings made of it (``ref_call``), in one
        transaction. True if the call was stored."""
        with self._connect() as con:
            with _transaction(con):
                removed = con.execute("DELETE FROM calls WHERE call_id = ?", (str(call_id),)).rowcount
                if removed:
                    _delete_second_scorings(con, [str(call_id)])
        return removed > 0

    def delete_batch(self, batch: str) -> int:
        """Remove every call of a batch, and the second scorings made of them (in any
        batch), in one transaction. Returns the number of calls removed (0: no such batch)."""
        with self._connect() as con:
            with _transaction(con):
                ids = [r[0] for r in con.execute("SELECT call_id FROM calls WHERE batch = ?", (batch,))]
                con.execute("DELETE FROM calls WHERE batch = ?", (batch,))
                removed = len(ids) + _delete_second_scorings(con, ids)
        return removed

    # --- other answers (self-assessments, exercise answers) ------------------------
    def add_answer(self, kind: str, record: Mapping) -> int:
        """Store one answer of a kind (e.g. ``"self_assessment"``); returns its id.
        Texts and numbers are checked as in :meth:`add_calls`."""
        kind = clean_text(kind, field="kind", max_length=MAX_NAME_CHARS, one_line=True)
        payload = _payload(_record(record))
        with self._connect() as con:
            cur = con.execute("INSERT INTO answers (kind, record, created) VALUES (?, ?, ?)",
                              (kind, payload, time.time()))
            return int(cur.lastrowid)

    def answers(self, kind: str) -> pd.DataFrame:
        """Every answer of a kind, oldest first, one column per field."""
        with self._connect() as con:
            rows = con.execute("SELECT record FROM answers WHERE kind = ? ORDER BY id", (kind,)).fetchall()
        return pd.DataFrame([json.loads(r[0]) for r in rows])

    # --- the room's settings (e.g. the audit grid chosen in notebook 02) ---------------
    def save_setting(self, name: str, value) -> None:
        """Keep ``value`` (anything JSON can hold) under ``name``, replacing the previous
        one, in one transaction. Texts and numbers are checked as in :meth:`add_calls`."""
        name = clean_text(name, field="name", max_length=MAX_NAME_CHARS, one_line=True)
        payload = _payload(_checked(value, None, MAX_TEXT_CHARS))
        with self._connect() as con:
            con.execute("INSERT INTO settings (name, record, created) VALUES (?, ?, ?) "
                        "ON CONFLICT(name) DO UPDATE SET record = excluded.record, created = excluded.created",
                        (name, payload, time.time()))

    def setting(self, name: str, default=None):
        """The value saved under ``name``, else ``default``."""
        with self._connect() as con:
            row = con.execute("SELECT record FROM settings WHERE name = ?", (name,)).fetchone()
        return default if row is None else json.loads(row[0])

    def delete_setting(self, name: str) -> None:
        """Forget the value saved under ``name`` (nothing happens if there is none)."""
        with self._connect() as con:
            con.execute("DELETE FROM settings WHERE name = ?", (name,))

    def integrity_ok(self) -> bool:
        """SQLite's own integrity check."""
        with self._connect() as con:
            return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _delete_second_scorings(con: sqlite3.Connection, call_ids: list[str]) -> int:
    """Delete the calls whose ``ref_call`` is one of ``call_ids`` (and theirs in turn);
    return how many. Left behind, they would point at a call no longer there."""
    removed = 0
    while call_ids:
        found = []
        for start in range(0, len(call_ids), 500):
            chunk = call_ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found += [r[0] for r in con.execute(
                f"SELECT call_id FROM calls WHERE json_extract(record, '$.ref_call') IN ({marks})", chunk)]
        for start in range(0, len(found), 500):
            chunk = found[start:start + 500]
            con.execute(f"DELETE FROM calls WHERE call_id IN ({','.join('?' * len(chunk))})", chunk)
        removed += len(found)
        call_ids = found
    return removed


class _transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error."""

    def __init__(self, con: sqlite3.Connection):
        self._con = con

    def __enter__(self):
        self._con.execute("BEGIN IMMEDIATE")
        return self._con

    def __exit__(self, exc_type, *_):
        if exc_type is None:
            self._con.execute("COMMIT")
        elif self._con.in_transaction:
            self._con.execute("ROLLBACK")


class _Closing:
    """A connection that closes at the end of a ``with`` block (sqlite3's own only commits);
    SQLite's "malformed" errors become the store's one clear ``DataError``."""

    def __init__(self, con: sqlite3.Connection, store: Store):
        self._con = con
        self._store = store

    def __enter__(self) -> sqlite3.Connection:
        return self._con

    def __exit__(self, exc_type, exc, tb) -> None:
        self._con.close()
        if exc_type is sqlite3.DatabaseError:  # corrupt, not a database (not busy, not a constraint)
            raise self._store._damaged() from None
