from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSPRISM_SHARED", ROOT.parent / "shared"))
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session", autouse=True)
def session_gazetteer_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One default gazetteer for the whole test session (built once, about 30 s), the same for
    every test and for the CLI runs they start: results never depend on a developer's cache,
    where `gazetteer load` may have added a full GeoNames dump."""
    path = tmp_path_factory.getbasetemp() / "default-gazetteer.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEWSPRISM_GAZETTEER", str(path))
        yield path


@pytest.fixture(scope="session")
def default_gazetteer(session_gazetteer_path: Path):
    from newsprism.understand.gazetteer import Gazetteer

    gazetteer = Gazetteer.open_default()
    yield gazetteer
    gazetteer.close()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared is absent ({SHARED}): tests on the shared data sets are skipped")
    return SHARED


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    seeds = shared_dir / "corpus" / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"{seeds} is absent")
    return seeds


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES / "articles"


@pytest.fixture(scope="session")
def examples_db() -> Path:
    """The example corpus analyzed once per test run (examples_store.py), for tests that only
    read it."""
    from examples_store import analyzed_examples

    return analyzed_examples().db


@pytest.fixture(scope="session")
def expected() -> dict:
    return json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))


def _pg_url() -> str | None:
    return os.environ.get("NEWSPRISM_TEST_PG_URL")


@pytest.fixture
def pg_url() -> str:
    url = _pg_url()
    if not url:
        pytest.skip(
            "NEWSPRISM_TEST_PG_URL is not set: run `make test`, which starts a PostgreSQL server"
        )
    return url


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine

    from newsprism.store.schema import metadata
    from newsprism.store.store import database_url

    engine = create_engine(database_url(url))
    metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def fresh_pg_url(pg_url: str) -> str:
    """The test server's URL, its newsprism tables dropped first."""
    _reset_postgres(pg_url)
    return pg_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh empty store, once SQLite and once PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    url = request.getfixturevalue("pg_url")
    _reset_postgres(url)
    return url


@pytest.fixture
def close_after() -> Iterator[list[Any]]:
    """A list to put opened corpora in: each is closed when the test ends, passed or failed."""
    opened: list[Any] = []
    yield opened
    while opened:
        opened.pop().close()
