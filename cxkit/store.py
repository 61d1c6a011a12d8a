"""The workshop's store: what participants enter, kept in SQLite or PostgreSQL.

Each Voilà participant has a kernel of their own, so several processes write at once.
The store writes each record in one transaction: a row is either wholly stored or not at
all. Where it lives comes from ``Store(path)``, else ``CXKIT_DB``, else
``workspace/cxkit.sqlite`` in the repository (git-ignored). ``path`` (or ``CXKIT_DB``) is a
file path (SQLite, the zero-setup default, through the standard library's driver: WAL mode,
a busy timeout, a short connection per operation) or a ``postgresql://`` URL (PostgreSQL
through psycopg 3, one small connection pool per process): the same methods, the same
refusals, on both engines (SQLAlchemy Core).

**Rooms.** Every record (calls, answers, settings) carries its room; two rooms never see
each other's records, and the same ``call_id`` may be stored in both. The room currently
open is kept in the store itself (table ``meta``), so every participant's kernel writes
into the room the trainer opened (:meth:`Store.open_room`); :data:`DEFAULT_ROOM` until a
room is opened. A store written before rooms existed is migrated into
:data:`DEFAULT_ROOM` on open, with every row kept (:data:`SCHEMA_VERSION`).

Each write also bumps its room's version (:meth:`Store.data_version`, one indexed
``SELECT``), which open pages poll to redraw when the room's data changed.

It is the second door (after the form or the file's loader): texts with control
characters or too long, and numbers that are infinite or absurd, are refused with the
field named; an import holds at most :data:`MAX_IMPORT_CALLS` calls and a room
:data:`MAX_STORE_CALLS`. Calls carry the label of their import (a batch), so the trainer
can delete one call or one import (:meth:`Store.delete_call`, :meth:`Store.delete_batch`).
"""
from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import wraps
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from .errors import DataError
from .i18n import fmt_number, t
from .io import MAX_MAGNITUDE, MAX_NAME_CHARS, MAX_TEXT_CHARS, clean_text

BUSY_TIMEOUT_S = 30.0
#: Most calls one ``add_calls`` may store (one campaign file, one import).
MAX_IMPORT_CALLS = 5_000
#: Most calls a room may hold (a room's workshop; the trainer deletes to make room).
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
#: The room used until the trainer opens one, and the room a store made before rooms
#: existed is migrated into.
DEFAULT_ROOM = "workshop"
#: The store's layout: 0 before batches, 1 with batches (no rooms), 2 with rooms.
SCHEMA_VERSION = 2
#: Presence marks (:meth:`Store.touch`) older than this, in seconds, are forgotten.
PRESENCE_KEEP_S = 24 * 3600.0
#: URL schemes that mean PostgreSQL (``postgresql://`` is served by psycopg 3).
PG_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")

# Stores this process has opened (or created) and checked: a store that existed and has
# vanished is an error, never silently recreated empty; the integrity check runs once
# per file per process (a new file at the same path is checked again).
_SEEN: set[str] = set()
_CHECKED: set[tuple[str, int]] = set()
# Stores whose schema this process has brought to SCHEMA_VERSION, as keys of _ENGINES (a
# SQLite file's engine keeps it open, so its inode cannot be another file's meanwhile).
_READY: set[tuple[str, int]] = set()
# One Engine per store per process (a forked child builds its own: see _after_fork); a
# SQLite file is keyed by path and inode, so a new file at the same path gets a new engine.
_ENGINES: dict[tuple[str, int], sa.Engine] = {}
# The parent's engines, kept referenced in a forked child so their connections are never
# closed (nor used) there.
_INHERITED: list[sa.Engine] = []
_ENGINES_LOCK = threading.Lock()
#: SQLite files a process keeps a connection open to (the oldest is closed beyond).
MAX_SQLITE_ENGINES = 8

