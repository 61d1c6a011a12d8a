#!/usr/bin/env python3
"""A throw-away PostgreSQL server for the store's tests.

    eval "$(python3 tools/pg_test_server.py start)"   # prints CXKIT_TEST_PG and CXKIT_TEST_PG_DIR
    python3 tools/pg_test_server.py stop "$CXKIT_TEST_PG_DIR"

``start`` makes a cluster in a new temporary folder (``initdb``), starts it with ``pg_ctl``
on a free port of 127.0.0.1, its unix socket in that folder, and prints the shell lines
that export its URL (``CXKIT_TEST_PG``) and folder (``CXKIT_TEST_PG_DIR``). PostgreSQL
refuses to run as root: as root the folder is given to the ``postgres`` user and the
server runs as that user (``runuser``); otherwise as the current user. ``stop`` stops it
and deletes the folder. ``pause`` and ``resume`` stop and start the same server (tests of
a server restarted during a session). Durability settings are off: the data is thrown away.

The binaries are found on the PATH, else in Debian's ``/usr/lib/postgresql/<version>/bin``.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

USER = "postgres"


def binaries() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if not versions:
        sys.exit("pg_test_server: initdb not found (install PostgreSQL: apt-get install -y postgresql)")
    return Path(versions[-1]).parent


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    if shutil.which("runuser"):
        return ["runuser", "-u", USER, "--", *cmd]
    return ["su", USER, "-s", "/bin/sh", "-c", " ".join(f"'{c}'" for c in cmd)]


def _run(cmd: list[str]) -> None:
    result = subprocess.run(_as_server_user(cmd), capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"pg_test_server: {' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_ctl_start(folder: Path) -> None:
    bindir = Path((folder / "bindir").read_text().strip())
    port = int((folder / "port").read_text())
    options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
               "-c full_page_writes=off -c max_connections=200")
    _run([str(bindir / "pg_ctl"), "-D", str(folder / "data"), "-l", str(folder / "server.log"), "-w",
          "-t", "60", "-o", options, "start"])


def _pg_ctl_stop(folder: Path) -> None:
    bindir = Path((folder / "bindir").read_text().strip())
    _run([str(bindir / "pg_ctl"), "-D", str(folder / "data"), "-m", "fast", "-w", "stop"])


def start() -> None:
    bindir = binaries()
    folder = Path(tempfile.mkdtemp(prefix="cxkit-pg-"))
    (folder / "bindir").write_text(str(bindir))
    (folder / "port").write_text(str(_free_port()))
    if os.geteuid() == 0:
        shutil.chown(folder, USER, USER)
        for item in folder.iterdir():
            shutil.chown(item, USER, USER)
    _run([str(bindir / "initdb"), "-D", str(folder / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8",
          "--locale=C", "--no-instructions"])
    _pg_ctl_start(folder)
    port = (folder / "port").read_text()
    print(f"export CXKIT_TEST_PG='postgresql://postgres@127.0.0.1:{port}/postgres'")
    print(f"export CXKIT_TEST_PG_DIR='{folder}'")


def stop(folder: Path) -> None:
    if (folder / "data" / "postmaster.pid").exists():
        _pg_ctl_stop(folder)
    shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1] not in {"start", "stop", "pause", "resume"}:
        sys.exit(__doc__)
    if argv[1] == "start":
        start()
        return
    if len(argv) < 3:
        sys.exit(f"pg_test_server: {argv[1]} needs the server's folder (CXKIT_TEST_PG_DIR)")
    folder = Path(argv[2])
    if not (folder / "bindir").exists():
        sys.exit(f"pg_test_server: {folder} is not a folder made by 'start'")
    if argv[1] == "stop":
        stop(folder)
    elif argv[1] == "pause":
        _pg_ctl_stop(folder)
    else:
        _pg_ctl_start(folder)
        time.sleep(0.1)


if __name__ == "__main__":
    main(sys.argv)
