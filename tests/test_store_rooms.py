"""cxkit.store's rooms: workshops kept apart in one store, the room currently open shared
by every kernel, a cheap data version for live pages, presence marks, and stores written
before rooms existed migrated with nothing lost. Runs on SQLite and PostgreSQL."""
from __future__ import annotations

import importlib.util
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cxkit import DataError
from cxkit import store as cstore
from cxkit.store import DEFAULT_ROOM, Store
from store_engines import location  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
#: The last commit of cxkit/store.py before rooms (batches, one unnamed workshop).
MAIN_BEFORE_ROOMS = "1bf2ff5515e8b90b5f6ad9a1f5f1fd8f33617834"


def test_a_new_store_uses_the_default_room(location):
    """Store(): a new store is in DEFAULT_ROOM ('workshop'), listed as current, empty"""
    store = Store(location)
    assert DEFAULT_ROOM == "workshop" and store.room == "workshop"
    rooms = store.rooms()
    assert list(rooms.columns) == ["room", "created", "last_activity", "calls", "answers", "archived", "current"]
    assert rooms[["room", "calls", "answers", "archived", "current"]].to_dict("records") == [
        {"room": "workshop", "calls": 0, "answers": 0, "archived": False, "current": True}]


def test_two_rooms_never_see_each_others_records(location):
    """Rooms: calls (the same call_id in both), answers, settings, batches and deletions
    stay in their room"""
    a, b = Store(location, room="Lyon"), Store(location, room="Nantes")
    a.add_calls([{"call_id": "C1", "evaluator": "Ana"}, {"call_id": "C2"}], batch="file.csv")
    b.add_call({"call_id": "C1", "evaluator": "Bob"}, batch="file.csv")
    a.add_answer("self_assessment", {"q1": 1})
    b.add_answer("self_assessment", {"q1": 5})
    a.save_setting("audit_grid", {"w01": 1})
    assert a.calls()["call_id"].tolist() == ["C1", "C2"] and a.calls().loc[0, "evaluator"] == "Ana"
    assert b.calls().to_dict("records") == [{"call_id": "C1", "evaluator": "Bob"}]
    assert a.call_ids() == {"C1", "C2"} and b.call_ids() == {"C1"}
    assert a.answers("self_assessment")["q1"].tolist() == [1] and b.answers("self_assessment")["q1"].tolist() == [5]
    assert b.setting("audit_grid") is None and a.setting("audit_grid") == {"w01": 1}
    assert b.batches()["calls"].tolist() == [1] and a.batches()["calls"].tolist() == [2]
    assert b.delete_batch("file.csv") == 1
    assert a.call_ids() == {"C1", "C2"}
    assert a.delete_call("C1") and not b.delete_call("C2")
    assert Store(location).calls().empty  # the default room saw none of it
    counts = Store(location).rooms().set_index("room")[["calls", "answers"]].to_dict("index")
    assert counts == {"workshop": {"calls": 0, "answers": 0}, "Lyon": {"calls": 1, "answers": 1},
                      "Nantes": {"calls": 0, "answers": 1}}


def test_a_duplicate_is_refused_in_its_room_only(location):
    """Rooms: a call_id already stored in the room raises DataError; another room takes it"""
    a = Store(location, room="A")
    a.add_call({"call_id": "X", "n": 1})
    with pytest.raises(DataError, match="call 'X' is already stored"):
        a.add_calls([{"call_id": "Y"}, {"call_id": "X", "n": 2}])
    assert a.calls().to_dict("records") == [{"call_id": "X", "n": 1}]
    Store(location, room="B").add_call({"call_id": "X", "n": 3})
    assert Store(location, room="B").calls()["n"].tolist() == [3]


def test_open_room_is_shared_by_every_kernel(location):
    """open_room: the room becomes current for every Store(room=None), even one built before"""
    participant = Store(location)  # a participant's kernel, built before the trainer opens the room
    trainer = Store(location)
    assert trainer.open_room("  Session du 3 mars ") == "Session du 3 mars"
    assert trainer.room == participant.room == Store(location).room == "Session du 3 mars"
    participant.add_call({"call_id": "P1"})
    assert trainer.call_ids() == {"P1"} and Store(location, room=DEFAULT_ROOM).calls().empty
    rooms = trainer.rooms().set_index("room")
    assert rooms["current"].to_dict() == {"workshop": False, "Session du 3 mars": True}
    fixed = Store(location, room="workshop")
    fixed.open_room("Other")  # switches this store too
    assert fixed.room == "Other" and participant.room == "Other"