_TABLES = sa.MetaData()
META = sa.Table(
    "meta", _TABLES,
    sa.Column("key", sa.String(80), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
ROOMS = sa.Table(
    "rooms", _TABLES,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("created", sa.Double, nullable=False),
    sa.Column("last_activity", sa.Double, nullable=False),
    sa.Column("archived", sa.Double, nullable=True),
    sa.Column("version", sa.BigInteger, nullable=False, server_default="0"),
)
CALLS = sa.Table(
    "calls", _TABLES,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("room", sa.Text, nullable=False, server_default=DEFAULT_ROOM),
    sa.Column("call_id", sa.Text, nullable=False),
    sa.Column("record", sa.Text, nullable=False),
    sa.Column("created", sa.Double, nullable=False),
    sa.Column("batch", sa.Text),
    sa.UniqueConstraint("room", "call_id", name="calls_room_call_id"),
    sa.Index("calls_room_batch", "room", "batch"),
    sqlite_autoincrement=True,
)
ANSWERS = sa.Table(
    "answers", _TABLES,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("room", sa.Text, nullable=False, server_default=DEFAULT_ROOM),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("record", sa.Text, nullable=False),
    sa.Column("created", sa.Double, nullable=False),
    sa.Index("answers_room_kind", "room", "kind", "id"),
    sqlite_autoincrement=True,
)
SETTINGS = sa.Table(
    "settings", _TABLES,
    sa.Column("room", sa.Text, primary_key=True, server_default=DEFAULT_ROOM),
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("record", sa.Text, nullable=False),
    sa.Column("created", sa.Double, nullable=False),
)
PRESENCE = sa.Table(
    "presence", _TABLES,
    sa.Column("room", sa.Text, primary_key=True),
    sa.Column("page_id", sa.Text, primary_key=True),
    sa.Column("notebook", sa.Text, nullable=False),
    sa.Column("seen", sa.Double, nullable=False),
    sa.Index("presence_room_seen", "room", "seen"),
    sa.Index("presence_seen", "seen"),
)


def _is_url(value) -> bool:
    return isinstance(value, str) and value.lower().startswith(PG_SCHEMES)


def _pg_url(url: str) -> str:
    """A PostgreSQL URL for SQLAlchemy's psycopg 3 dialect (``postgresql://`` alone would
    pick psycopg2)."""
    scheme, rest = url.split("://", 1)
    return "postgresql+psycopg://" + rest


def workspace_dir() -> Path:
    """The folder holding the SQLite store and the saved settings: the folder of
    ``CXKIT_DB`` when it is a file, else the repository's ``workspace/`` folder (also when
    ``CXKIT_DB`` is a PostgreSQL URL)."""
    env = os.environ.get("CXKIT_DB")
    if env and not _is_url(env):
        return Path(env).expanduser().resolve().parent
    return Path(__file__).resolve().parent.parent / "workspace"


def default_path() -> Path | str:
    """``CXKIT_DB`` if set (a file path, or a PostgreSQL URL returned as given), else
    ``workspace/cxkit.sqlite`` beside the package."""
    env = os.environ.get("CXKIT_DB")
    if env and _is_url(env):
        return env
    return Path(env).expanduser().resolve() if env else workspace_dir() / "cxkit.sqlite"


def _after_fork() -> None:
    """In a forked child, set the parent's engines aside without closing their connections
    (they belong to the parent: closing one here could end the parent's session or, for
    SQLite, act on the parent's locks); the child opens its own."""
    _INHERITED.extend(_ENGINES.values())
    _ENGINES.clear()
    _READY.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


def _sqlite_engine(key: str) -> sa.Engine:
    """An engine on an existing SQLite file (opened read-write, never created: a vanished
    file stays vanished): one connection kept open per process (a few more when threads
    ask at once), ``synchronous = FULL``, busy timeout, and write transactions that take
    the write lock at once (``BEGIN IMMEDIATE``)."""
    uri = Path(key).as_uri() + "?mode=rw"

    def creator():
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                               check_same_thread=False)

    engine = sa.create_engine("sqlite://", creator=creator, poolclass=sa.pool.QueuePool, pool_size=1,
                              max_overflow=4, pool_timeout=BUSY_TIMEOUT_S)

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_con, _record):  # the busy timeout is sqlite3.connect's; WAL is set by Store()
        dbapi_con.execute("PRAGMA synchronous = FULL")

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("cxkit_write") else "BEGIN")

    return engine


def _postgres_engine(url: str) -> sa.Engine:
    """An engine on a PostgreSQL server: a small pool per process (one connection kept,
    a few more when threads ask at once), each connection checked before use so a server
    restarted during the session is reconnected to."""
    return sa.create_engine(_pg_url(url), pool_size=1, max_overflow=4, pool_timeout=BUSY_TIMEOUT_S,
                            pool_pre_ping=True, pool_recycle=1800, connect_args={"connect_timeout": 10})


