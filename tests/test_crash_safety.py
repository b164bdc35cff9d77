"""A run killed with SIGKILL at any moment is completed by running it again: the store stays
sound, every input is stored once, nothing points at a missing article, and the claim groups
and stories equal those of a run that was never interrupted. The kill is timed by what the
store holds, so that it lands inside reading, understanding, cross-checking and stories."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from newsprism.api import open_corpus

TOWNS = ["Velmora", "Dravik", "Ostrova", "Dunmere", "Keth Bridge", "Lorvan", "Marsk", "Tiven"]
ARTICLES = 80  # several batches in every stage (16 to understand, 64 to place in stories)


def _write_corpus(folder: Path) -> None:
    """Invented reports of a flood in eight towns, by several outlets, with figures that agree
    and disagree, so that claims group and stories form."""
    folder.mkdir()
    for i in range(ARTICLES):
        town = TOWNS[i % len(TOWNS)]
        dead = 10 + (i % len(TOWNS)) + (i % 3 == 0)
        text = (
            f"Floods in {town}\n\n"
            f"At least {dead} people were killed when the river burst its banks in {town} on "
            f"Sunday, the regional governor said. About {200 + 10 * (i % 5)} residents were "
            f"evacuated to schools on higher ground. Rescue teams from the capital reached "
            f"{town} on Monday, and the army sent {3 + i % 4} helicopters. Report {i} of the "
            f"Valley Wire desk, filed by correspondent number {i * 7 % 31}."
        )
        (folder / f"report-{i:02d}.txt").write_text(text, encoding="utf-8")


def _command(folder: Path, db: Path | str) -> list[str]:
    return [sys.executable, "-m", "newsprism.cli", "analyze", str(folder), "--db", str(db),
            "--workers", "1", "--no-progress"]  # fmt: skip


def _counter(target: str) -> Callable[[str], int]:
    """Rows in a table of the store a run is writing, read without disturbing it (0 while the
    table does not exist yet)."""
    if "://" not in target:
        uri = f"{Path(target).resolve().as_uri()}?mode=ro"

        def count(table: str) -> int:
            try:
                with sqlite3.connect(uri, uri=True, timeout=1) as c:
                    return int(c.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            except sqlite3.Error:
                return 0

        return count
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    from newsprism.store.store import database_url

    engine = create_engine(database_url(target))

    def count_rows(table: str) -> int:
        try:
            with engine.connect() as c:
                return int(c.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
        except SQLAlchemyError:
            return 0

    return count_rows


# When to kill: something stored by the stage, not yet all of it.
STAGES: dict[str, Callable[[Callable[[str], int]], bool]] = {
    "reading": lambda count: 0 < count("article") < ARTICLES,
    "understanding": lambda count: 0 < count("understood") < ARTICLES,
    "cross-checking": lambda count: 0 < count("crosschecked") < ARTICLES,
    "stories": lambda count: 0 < count("story_member") < ARTICLES,
}


def _picture(db: Path | str) -> dict[str, Any]:
    """What the user reads back: articles, claim groups and stories by their members."""
    with open_corpus(db) as corpus:
        articles = sorted(a["id"] for a in corpus.articles())
        claims = sorted((c["verdict"], tuple(sorted(c["articles"]))) for c in corpus.claims())
        stories = sorted(tuple(sorted(s["article_ids"])) for s in corpus.stories())
        spans = corpus.records("mention") + corpus.records("quantity")
    stored = set(articles)
    orphans = [r["id"] for r in spans if r["article_id"] not in stored]
    return {"articles": articles, "claims": claims, "stories": stories, "orphans": orphans}


@pytest.fixture(scope="module")
def corpus_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crash") / "reports"
    _write_corpus(folder)
    return folder


@pytest.fixture(scope="module")
def uninterrupted(corpus_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    db = tmp_path_factory.mktemp("clean") / "store.db"
    subprocess.run(_command(corpus_folder, db), check=True, capture_output=True, timeout=600)
    picture = _picture(db)
    assert len(picture["articles"]) == ARTICLES and picture["claims"] and picture["stories"]
    return picture


def _kill_in(stage: str, corpus_folder: Path, db: Path | str) -> None:
    """Start a run and SIGKILL it once the store shows it inside `stage`."""
    count = _counter(str(db))
    run = subprocess.Popen(
        _command(corpus_folder, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    while run.poll() is None and not STAGES[stage](count) and time.monotonic() < deadline:
        time.sleep(0.02)
    if run.poll() is not None:  # a fast machine went through the stage between two looks
        pytest.skip(f"the run went through {stage} faster than the store could be watched")
    run.send_signal(signal.SIGKILL)
    run.wait()


def _run_again(corpus_folder: Path, db: Path | str, uninterrupted: dict[str, Any]) -> None:
    again = subprocess.run(
        _command(corpus_folder, db), capture_output=True, text=True, timeout=600
    )
    assert again.returncode == 0, again.stdout + again.stderr
    picture = _picture(db)
    assert picture["orphans"] == []
    assert picture == uninterrupted, json.dumps(picture, indent=1)[:3000]


@pytest.mark.parametrize("stage", list(STAGES))
def test_a_run_killed_in_any_stage_is_completed_by_running_it_again(
    tmp_path: Path, corpus_folder: Path, uninterrupted: dict[str, Any], stage: str
) -> None:
    db = tmp_path / "store.db"
    _kill_in(stage, corpus_folder, db)
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    _run_again(corpus_folder, db, uninterrupted)


# On PostgreSQL one stage runs in the default suite (the one whose batches commit most), the
# others with `make test-slow`: each kill and rerun takes about a minute.
@pytest.mark.postgres
@pytest.mark.parametrize(
    "stage", [s if s == "cross-checking" else pytest.param(s, marks=pytest.mark.slow)
              for s in STAGES],  # fmt: skip
)
def test_a_run_killed_on_postgresql_is_completed_by_running_it_again(
    fresh_pg_url: str, corpus_folder: Path, uninterrupted: dict[str, Any], stage: str
) -> None:
    """The same inputs give the same picture as an uninterrupted run on SQLite: PostgreSQL's
    transactions keep the store sound (no integrity check to run), and the rerun completes."""
    _kill_in(stage, corpus_folder, fresh_pg_url)
    _run_again(corpus_folder, fresh_pg_url, uninterrupted)