def test_archived_rooms_keep_their_records_and_refuse_writes(location):
    """archive_room: records kept and readable, writes refused with one sentence, reopened by open_room"""
    store = Store(location, room="Old")
    store.add_call({"call_id": "C1"})
    store.archive_room("Old")
    with pytest.raises(DataError, match="the room 'Old' is archived: nothing was written"):
        store.add_call({"call_id": "C2"})
    with pytest.raises(DataError, match="archived"):
        store.save_setting("s", 1)
    assert store.call_ids() == {"C1"}
    assert store.rooms().set_index("room").loc["Old", "archived"]
    with pytest.raises(DataError, match="there is no room named 'Nowhere'"):
        store.archive_room("Nowhere")
    store.open_room("Old")
    store.add_call({"call_id": "C2"})
    assert store.call_ids() == {"C1", "C2"} and not store.rooms().set_index("room").loc["Old", "archived"]


@pytest.mark.parametrize("name, problem", [("a\x07b", "control character"), ("x" * 81, "80"),
                                           ("   ", "required")])
def test_room_names_pass_the_door(location, name, problem):
    """Room names: control characters, empty names and names over MAX_NAME_CHARS are
    refused with DataError; a line break becomes a space"""
    with pytest.raises(DataError) as err:
        Store(location).open_room(name)
    assert problem in str(err.value)
    assert Store(location).rooms()["room"].tolist() == ["workshop"]
    assert Store(location).open_room("two\nlines") == "two lines"  # a name is one line


def test_data_version_changes_after_every_write_in_the_room_only(location):
    """data_version: changes after add_call(s), add_answer, save/delete_setting,
    delete_call/batch; not after reads, touch, or writes in another room"""
    store, other = Store(location, room="R"), Store(location, room="S")
    seen = [store.data_version()]

    def changed():
        seen.append(store.data_version())
        return seen[-1] != seen[-2]

    store.add_call({"call_id": "C1"}, batch="b")
    assert changed()
    store.add_calls([{"call_id": "C2"}, {"call_id": "C3"}], batch="b")
    assert changed()
    store.add_answer("k", {"q": 1})
    assert changed()
    store.save_setting("s", 1)
    assert changed()
    store.delete_setting("s")
    assert changed()
    assert store.delete_call("C1")
    assert changed()
    assert store.delete_batch("b") == 2
    assert changed()
    store.calls(), store.answers("k"), store.setting("s"), store.rooms(), store.present()
    store.touch("page-1", "03_audit")
    other.add_call({"call_id": "C1"})
    with pytest.raises(DataError):
        store.add_call({"call_id": "bad\x07"})
    assert not changed()
    assert len(set(seen)) == len(seen) - 1  # never back to an earlier value


def test_data_version_follows_the_room_the_trainer_opens(location):
    """data_version of a Store(room=None): changes when the trainer opens another room,
    even an empty one"""
    follower = Store(location)
    before = follower.data_version()
    Store(location).open_room("Next")
    assert follower.data_version() != before
    before = follower.data_version()
    Store(location).open_room("workshop")
    assert follower.data_version() != before


def test_presence_counts_recent_pages_of_the_room(location, monkeypatch):
    """touch/present: pages seen within the window are counted once each, per room; an old
    mark is not counted"""
    store = Store(location, room="R")
    store.touch("page-a", "01_stories")
    store.touch("page-a", "03_audit")  # the same page, counted once
    store.touch("page-b", "03_audit")
    Store(location, room="S").touch("page-c", "03_audit")
    assert store.present() == 2 and Store(location, room="S").present() == 1
    assert Store(location, room="T").present() == 0
    now = cstore.time.time()
    monkeypatch.setattr(cstore.time, "time", lambda: now + 60)
    assert store.present() == 0 and store.present(within_seconds=120) == 2
    store.touch("page-b", "03_audit")
    assert store.present() == 1
    with pytest.raises(DataError):
        store.touch("page\x07", "x")


# --- stores written before rooms existed ---------------------------------------------------

