"""The report opens in headless Chromium and shows every article."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from newsprism import analyze

pytestmark = pytest.mark.browser

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("Debian's chromium is not installed: `make test` installs it")
    return path


def test_report_renders_in_chromium(seeds_dir: Path, tmp_path: Path) -> None:
    chromium = _chromium()
    with analyze(seeds_dir, db=tmp_path / "s.db", workers=1) as corpus:
        report = corpus.report(tmp_path / "s.html")
    result = subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            report.as_uri(),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=120,
    )
    dom = result.stdout
    assert result.returncode == 0, result.stderr[-2000:]
    assert dom.count('class="article"') == 5
    assert "Betrayed Kurdish allies throw rotten tomatoes" in dom
    assert "Alwaght" in dom
    assert 'id="n-articles">5<' in dom
