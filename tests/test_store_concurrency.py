"""The store under a workshop's load: many kernels writing at once, and kernels killed
mid-write. Every call whose ``add_call`` returned is kept, once, and the store's integrity
check passes. Each test runs on SQLite and on PostgreSQL (tests/store_engines.py).

Writers are separate processes, as Voilà's participant kernels are: forked workers for
the concurrent writes, ``python -c`` subprocesses for the ones killed with SIGKILL.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cxkit import DataError
from cxkit.store import Store
from store_engines import location  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
FORK = multiprocessing.get_context("fork")


def _row_counts(location) -> tuple[int, int]:
    """(rows, distinct call ids) in the calls table, read with a plain connection."""
    query = "SELECT COUNT(*), COUNT(DISTINCT call_id) FROM calls"
    if isinstance(location, Path):
        with sqlite3.connect(location) as con:
            return con.execute(query).fetchone()
    import psycopg

    with psycopg.connect(str(location)) as con:
        return con.execute(query).fetchone()


def _integrity(location) -> str:
    if isinstance(location, Path):
        with sqlite3.connect(location) as con:
            return con.execute("PRAGMA integrity_check").fetchone()[0]
    return "ok" if Store(location).integrity_ok() else "not ok"


def _participant(path: str, who: int, n: int, start, results) -> None:
    """One participant: wait for the start signal, then add ``n`` calls one by one."""
    store = Store(path)
    start.wait()
    stored = []
    for i in range(n):
        call_id = f"P{who:02d}-{i:03d}"
        store.add_call({"call_id": call_id, "evaluator": f"participant {who}", "w01": i % 2,
                        "comment": "attente trop longue, « musique » en boucle"})
        stored.append(call_id)
    results.put((who, stored))


def _racer(path: str, who: int, ids: list[str], start, results) -> None:
    """A participant adding ids that others add too: count successes and refusals."""
    store = Store(path)
    start.wait()
    won, refused = [], 0
    for call_id in ids:
        try:
            store.add_call({"call_id": call_id, "by": who})
            won.append(call_id)
        except DataError:
            refused += 1
    results.put((who, won, refused))


def _run_all(target, args_per_process, timeout: float = 60.0) -> list:
    """Start one forked process per args tuple, release them together, collect results."""
    start, results = FORK.Event(), FORK.Queue()
    procs = [FORK.Process(target=target, args=(*args, start, results)) for args in args_per_process]
    for p in procs:
        p.start()
    start.set()
    out = [results.get(timeout=timeout) for _ in procs]
    for p in procs:
        p.join(timeout=timeout)
        assert p.exitcode == 0
    return out


@pytest.mark.parametrize("processes, limit_s", [(8, 30), (20, 90)])
def test_participants_fifty_calls_each(location, processes, limit_s):
    """8 and 20 processes × 50 calls written at once: all 400 / 1000 stored, none twice, integrity ok"""
    path = location
    Store(path)
    started = time.perf_counter()
    out = _run_all(_participant, [(str(path), who, 50) for who in range(processes)], timeout=limit_s * 2)
    elapsed = time.perf_counter() - started
    n = processes * 50
    print(f"\n{processes} processes x 50 calls on {'SQLite' if isinstance(path, Path) else 'PostgreSQL'}: "
          f"{elapsed:.2f} s")
    returned = {cid for _, ids in out for cid in ids}
    assert len(returned) == n
    store = Store(path)
    assert store.call_ids() == returned
    assert _row_counts(path) == (n, n)
    calls = store.calls()
    assert len(calls) == n and not calls["call_id"].duplicated().any()
    assert calls.loc[calls["call_id"] == "P03-007", "evaluator"].item() == "participant 3"
    assert calls["comment"].eq("attente trop longue, « musique » en boucle").all()
    assert _integrity(path) == "ok" and store.integrity_ok()
    assert elapsed < limit_s, f"{n} concurrent writes took {elapsed:.1f} s"


def test_racing_for_the_same_ids_stores_each_once(location):
    """8 processes adding the same 25 ids: each stored once, exactly one process wins each"""
    path = location
    Store(path)
    ids = [f"S{i:02d}" for i in range(25)]
    out = _run_all(_racer, [(str(path), who, ids) for who in range(8)])
    winners = [cid for _, won, _ in out for cid in won]
    assert sorted(winners) == ids  # every id won once, none twice
    assert sum(refused for _, _, refused in out) == 8 * 25 - 25
    assert _row_counts(path) == (25, 25)
    stored = Store(path).calls().set_index("call_id")["by"].to_dict()
    won_by = {cid: who for who, won, _ in out for cid in won}
    assert stored == won_by  # the stored record is the winner's, untouched by the losers
    assert _integrity(path) == "ok"


# A writer as a participant's kernel runs it: add a call (or a batch), then log the ids
# to an append-only file with an unbuffered write once add_call(s) has returned.
WRITER = textwrap.dedent("""
    import os, sys
    import cxkit.store
    from cxkit.store import Store
    cxkit.store.MAX_STORE_CALLS = 10**9  # the writers run until killed, past the room's cap
    path, log, tag, batch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    store = Store(path)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    i = 0
    while True:
        ids = [f"{tag}-{i + k:06d}" for k in range(batch)]
        store.add_calls([{"call_id": c, "comment": "x" * 200, "n": i} for c in ids])
        os.write(fd, ("\\n".join(ids) + "\\n").encode())
        i += batch