def _main_store_module(tmp_path):
    """cxkit/store.py as the main of before rooms had it, loaded as a module of cxkit."""
    try:
        source = subprocess.run(["git", "show", f"{MAIN_BEFORE_ROOMS}:cxkit/store.py"], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("the main of before rooms is not in this checkout's git history")
    path = tmp_path / "store_before_rooms.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("cxkit._store_before_rooms", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(spec.name, None)
    return module


def test_a_store_written_by_main_before_rooms_is_migrated_whole(tmp_path):
    """Migration: a store written by the main of before rooms opens in DEFAULT_ROOM with
    every call (order, fields, batch), answer (id) and setting kept, and takes new rooms"""
    old = _main_store_module(tmp_path)
    assert not hasattr(old, "DEFAULT_ROOM")
    path = tmp_path / "main.sqlite"
    writer = old.Store(path)
    writer.add_calls([{"call_id": f"C{i}", "evaluator": "Léo", "w01": i % 2, "comment": "« bien »"} for i in range(5)],
                     batch="campaign.xlsx")
    writer.add_call({"call_id": "C1-B", "ref_call": "C1", "evaluator": "Ana"}, batch="form")
    ids = [writer.add_answer("self_assessment", {"q1": q}) for q in (3, 1)]
    writer.save_setting("audit_grid", {"w01": {"weight": 2.5}})
    calls, batches = writer.calls(), writer.batches()
    cstore._CHECKED.clear()

    store = Store(path)
    assert store.room == DEFAULT_ROOM
    assert store.calls().equals(calls) and store.batches().equals(batches)
    assert store.answers("self_assessment")["q1"].tolist() == [3, 1]
    assert store.setting("audit_grid") == {"w01": {"weight": 2.5}}
    with sqlite3.connect(path) as con:
        assert [r[0] for r in con.execute("SELECT id FROM answers ORDER BY id")] == ids
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "2"
        assert not [r for r in con.execute("SELECT name FROM sqlite_master WHERE name LIKE '%before_rooms%'")]
    con.close()
    rooms = store.rooms()
    assert rooms[["room", "calls", "answers", "current"]].to_dict("records") == [
        {"room": "workshop", "calls": 6, "answers": 2, "current": True}]
    assert rooms.loc[0, "created"] == batches["created"].min()
    assert store.delete_call("C1") and store.call_ids() == {"C0", "C2", "C3", "C4"}  # its second scoring went too
    Store(path).open_room("new")
    Store(path).add_call({"call_id": "C0"})
    assert Store(path, room=DEFAULT_ROOM).call_ids() == {"C0", "C2", "C3", "C4"} and store.integrity_ok()
    Store(path)  # opening again migrates nothing twice
    assert len(Store(path, room=DEFAULT_ROOM).calls()) == 4


def test_the_schema_of_main_before_rooms_is_migrated(tmp_path):
    """Migration: a file with main's exact schema of before rooms (written with plain
    sqlite3) keeps its rows, in their order"""
    path = tmp_path / "schema.sqlite"
    with sqlite3.connect(path) as con:
        con.executescript("""
            CREATE TABLE IF NOT EXISTS calls (call_id TEXT PRIMARY KEY, record TEXT NOT NULL,
                                              created REAL NOT NULL, batch TEXT);
            CREATE TABLE IF NOT EXISTS answers (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
                                                record TEXT NOT NULL, created REAL NOT NULL);
            CREATE INDEX IF NOT EXISTS answers_kind ON answers(kind);
            CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, record TEXT NOT NULL, created REAL NOT NULL);
            CREATE INDEX IF NOT EXISTS calls_batch ON calls(batch);
        """)
        con.executemany("INSERT INTO calls VALUES (?, ?, ?, ?)",
                        [(f"Z{i}", json.dumps({"call_id": f"Z{i}", "n": i}), 5.0, "b") for i in (3, 1, 2)])
        con.execute("INSERT INTO answers (id, kind, record, created) VALUES (7, 'k', '{\"q\": 1}', 1.0)")
        con.execute("INSERT INTO settings VALUES ('language', '\"fr\"', 1.0)")
    con.close()
    store = Store(path)
    assert store.calls()["call_id"].tolist() == ["Z3", "Z1", "Z2"]  # same time: the order stored
    assert store.answers("k")["q"].tolist() == [1] and store.setting("language") == "fr"
    assert store.add_answer("k", {"q": 2}) == 8
    assert store.integrity_ok()
