"""cxkit.store: participants' entries kept whole, never twice. Each test using ``store``
runs on SQLite and on PostgreSQL (tests/store_engines.py)."""
from __future__ import annotations

import sqlite3

import pytest

from cxkit import DataError
from cxkit.store import Store
from store_engines import location  # noqa: F401  (fixture)


@pytest.fixture
def store(location):
    """An empty store, on each engine."""
    return Store(location)


def test_add_and_read_calls_in_order(store):
    """Store: calls come back in the order stored, call_id first, fields intact"""
    store.add_call({"evaluator": "Ana", "call_id": "C1", "w01": 1})
    store.add_call({"call_id": "C2", "evaluator": "Léo", "w01": None, "comment": "très bien"})
    calls = store.calls()
    assert calls["call_id"].tolist() == ["C1", "C2"]
    assert list(calls.columns)[0] == "call_id"
    assert calls.loc[1, "evaluator"] == "Léo" and calls.loc[1, "comment"] == "très bien"


def test_duplicate_call_raises_and_keeps_stored(store):
    """Store: a call_id already stored raises DataError and leaves the stored call untouched"""
    store.add_call({"call_id": "C1", "score": 1})
    with pytest.raises(DataError, match="call 'C1' is already stored"):
        store.add_call({"call_id": "C1", "score": 99})
    assert store.calls().to_dict("records") == [{"call_id": "C1", "score": 1}]


def test_add_calls_is_all_or_nothing(store):
    """Store.add_calls: one duplicate in a batch stores none of the batch"""
    store.add_call({"call_id": "C1"})
    with pytest.raises(DataError, match="'C3'"):
        store.add_calls([{"call_id": "C2"}, {"call_id": "C3"}, {"call_id": "C3"}])
    assert store.call_ids() == {"C1"}


def test_call_without_id(store):
    """Store: a call with no call_id is refused"""
    with pytest.raises(DataError, match="needs a call_id"):
        store.add_call({"call_id": "  "})


def test_answers_by_kind(store):
    """Store: answers are kept per kind, oldest first"""
    store.add_answer("self_assessment", {"q1": 3})
    store.add_answer("other", {"x": 1})
    store.add_answer("self_assessment", {"q1": 1})
    assert store.answers("self_assessment")["q1"].tolist() == [3, 1]
    assert store.answers("nothing").empty


def test_integrity(store):
    """Store.integrity_ok: true on a store holding calls (SQLite's integrity_check; on
    PostgreSQL, no call twice in a room)"""
    store.add_calls([{"call_id": "C1"}, {"call_id": "C2"}])
    assert store.integrity_ok()


def test_wal_mode_and_integrity(tmp_path):
    """Store on SQLite: the database is in WAL mode (concurrent kernels) and passes integrity_check"""
    store = Store(tmp_path / "store.sqlite")
    store.add_call({"call_id": "C1"})
    with sqlite3.connect(store.path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.integrity_ok()


def test_default_path_follows_cxkit_db(monkeypatch, tmp_path):
    """Store(): the path comes from CXKIT_DB"""
    monkeypatch.setenv("CXKIT_DB", str(tmp_path / "w" / "x.sqlite"))
    assert Store().path == tmp_path / "w" / "x.sqlite"


def test_cxkit_db_may_be_a_postgresql_url(monkeypatch, location):
    """CXKIT_DB: a postgresql:// URL makes Store() use PostgreSQL; workspace_dir() is then
    the repository's workspace/ folder"""
    from cxkit import store as cstore

    monkeypatch.setenv("CXKIT_DB", str(location))
    store = Store()
    assert store.postgres == str(location).startswith("postgresql://")
    store.add_call({"call_id": "E1"})
    assert Store(location).call_ids() == {"E1"}
    expected = cstore.Path(cstore.__file__).resolve().parent.parent / "workspace" if store.postgres \
        else cstore.Path(location).parent
    assert cstore.workspace_dir() == expected


def test_settings_are_saved_replaced_and_forgotten(store):
    """save_setting keeps one value per name (the last one); delete_setting forgets it"""
    assert store.setting("audit_grid") is None
    assert store.setting("audit_grid", {}) == {}
    store.save_setting("audit_grid", {"w01": {"weight": 2.5, "critical": True}})
    store.save_setting("audit_grid", {"w01": {"weight": 4.0, "critical": False}})
    store.save_setting("other", [1, 2])
    assert store.setting("audit_grid") == {"w01": {"weight": 4.0, "critical": False}}
    assert Store(store.path).setting("other") == [1, 2]  # another kernel reads it
    store.delete_setting("audit_grid")
    store.delete_setting("never_saved")
    assert store.setting("audit_grid") is None and store.setting("other") == [1, 2]
    assert store.calls().empty and store.integrity_ok()
