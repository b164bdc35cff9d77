"""The example corpus analyzed once per test run, for the tests that only read it (CLI, API,
docs): `examples/articles` copied to `FOLDER/articles`, analyzed by `newsprism analyze
articles/ --db newsprism.db` run in FOLDER, as the README's examples assume."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"


@dataclass(frozen=True)
class AnalyzedExamples:
    folder: Path  # holds articles/ and newsprism.db
    output: str  # what `newsprism analyze` printed

    @property
    def db(self) -> Path:
        return self.folder / "newsprism.db"


@functools.cache
def analyzed_examples() -> AnalyzedExamples:
    """Call it from a test (the session's gazetteer is set then); never write to the store."""
    from newsprism.cli import app

    folder = Path(tempfile.mkdtemp(prefix="newsprism-examples-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    shutil.copytree(EXAMPLES, folder / "articles")
    before = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(
            app, ["analyze", "articles/", "--db", "newsprism.db", "--no-progress"]
        )
    finally:
        os.chdir(before)
    assert result.exit_code == 0, result.output
    return AnalyzedExamples(folder, result.output)