""")


def _start_writer(path: Path, log: Path, tag: str, batch: int = 1) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(log), tag, str(batch)],
                            env=env, stderr=subprocess.PIPE)


def _logged(log: Path) -> list[str]:
    if not log.exists():
        return []
    return [line for line in log.read_text().split("\n") if line]


def _wait_for_lines(log: Path, n: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.time() + timeout
    while len(_logged(log)) < n:
        if proc.poll() is not None:
            raise AssertionError(f"writer died: {proc.stderr.read().decode()[-2000:]}")
        assert time.time() < deadline, "the writer did not get going"
        time.sleep(0.01)


@pytest.mark.parametrize("batch", [1, 20])
def test_kill_writers_mid_write_keeps_every_committed_call(tmp_path, location, batch):
    """SIGKILL of 3 writers in a loop, 4 times: store readable, integrity ok, every returned call kept"""
    path = location
    Store(path)
    committed: set[str] = set()
    for round_ in range(4):
        writers = [(_start_writer(path, tmp_path / f"r{round_}-w{w}.log", f"R{round_}W{w}", batch),
                    tmp_path / f"r{round_}-w{w}.log") for w in range(3)]
        for proc, log in writers:
            _wait_for_lines(log, 5 * batch, proc)
        time.sleep(0.05 * round_)  # kill at different points of the loop
        for proc, _ in writers:
            os.kill(proc.pid, signal.SIGKILL)
        for proc, log in writers:
            assert proc.wait(timeout=10) == -signal.SIGKILL
            proc.stderr.close()
            committed |= set(_logged(log))
        store = Store(path)  # readable after the kills
        assert _integrity(path) == "ok"
        stored = store.call_ids()
        assert committed <= stored, f"lost {sorted(committed - stored)[:5]}"
        # at most one batch per writer was committed but not yet logged when killed
        extra = stored - committed
        assert len(extra) <= 3 * batch
        rows, distinct = _row_counts(path)
        assert rows == distinct == len(stored)
        # a batch is all or nothing: each batch's ids are all stored or none
        by_batch: dict[tuple[str, int], int] = {}
        for cid in stored:
            tag, number = cid.split("-")
            key = (tag, int(number) // batch)
            by_batch[key] = by_batch.get(key, 0) + 1
        assert set(by_batch.values()) == {batch}
    assert len(committed) >= 4 * 3 * 5 * batch
    calls = Store(path).calls()
    assert len(calls) == len(Store(path).call_ids())
    assert Store(path).integrity_ok()
