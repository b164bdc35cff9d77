"""Store size: bytes on disk per article, by table, after `analyze` of real articles.

    python benchmarks/store_size.py [PATH ...] [--limit N] [--db FILE]

PATHs default to the PTC training articles in ../shared/data/ptc/train-articles (real news
from outlets of mixed reliability), the first --limit of them (default 60, sorted by name).
`analyze` runs into a fresh SQLite store (--db keeps it), then SQLite's own page accounting
(the dbstat table) says how many bytes each table and index takes. Issue 21's goal is at most
50 KB an article with the same records. The figures are the last lines printed.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsprism.api import analyze  # noqa: E402

DEFAULT_INPUT = ROOT.parent / "shared" / "data" / "ptc" / "train-articles"
GOAL_KB = 50


def pick(paths: list[Path], limit: int, folder: Path) -> list[Path]:
    files = sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*.txt")))
    if not files:
        sys.exit(f"no .txt articles under {', '.join(map(str, paths))}")
    for f in files[:limit]:
        shutil.copy(f, folder / f.name)
    return files[:limit]


def table_bytes(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        try:
            rows = conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
        except sqlite3.OperationalError:
            sys.exit("this SQLite has no dbstat table (SQLITE_ENABLE_DBSTAT_VTAB)")
    return {name: int(size) for name, size in rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_INPUT])
    parser.add_argument("--limit", type=int, default=60)
    parser.add_argument("--db", type=Path, help="keep the store here")
    args = parser.parse_args(argv)
    print("command: python benchmarks/store_size.py " + " ".join(sys.argv[1:]))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        files = pick(args.paths, args.limit, folder)
        db = args.db or Path(tmp) / "size.db"
        if db.exists():
            sys.exit(f"{db} exists: give a new file to --db")
        started = time.perf_counter()
        with analyze(folder, db=db, workers=1, progress=False) as corpus:
            articles = len(corpus.articles())
        seconds = time.perf_counter() - started
        sizes = table_bytes(db)
        on_disk = db.stat().st_size
    print(f"{articles} articles of {len(files)} files analyzed in {seconds:.0f} s")
    for name, size in sorted(sizes.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {name:<34} {size / 1024:9.0f} KB  {size / 1024 / articles:7.1f} KB an article")
    per_article = on_disk / 1024 / max(articles, 1)
    print(f"store file: {on_disk / 1024 / 1024:.1f} MB, {per_article:.1f} KB an article "
          f"(goal at most {GOAL_KB} KB)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