def _engine(key: str, postgres: bool, inode: int = 0) -> sa.Engine:
    """The process's engine for a store (a SQLite file: for its current ``inode``; the
    engine of a file replaced at the same path is closed)."""
    engine = _ENGINES.get((key, inode))
    if engine is None:
        with _ENGINES_LOCK:
            engine = _ENGINES.get((key, inode))
            if engine is None:
                stale = [k for k in _ENGINES if k[0] == key]
                if not postgres:  # a kernel uses one store; a test session opens hundreds
                    files = [k for k in _ENGINES if not _is_url(k[0]) and k not in stale]
                    stale += files[:max(0, len(files) - MAX_SQLITE_ENGINES + 1)]
                for old in stale:
                    _ENGINES.pop(old).dispose()
                    _READY.discard(old)
                engine = _postgres_engine(key) if postgres else _sqlite_engine(key)
                _ENGINES[(key, inode)] = engine
    return engine


def dispose_engines() -> None:
    """Close every pooled connection this process holds (tests; a long-lived process
    that is done with a store)."""
    with _ENGINES_LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


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


def _room_name(name) -> str:
    """A room's name: one line of at most ``MAX_NAME_CHARS``, without control characters."""
    text = clean_text(str(name), field="room", max_length=MAX_NAME_CHARS, one_line=True).strip()
    if not text:
        raise DataError(t("io.required"), column="room")
    return text


def _dialect_insert(con: sa.Connection):
    """The dialect's ``insert`` (both have ``on_conflict_do_update`` / ``_do_nothing``)."""
    if con.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _next_version(con: sa.Connection):
    """A room's next version: above its own and above every room's, so a page following
    the current room sees a change when the trainer opens another one."""
    other = ROOMS.alias("other_rooms")
    top = sa.select(sa.func.coalesce(sa.func.max(other.c.version), 0)).scalar_subquery() + 1
    greatest = sa.func.greatest if con.dialect.name == "postgresql" else sa.func.max
    return greatest(ROOMS.c.version + 1, top)


def _ref_call(con: sa.Connection):
    """The ``ref_call`` field of a stored call (a second scoring names the call it re-scores)."""
    if con.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import JSONB

        return sa.cast(CALLS.c.record, JSONB)["ref_call"].astext
    return sa.func.json_extract(CALLS.c.record, "$.ref_call")


_CURRENT_ROOM = sa.select(META.c.value).where(META.c.key == "current_room")
_VERSION_OF_ROOM = sa.select(ROOMS.c.version).where(ROOMS.c.name == sa.bindparam("room"))
_VERSION_OF_CURRENT = (sa.select(ROOMS.c.version).select_from(META.join(ROOMS, ROOMS.c.name == META.c.value))
                       .where(META.c.key == "current_room"))
# PostgreSQL: schema changes by many kernels opening the store at once are serialised.
_PG_SCHEMA_LOCK = 7_318_245


#: Who is told of each read of a room's data (:func:`observe_reads`).
_READ_OBSERVERS: list[Callable] = []


def observe_reads(observer: Callable) -> Callable[[], None]:
    """Call ``observer(store, method, args, kwargs, result)`` after each read of a room's
    calls, answers or settings (``method`` is ``"calls"``, ``"answers"`` or ``"setting"``,
    ``args`` and ``kwargs`` its arguments), until the returned function is called. A page
    built ahead of its participant (:mod:`cxkit.panels.prerender`) uses it to know which
    of the room's data it shows, and so whether it is still right when they arrive."""
    _READ_OBSERVERS.append(observer)

    def stop() -> None:
        if observer in _READ_OBSERVERS:
            _READ_OBSERVERS.remove(observer)

    return stop


