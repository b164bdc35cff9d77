"""The documentation runs: the README's Python examples and the API's docstring examples are
doctests, on a copy of the example corpus (what they show is what a user gets)."""

from __future__ import annotations

import doctest
import inspect
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import newsprism
import newsprism.api
import newsprism.show.record_filters
import newsprism.show.store_info
from examples_store import analyzed_examples
from newsprism import open_corpus

ROOT = Path(__file__).resolve().parents[1]
# The API and the modules it hands a part of its work to (what `newsprism.api` re-exports)
API_MODULES = (newsprism.api, newsprism.show.record_filters, newsprism.show.store_info)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


@pytest.fixture(scope="module")
def docs_dir() -> Iterator[Path]:
    """The folder the examples assume (`articles/`, `newsprism.db` analyzed from it), as the
    working directory while they run."""
    folder = analyzed_examples().folder
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield folder
    finally:
        os.chdir(before)


def _run(test: doctest.DocTest) -> doctest.TestResults:
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    runner.run(test)
    return runner.summarize(verbose=False)


def test_the_readme_python_examples_run(docs_dir: Path) -> None:
    blocks = [b for b in PYTHON_BLOCK.findall((ROOT / "README.md").read_text("utf-8"))
              if ">>>" in b]  # fmt: skip
    assert blocks, "the README has no Python example to run"
    parser = doctest.DocTestParser()
    for n, block in enumerate(blocks):
        test = parser.get_doctest(block, {}, f"README.md python block {n + 1}", "README.md", 0)
        failed, attempted = _run(test)
        assert attempted and not failed, f"README.md python block {n + 1}: see the output above"


def test_every_public_api_function_has_a_docstring_example() -> None:
    public = [f for module in API_MODULES for name, f in vars(module).items()
              if not name.startswith("_") and inspect.isfunction(f)
              and f.__module__ == module.__name__]  # fmt: skip
    for cls in (newsprism.Corpus, newsprism.api.NamingMatrix, newsprism.api.StoreInfo):
        public += [f for name, f in vars(cls).items() if not name.startswith("_")
                   and (inspect.isfunction(f) or isinstance(f, property))]  # fmt: skip
    missing = [getattr(f, "__qualname__", None) or f.fget.__qualname__ for f in public
               if ">>>" not in (f.__doc__ or "")]  # fmt: skip
    assert len(public) > 25 and not missing, f"no example in the docstring of {missing}"


def test_the_api_docstring_examples_run(docs_dir: Path) -> None:
    with open_corpus("newsprism.db") as corpus:
        results = []
        for module in API_MODULES:
            globs = {**vars(module), "newsprism": newsprism, "corpus": corpus}
            tests = doctest.DocTestFinder().find(module, globs=globs)
            results += [(t.name, _run(t)) for t in tests if t.examples]
    failed = [name for name, (f, _) in results if f]
    assert len(results) > 20 and not failed, f"failed docstring examples: {failed}"
