"""cxkit.store on PostgreSQL: what only a server can do to a store. A connection dropped in
the middle of a write, a server stopped and restarted during a session, a server that
cannot be reached: each leaves nothing half-written and shows one translated sentence,
and the next save works. Needs CXKIT_TEST_PG (see tests/store_engines.py); the restart
test also needs CXKIT_TEST_PG_DIR (a server started by tools/pg_test_server.py)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from cxkit import DataError
from cxkit import store as cstore
from cxkit.store import Store
from store_engines import admin, pg_location  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
LOST = "the workshop's database could not be reached or the connection was lost: nothing was written"


def _one_sentence(err: pytest.ExceptionInfo) -> None:
    """The error a user sees: one DataError, no chained database traceback."""
    assert type(err.value) is DataError
    assert err.value.__cause__ is None and err.value.__suppress_context__


@pytest.mark.parametrize("batch", [1, 50])
def test_a_connection_dropped_mid_write_leaves_nothing_and_the_next_save_works(pg_location, batch):
    """pg_terminate_backend between the room's update and the INSERT: DataError in one
    sentence, no call of the batch stored, data_version unchanged; the next save works"""
    store = Store(pg_location)
    store.add_call({"call_id": "K1"})
    version = store.data_version()
    engine = cstore._engine(store._key, True)
    killed = []

    def kill_before_insert(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO calls") and not killed:
            pid = conn.connection.dbapi_connection.info.backend_pid
            with admin(pg_location) as other:
                other.execute("SELECT pg_terminate_backend(%s)", (pid,))
            killed.append(pid)

    sa.event.listen(engine, "before_cursor_execute", kill_before_insert)
    try:
        with pytest.raises(DataError, match=LOST) as err:
            store.add_calls([{"call_id": f"D{i}", "comment": "x" * 100} for i in range(batch)])
    finally:
        sa.event.remove(engine, "before_cursor_execute", kill_before_insert)
    assert killed
    _one_sentence(err)
    assert store.call_ids() == {"K1"} and store.data_version() == version
    store.add_calls([{"call_id": f"D{i}"} for i in range(batch)])  # the next save, on a fresh connection
    assert len(store.call_ids()) == batch + 1 and store.integrity_ok()


def test_the_french_sentence(pg_location, monkeypatch):
    """A lost connection reads as one French sentence when the page is in French"""
    from cxkit import i18n

    monkeypatch.setattr(i18n, "_current", "fr")
    with pytest.raises(DataError, match="la base de données de l'atelier est injoignable"):
        Store("postgresql://nobody@127.0.0.1:1/none")


def test_a_server_that_cannot_be_reached_is_one_sentence():
    """Store(url) on a port where no server listens: DataError in one sentence"""
    with pytest.raises(DataError, match=LOST) as err:
        Store("postgresql://postgres@127.0.0.1:1/cxkit")
    _one_sentence(err)


def test_a_server_restarted_during_the_session(pg_location):
    """Server stopped: a save is refused in one sentence, nothing written; server started
    again: the next save works with the same Store, earlier records kept"""
    folder = os.environ.get("CXKIT_TEST_PG_DIR")
    if not folder:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but CXKIT_TEST_PG_DIR is not set (tools/pg_test_server.py start prints it)")
        pytest.skip("the restart test needs CXKIT_TEST_PG_DIR: a server started by tools/pg_test_server.py")
    tool = [sys.executable, str(ROOT / "tools" / "pg_test_server.py")]
    store = Store(pg_location)
    store.add_call({"call_id": "R1"})
    subprocess.run([*tool, "pause", folder], check=True)
    try:
        with pytest.raises(DataError, match=LOST) as err:
            store.add_call({"call_id": "R2"})
        _one_sentence(err)
    finally:
        subprocess.run([*tool, "resume", folder], check=True)
    store.add_call({"call_id": "R3"})
    assert store.call_ids() == {"R1", "R3"}
    assert Store(pg_location).calls()["call_id"].tolist() == ["R1", "R3"]


def test_url_forms_and_one_engine_per_url(pg_location):
    """postgresql:// and postgresql+psycopg:// reach the same store through psycopg 3; one
    Engine per URL per process"""
    plain = Store(pg_location)
    explicit = Store(pg_location.replace("postgresql://", "postgresql+psycopg://", 1))
    plain.add_call({"call_id": "U1"})
    assert explicit.call_ids() == {"U1"} and plain.postgres and explicit.postgres
    assert cstore._engine(plain._key, True) is cstore._engine(explicit._key, True)
    assert cstore._engine(plain._key, True).dialect.driver == "psycopg"


def test_many_kernels_opening_a_new_store_at_once(pg_location):
    """Eight processes opening the same empty database at once: the schema is made once,
    every one of them can write"""
    code = ("import sys; from cxkit.store import Store; s = Store(sys.argv[1]); "
            "s.add_call({'call_id': sys.argv[2]})")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-c", code, pg_location, f"O{i}"], env=env, stderr=subprocess.PIPE)
             for i in range(8)]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, errors
    assert Store(pg_location).call_ids() == {f"O{i}" for i in range(8)}