def _observed(method):
    """A read method whose result the observers of :func:`observe_reads` see."""
    @wraps(method)
    def read(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        for observer in list(_READ_OBSERVERS):
            observer(self, method.__name__, args, kwargs, result)
        return result
    return read


class Store:
    """The workshop's store, on SQLite or PostgreSQL (see the module docstring).

    ``path`` is a file path or a ``postgresql://`` URL (default :func:`default_path`);
    ``room`` is the room this store reads and writes (``None``: the room currently open,
    followed as the trainer switches rooms). On SQLite, opening checks the file
    (``PRAGMA quick_check``, once per file and process): a damaged file raises one
    ``DataError`` and nothing is written into it; a store this process has seen that then
    disappears raises ``DataError`` too, instead of being recreated empty. A store made
    before batches existed gets the ``batch`` column (its calls get the batch
    :data:`EARLIER_BATCH`); one made before rooms existed is moved into
    :data:`DEFAULT_ROOM`, every row kept. On PostgreSQL a lost connection or an
    unreachable server is one ``DataError``, nothing half-written.
    """

    def __init__(self, path: str | os.PathLike | None = None, room: str | None = None):
        target = default_path() if path is None else path
        self.postgres = _is_url(target)
        if self.postgres:
            self.path = target
            self._key = _pg_url(target)
        else:
            self.path = Path(target)
            self._key = str(self.path.expanduser().resolve())
        self._room = None if room is None else _room_name(room)
        if self.postgres:
            if (self._key, 0) not in _READY:
                self._ensure_schema()
                _READY.add((self._key, 0))
        else:
            if self.path.exists():
                self._check()
            elif self._key in _SEEN:
                raise self._vanished()
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                sqlite3.connect(Path(self._key).as_uri() + "?mode=rwc", uri=True).close()
            try:
                ready = (self._key, os.stat(self._key).st_ino)
            except OSError:
                raise self._vanished() from None
            if ready not in _READY or ready not in _ENGINES:
                self._wal()
                self._ensure_schema()
                _READY.add(ready)
        _SEEN.add(self._key)

    def __repr__(self) -> str:
        where = "PostgreSQL" if self.postgres else str(self.path)
        return f"Store({where!r}, room={self._room!r})"

    # --- errors ---------------------------------------------------------------------
    def _vanished(self) -> DataError:
        return DataError(t("safety.store_vanished", file=self.path.name))

    def _damaged(self) -> DataError:
        return DataError(t("safety.store_damaged", file=self.path.name))

    def _translate(self, exc: sa.exc.DBAPIError) -> Exception | None:
        """The one sentence a user sees for a database error (``None``: not the user's)."""
        if self.postgres:
            if exc.connection_invalidated or isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError)):
                return DataError(t("store.db_unreachable"))
            return None
        if not self.path.exists():
            return self._vanished()
        if type(getattr(exc, "orig", None)) is sqlite3.DatabaseError:  # corrupt, not busy, not a constraint
            return self._damaged()
        return None

    def _check(self) -> None:
        """``PRAGMA quick_check`` once per file (path and inode) in this process."""
        try:
            key = (self._key, self.path.stat().st_ino)
        except OSError:
            raise self._vanished() from None
        if key in _CHECKED:
            return
        try:
            con = sqlite3.connect(Path(self._key).as_uri() + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
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

    def _wal(self) -> None:
        """Put the SQLite file in WAL mode (kept by the file; readers never wait for a writer)."""
        try:
            con = sqlite3.connect(Path(self._key).as_uri() + "?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S)
            try:
                con.execute("PRAGMA journal_mode = WAL")
            finally:
                con.close()
        except sqlite3.OperationalError:
            if not self.path.exists():
                raise self._vanished() from None
            raise
        except sqlite3.DatabaseError:
            raise self._damaged() from None

    # --- transactions ----------------------------------------------------------------
    @contextmanager
    def _transaction(self, write: bool) -> Iterator[sa.Connection]:
        """One transaction, committed at the end of the block, rolled back on any error;
        on SQLite a write transaction takes the write lock at once (``BEGIN IMMEDIATE``)."""
        inode = 0
        if not self.postgres:
            try:
                inode = os.stat(self._key).st_ino
            except OSError:
                raise self._vanished() from None
        engine = _engine(self._key, self.postgres, inode)
        try:
            with engine.connect() as con:
                if write and not self.postgres:
                    con.execution_options(cxkit_write=True)
                with con.begin():
                    yield con
        except sa.exc.IntegrityError:
            raise
        except sa.exc.DBAPIError as exc:
            translated = self._translate(exc)
            if translated is None:
                raise
            raise translated from None

    @contextmanager
    def _read(self) -> Iterator[tuple[sa.Connection, str]]:
        with self._transaction(write=False) as con:
            yield con, self._room_in(con)

    @contextmanager
    def _write(self) -> Iterator[tuple[sa.Connection, str]]:
        """A write transaction in this store's room, which it marks as changed (its
        version and last activity); refused when the room is archived."""
        with self._transaction(write=True) as con:
            room = self._room_in(con)
            self._bump(con, room)
            yield con, room

    def _room_in(self, con: sa.Connection) -> str:
        if self._room is not None:
            return self._room
        return con.execute(_CURRENT_ROOM).scalar() or DEFAULT_ROOM

    @staticmethod
    def _bump(con: sa.Connection, room: str, reopen: bool = False) -> None:
        now = time.time()
        where = [ROOMS.c.name == room] + ([] if reopen else [ROOMS.c.archived.is_(None)])
        values = {"version": _next_version(con), "last_activity": now}
        if reopen:
            values["archived"] = None
        if con.execute(sa.update(ROOMS).where(*where).values(**values)).rowcount == 1:
            return
        if con.execute(sa.select(ROOMS.c.archived).where(ROOMS.c.name == room)).first() is not None:
            raise DataError(t("store.room_archived", room=room))
        con.execute(_dialect_insert(con)(ROOMS).values(name=room, created=now, last_activity=now, archived=None,
                                                       version=0).on_conflict_do_nothing(index_elements=["name"]))
        con.execute(sa.update(ROOMS).where(ROOMS.c.name == room).values(version=_next_version(con)))

    # --- schema ------------------------------------------------------------------------
    def _ensure_schema(self) -> None:
        """Bring the store to :data:`SCHEMA_VERSION` (create it, or migrate an older one)."""
        with self._transaction(write=False) as con:
            if _schema_version(con) == SCHEMA_VERSION:
                return
        with self._transaction(write=True) as con:
            if self.postgres:
                con.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_SCHEMA_LOCK})
            version = _schema_version(con)
            if version < SCHEMA_VERSION:
                _migrate(con)

    # --- rooms ---------------------------------------------------------------------------
    @property
    def room(self) -> str:
        """The room this store reads and writes (the room currently open when it was built
        with ``room=None``)."""
        if self._room is not None:
            return self._room
        with self._transaction(write=False) as con:
            return self._room_in(con)

    def rooms(self) -> pd.DataFrame:
        """Every room, oldest first: ``room``, ``created`` and ``last_activity`` (its last
        write; seconds since 1970 as floats), ``calls`` and ``answers`` (how many),
        ``archived`` and ``current`` (booleans)."""
        calls = sa.select(CALLS.c.room, sa.func.count().label("n")).group_by(CALLS.c.room).subquery()
        answers = sa.select(ANSWERS.c.room, sa.func.count().label("n")).group_by(ANSWERS.c.room).subquery()
        query = (sa.select(ROOMS.c.name, ROOMS.c.created, ROOMS.c.last_activity, sa.func.coalesce(calls.c.n, 0),
                           sa.func.coalesce(answers.c.n, 0), ROOMS.c.archived)
                 .select_from(ROOMS.outerjoin(calls, calls.c.room == ROOMS.c.name)
                              .outerjoin(answers, answers.c.room == ROOMS.c.name))
                 .order_by(ROOMS.c.created, ROOMS.c.name))
        with self._transaction(write=False) as con:
            current = con.execute(_CURRENT_ROOM).scalar() or DEFAULT_ROOM
            rows = con.execute(query).all()
        return pd.DataFrame({
            "room": pd.Series([r[0] for r in rows], dtype=object),
            "created": pd.Series([float(r[1]) for r in rows], dtype="float64"),
            "last_activity": pd.Series([float(r[2]) for r in rows], dtype="float64"),
            "calls": pd.Series([int(r[3]) for r in rows], dtype="int64"),
            "answers": pd.Series([int(r[4]) for r in rows], dtype="int64"),
            "archived": pd.Series([r[5] is not None for r in rows], dtype=bool),
            "current": pd.Series([r[0] == current for r in rows], dtype=bool),
        })

    def open_room(self, name: str) -> str:
        """Create the room ``name`` (or reopen it, archived or not), make it the room
        currently open for every page using the store, and switch this store to it.
        Returns the room's name as stored (one line, cleaned)."""
        name = _room_name(name)
        with self._transaction(write=True) as con:
            self._bump(con, name, reopen=True)
            con.execute(_dialect_insert(con)(META).values(key="current_room", value=name)
                        .on_conflict_do_update(index_elements=["key"], set_={"value": name}))
        if self._room is not None:
            self._room = name
        return name

    def archive_room(self, name: str) -> None:
        """Archive the room ``name``: its records are kept and still read, and writes into
        it are refused until it is reopened (:meth:`open_room`)."""
        name = _room_name(name)
        with self._transaction(write=True) as con:
            done = con.execute(sa.update(ROOMS).where(ROOMS.c.name == name).values(
                archived=sa.func.coalesce(ROOMS.c.archived, time.time()), version=_next_version(con))).rowcount
            if not done:
                raise DataError(t("store.no_such_room", room=name))

    def data_version(self) -> int:
        """A number that changes after any write in this store's room (calls, answers,
        settings, deletions), and when the trainer opens another room (for a store that
        follows the room currently open); one indexed ``SELECT``, cheap enough to poll."""
        with self._transaction(write=False) as con:
            if self._room is not None:
                value = con.execute(_VERSION_OF_ROOM, {"room": self._room}).scalar()
            else:
                value = con.execute(_VERSION_OF_CURRENT).scalar()
        return int(value or 0)

    def touch(self, page_id: str, notebook: str) -> None:
        """Record that the page ``page_id`` (showing ``notebook``) is open in this room now.
        Does not change :meth:`data_version`; marks older than :data:`PRESENCE_KEEP_S`
        are forgotten."""
        page_id = clean_text(str(page_id), field="page_id", max_length=MAX_NAME_CHARS, one_line=True)
        notebook = clean_text(str(notebook), field="notebook", max_length=MAX_NAME_CHARS, one_line=True)
        now = time.time()
        with self._transaction(write=True) as con:
            room = self._room_in(con)
            stmt = _dialect_insert(con)(PRESENCE).values(room=room, page_id=page_id, notebook=notebook, seen=now)
            con.execute(stmt.on_conflict_do_update(index_elements=["room", "page_id"],
                                                   set_={"notebook": notebook, "seen": now}))
            con.execute(sa.delete(PRESENCE).where(PRESENCE.c.seen < now - PRESENCE_KEEP_S))

    def present(self, within_seconds: float = 30) -> int:
        """How many pages of this room were seen (:meth:`touch`) in the last
        ``within_seconds`` seconds."""
        since = time.time() - float(within_seconds)
        with self._read() as (con, room):
            return int(con.execute(sa.select(sa.func.count()).select_from(PRESENCE)
                                   .where(PRESENCE.c.room == room, PRESENCE.c.seen >= since)).scalar_one())

    # --- mystery calls ------------------------------------------------------------
    def add_call(self, record: Mapping, batch: str | None = None) -> None:
        """Store one call in one transaction (see :meth:`add_calls`).

        Raises ``DataError`` when ``call_id`` is missing or already stored in the room;
        the stored call is then left untouched.
        """
        self.add_calls([record], batch=batch)

    def add_calls(self, records: Iterable[Mapping], batch: str | None = None) -> int:
        """Store several calls in the room in one transaction: all of them, or none if one fails.

        Every call gets the label ``batch`` (one import, one form entry), so the batch can
        be deleted at once (:meth:`delete_batch`); ``None`` makes a new label
        ``batch-`` followed by 8 hexadecimal digits. Returns the number of calls stored.

        Raises
        ------
        DataError
            Before anything is written: more than :data:`MAX_IMPORT_CALLS` calls, or the
            room would then hold more than :data:`MAX_STORE_CALLS`; a call without
            ``call_id`` or with one already stored in the room; a text holding a control
            character or too long (``MAX_NAME_CHARS`` for names, ``MAX_TEXT_CHARS``
            otherwise), a number infinite or beyond ``MAX_MAGNITUDE`` (NaN is stored as
            null), each with the field named; the room is archived.
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
            rows.append({"call_id": str(call_id).strip(), "record": _payload(record), "created": time.time(),
                         "batch": label})
        if not rows:
            return 0
        used = []
        try:
            with self._write() as (con, room):
                used.append(room)
                stored = con.execute(sa.select(sa.func.count()).select_from(CALLS)
                                     .where(CALLS.c.room == room)).scalar_one()
                if stored + len(rows) > MAX_STORE_CALLS:
                    raise DataError(t("safety.store_full", stored=fmt_number(stored), n=fmt_number(len(rows)),
                                      limit=fmt_number(MAX_STORE_CALLS)))
                con.execute(sa.insert(CALLS), [{**row, "room": room} for row in rows])
        except sa.exc.IntegrityError:
            with self._transaction(write=False) as con:
                stored = set(con.execute(sa.select(CALLS.c.call_id).where(CALLS.c.room == used[0])).scalars())
            seen: set[str] = set()
            dup = next((row["call_id"] for row in rows
                        if row["call_id"] in stored or row["call_id"] in seen or seen.add(row["call_id"])),
                       rows[0]["call_id"])
            raise DataError(t("store.duplicate_call", call_id=dup)) from None
        return len(rows)

    @_observed
    def calls(self) -> pd.DataFrame:
        """Every call of the room, in the order stored, one column per field (``call_id`` first)."""
        with self._read() as (con, room):
            rows = con.execute(sa.select(CALLS.c.record).where(CALLS.c.room == room)
                               .order_by(CALLS.c.created, CALLS.c.id)).scalars().all()
        frame = pd.DataFrame([json.loads(r) for r in rows])
        if frame.empty:
            return pd.DataFrame(columns=["call_id"])
        return frame[["call_id"] + [c for c in frame.columns if c != "call_id"]]

    def call_ids(self) -> set[str]:
        """The ids of every call of the room."""
        with self._read() as (con, room):
            return set(con.execute(sa.select(CALLS.c.call_id).where(CALLS.c.room == room)).scalars())

    def batches(self) -> pd.DataFrame:
        """The room's batches, oldest first: ``batch`` (label), ``calls`` (how many) and
        ``created`` (the time its first call was stored, seconds since 1970 as a float)."""
        first = sa.func.min(CALLS.c.created)
        with self._read() as (con, room):
            rows = con.execute(sa.select(CALLS.c.batch, sa.func.count(), first).where(CALLS.c.room == room)
                               .group_by(CALLS.c.batch).order_by(first, CALLS.c.batch)).all()
        return pd.DataFrame({"batch": pd.Series([r[0] for r in rows], dtype=object),
                             "calls": pd.Series([int(r[1]) for r in rows], dtype="int64"),
                             "created": pd.Series([float(r[2]) for r in rows], dtype="float64")})

    def delete_call(self, call_id: str) -> bool:
        """Remove one call of the room, and the second scorings made of it (``ref_call``),
        in one transaction. True if the call was stored."""
        with self._write() as (con, room):
            removed = con.execute(sa.delete(CALLS).where(CALLS.c.room == room,
                                                         CALLS.c.call_id == str(call_id))).rowcount
            if removed:
                _delete_second_scorings(con, room, [str(call_id)])
        return removed > 0

    def delete_batch(self, batch: str) -> int:
        """Remove every call of a batch of the room, and the second scorings made of them
        (in any batch), in one transaction. Returns the number of calls removed (0: no such batch)."""
        with self._write() as (con, room):
            ids = list(con.execute(sa.select(CALLS.c.call_id).where(CALLS.c.room == room,
                                                                    CALLS.c.batch == batch)).scalars())
            con.execute(sa.delete(CALLS).where(CALLS.c.room == room, CALLS.c.batch == batch))
            removed = len(ids) + _delete_second_scorings(con, room, ids)
        return removed

    # --- other answers (self-assessments, exercise answers) ------------------------
    def add_answer(self, kind: str, record: Mapping) -> int:
        """Store one answer of a kind (e.g. ``"self_assessment"``) in the room; returns its
        id. Texts and numbers are checked as in :meth:`add_calls`."""
        kind = clean_text(kind, field="kind", max_length=MAX_NAME_CHARS, one_line=True)
        payload = _payload(_record(record))
        with self._write() as (con, room):
            result = con.execute(sa.insert(ANSWERS).values(room=room, kind=kind, record=payload,
                                                           created=time.time()))
            return int(result.inserted_primary_key[0])

    @_observed
    def answers(self, kind: str) -> pd.DataFrame:
        """Every answer of a kind in the room, oldest first, one column per field."""
        with self._read() as (con, room):
            rows = con.execute(sa.select(ANSWERS.c.record).where(ANSWERS.c.room == room, ANSWERS.c.kind == kind)
                               .order_by(ANSWERS.c.id)).scalars().all()
        return pd.DataFrame([json.loads(r) for r in rows])

    # --- the room's settings (e.g. the audit grid chosen in notebook 02) ---------------
    def save_setting(self, name: str, value) -> None:
        """Keep ``value`` (anything JSON can hold) under ``name`` in the room, replacing the
        previous one, in one transaction. Texts and numbers are checked as in :meth:`add_calls`."""
        name = clean_text(name, field="name", max_length=MAX_NAME_CHARS, one_line=True)
        payload = _payload(_checked(value, None, MAX_TEXT_CHARS))
        with self._write() as (con, room):
            stmt = _dialect_insert(con)(SETTINGS).values(room=room, name=name, record=payload, created=time.time())
            con.execute(stmt.on_conflict_do_update(index_elements=["room", "name"],
                                                   set_={"record": stmt.excluded.record,
                                                         "created": stmt.excluded.created}))

    @_observed
    def setting(self, name: str, default=None):
        """The value saved under ``name`` in the room, else ``default``."""
        with self._read() as (con, room):
            row = con.execute(sa.select(SETTINGS.c.record).where(SETTINGS.c.room == room,
                                                                 SETTINGS.c.name == name)).first()
        return default if row is None else json.loads(row[0])

    def delete_setting(self, name: str) -> None:
        """Forget the value saved under ``name`` in the room (nothing happens if there is none)."""
        with self._write() as (con, room):
            con.execute(sa.delete(SETTINGS).where(SETTINGS.c.room == room, SETTINGS.c.name == name))

    def integrity_ok(self) -> bool:
        """SQLite's own integrity check; on PostgreSQL (which checks its pages itself), that
        no call is stored twice in a room."""
        with self._transaction(write=False) as con:
            if not self.postgres:
                return con.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            pairs = sa.select(CALLS.c.room, CALLS.c.call_id).distinct().subquery()
            total = con.execute(sa.select(sa.func.count()).select_from(CALLS)).scalar_one()
            return total == con.execute(sa.select(sa.func.count()).select_from(pairs)).scalar_one()


def _schema_version(con: sa.Connection) -> int:
    """The store's :data:`SCHEMA_VERSION`; 1 for a store made before rooms (0 before
    batches), -1 for an empty one."""
    inspector = sa.inspect(con)
    if not inspector.has_table("meta"):
        if not inspector.has_table("calls"):
            return -1
        columns = {c["name"] for c in inspector.get_columns("calls")}
        return 1 if "batch" in columns else 0
    value = con.execute(sa.select(META.c.value).where(META.c.key == "schema_version")).scalar()
    return -1 if value is None else int(value)


def _migrate(con: sa.Connection) -> None:
    """Create the tables, and move a store made before rooms (SQLite) into
    :data:`DEFAULT_ROOM`: every call (in its order, with its batch; :data:`EARLIER_BATCH`
    for calls stored before batches existed), answer (with its id) and setting kept."""
    inspector = sa.inspect(con)
    old = [name for name in ("calls", "answers", "settings") if inspector.has_table(name)
           and "room" not in {c["name"] for c in inspector.get_columns(name)}]
    if "calls" in old and "batch" not in {c["name"] for c in inspector.get_columns("calls")}:
        con.exec_driver_sql("ALTER TABLE calls ADD COLUMN batch TEXT")
        con.execute(sa.text("UPDATE calls SET batch = :batch WHERE batch IS NULL"), {"batch": EARLIER_BATCH})
    for name in old:
        con.exec_driver_sql(f"ALTER TABLE {name} RENAME TO {name}_before_rooms")
    _TABLES.create_all(con)
    room = {"room": DEFAULT_ROOM}
    if "calls" in old:
        con.execute(sa.text("INSERT INTO calls (room, call_id, record, created, batch) "
                            "SELECT :room, call_id, record, created, batch FROM calls_before_rooms "
                            "ORDER BY created, rowid"), room)
    if "answers" in old:
        con.execute(sa.text("INSERT INTO answers (id, room, kind, record, created) "
                            "SELECT id, :room, kind, record, created FROM answers_before_rooms ORDER BY id"), room)
    if "settings" in old:
        con.execute(sa.text("INSERT INTO settings (room, name, record, created) "
                            "SELECT :room, name, record, created FROM settings_before_rooms"), room)
    for name in old:
        con.exec_driver_sql(f"DROP TABLE {name}_before_rooms")
    now = time.time()
    first = [con.execute(sa.select(sa.func.min(table.c.created), sa.func.max(table.c.created))).one()
             for table in (CALLS, ANSWERS, SETTINGS)]
    created = min([f[0] for f in first if f[0] is not None], default=now)
    last = max([f[1] for f in first if f[1] is not None], default=now)
    insert = _dialect_insert(con)
    con.execute(insert(ROOMS).values(name=DEFAULT_ROOM, created=created, last_activity=last, archived=None,
                                     version=1).on_conflict_do_nothing(index_elements=["name"]))
    for key, value in (("schema_version", str(SCHEMA_VERSION)), ("current_room", DEFAULT_ROOM)):
        stmt = insert(META).values(key=key, value=value)
        con.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value})
                    if key == "schema_version" else stmt.on_conflict_do_nothing(index_elements=["key"]))


def _delete_second_scorings(con: sa.Connection, room: str, call_ids: list[str]) -> int:
    """Delete the room's calls whose ``ref_call`` is one of ``call_ids`` (and theirs in
    turn); return how many. Left behind, they would point at a call no longer there."""
    removed = 0
    ref_call = _ref_call(con)
    while call_ids:
        found: list[str] = []
        for start in range(0, len(call_ids), 500):
            chunk = call_ids[start:start + 500]
            found += list(con.execute(sa.select(CALLS.c.call_id).where(CALLS.c.room == room,
                                                                       ref_call.in_(chunk))).scalars())
        for start in range(0, len(found), 500):
            chunk = found[start:start + 500]
            con.execute(sa.delete(CALLS).where(CALLS.c.room == room, CALLS.c.call_id.in_(chunk)))
        removed += len(found)
        call_ids = found
    return removed
