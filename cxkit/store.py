"""The workshop's store: what participants enter, kept in SQLite.

Each Voilà participant has a kernel of their own, so several processes write at once.
The store opens a short connection per operation, in WAL mode with a busy timeout,
and writes each record in one transaction: a row is either wholly stored or not at all.
The path comes from ``Store(path)``, else ``CXKIT_DB``, else ``workspace/cxkit.sqlite``
in the repository (git-ignored). PostgreSQL can replace it behind the same methods.
"""
from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from .errors import DataError
from .i18n import t

_SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    call_id TEXT PRIMARY KEY,
    record  TEXT NOT NULL,
    created REAL NOT NULL
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


class Store:
    """The SQLite store of the workshop (see the module docstring)."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA synchronous = FULL")
        return _Closing(con)

    # --- mystery calls ------------------------------------------------------------
    def add_call(self, record: Mapping) -> None:
        """Store one call in one transaction.

        Raises ``DataError`` when ``call_id`` is missing or already stored; the stored
        call is then left untouched.
        """
        self.add_calls([record])

    def add_calls(self, records: Iterable[Mapping]) -> int:
        """Store several calls in one transaction: all of them, or none if one fails."""
        rows = []
        for record in records:
            call_id = record.get("call_id")
            if call_id is None or str(call_id).strip() == "":
                raise DataError(t("store.no_call_id"))
            rows.append((str(call_id).strip(), json.dumps(dict(record), default=_json_default,
                                                          ensure_ascii=False), time.time()))
        with self._connect() as con:
            try:
                con.execute("BEGIN IMMEDIATE")
                con.executemany("INSERT INTO calls (call_id, record, created) VALUES (?, ?, ?)", rows)
                con.execute("COMMIT")
            except sqlite3.IntegrityError:
                con.execute("ROLLBACK")
                stored = {r[0] for r in con.execute("SELECT call_id FROM calls")}
                seen: set[str] = set()
                dup = next(cid for cid, _, _ in rows if cid in stored or cid in seen or seen.add(cid))
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

    # --- other answers (self-assessments, exercise answers) ------------------------
    def add_answer(self, kind: str, record: Mapping) -> int:
        """Store one answer of a kind (e.g. ``"self_assessment"``); returns its id."""
        payload = json.dumps(dict(record), default=_json_default, ensure_ascii=False)
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
        one, in one transaction."""
        payload = json.dumps(value, default=_json_default, ensure_ascii=False)
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


class _Closing:
    """A connection that closes at the end of a ``with`` block (sqlite3's own only commits)."""

    def __init__(self, con: sqlite3.Connection):
        self._con = con

    def __enter__(self) -> sqlite3.Connection:
        return self._con

    def __exit__(self, *exc) -> None:
        self._con.close()
