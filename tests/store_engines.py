"""The engines the store's tests run on: SQLite always, PostgreSQL when a server is given.

``CXKIT_TEST_PG`` is a ``postgresql://`` URL of a server the tests may create databases
on (``tools/pg_test_server.py start`` starts a throw-away one and prints it). Without it
the PostgreSQL cases skip with a message saying so, except under ``CI=true``, where
``.ci/run`` starts the server and its absence is a failure.
"""
from __future__ import annotations

import os
import uuid

import pytest

ENGINES = ["sqlite", "postgresql"]


def pg_server() -> str:
    """The test server's URL, else skip (fail under CI=true)."""
    url = os.environ.get("CXKIT_TEST_PG", "").strip()
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but CXKIT_TEST_PG is not set: .ci/run should have started PostgreSQL "
                        "(tools/pg_test_server.py start)")
        pytest.skip("PostgreSQL store tests need CXKIT_TEST_PG=postgresql://… "
                    "(run: eval \"$(python tools/pg_test_server.py start)\")")
    return url


def admin(url: str):
    """A psycopg connection in autocommit mode to the server's ``postgres`` database."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    params = dict(u.query)
    return psycopg.connect(dbname="postgres", user=u.username, password=u.password, host=u.host or params.get("host"),
                           port=u.port or params.get("port"), autocommit=True)


def new_database(url: str) -> str:
    """Create an empty database on the test server; return its URL."""
    from sqlalchemy.engine import make_url

    name = "cxkit_test_" + uuid.uuid4().hex[:12]
    with admin(url) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop a database made by :func:`new_database` (its connections are ended first)."""
    from sqlalchemy.engine import make_url

    from cxkit.store import dispose_engines

    dispose_engines()
    name = make_url(url).database
    with admin(url) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=ENGINES)
def location(request, tmp_path):
    """Where a fresh, empty store lives: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield tmp_path / "store.sqlite"
        return
    url = new_database(pg_server())
    try:
        yield url
    finally:
        drop_database(url)


@pytest.fixture
def pg_location():
    """A new PostgreSQL database (PostgreSQL-only tests)."""
    url = new_database(pg_server())
    try:
        yield url
    finally:
        drop_database(url)
