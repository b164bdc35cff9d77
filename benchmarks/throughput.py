"""Understanding throughput: the whole understanding stage (spaCy pass + places, actors,
times, quantities, quotes, and linking across the corpus) against a bare `nlp.pipe` with the
same model over the same texts, in one run, one process.

    python benchmarks/throughput.py [PATH ...] [--limit N] [--model NAME]
    python benchmarks/throughput.py --whole [PATH ...] [--limit 150]

`--whole` times the whole `analyze` instead, as a user runs it (`newsprism analyze DIR --workers
1` in a fresh process: reading, cleaning, understanding, linking, cross-checking, stories, the
timeline and the store, model loading included) against the bare `nlp.pipe` of the same texts,
both held to one core (CPU affinity; BLAS threads 1), in one run.

PATHs are GeoWebNews- or LGL-style XML files (`<article>` elements with `<text>`) or
directories of .txt articles; the default is ../shared/data/geoparsing/{GWN,lgl}.xml plus
../shared/data/ptc/train-articles (1,084 real news articles). The figures are the last lines
printed; the ratio is bare time / our time (1.0 would mean the understanding adds nothing).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsprism.link.entities import EntityIndex  # noqa: E402
from newsprism.link.span_rows import link_article  # noqa: E402
from newsprism.understand.article import ArticleInput, understand_batch  # noqa: E402
from newsprism.understand.components import process_gazetteer  # noqa: E402
from newsprism.understand.nlp import load_nlp, model_name  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
DEFAULT_DATA = [
    SHARED / "geoparsing" / "GWN.xml",
    SHARED / "geoparsing" / "lgl.xml",
    SHARED / "ptc" / "train-articles",
]
BATCH = 16


def load_texts(paths: list[Path]) -> list[str]:
    texts = []
    for path in paths:
        if path.is_dir():
            texts += [p.read_text(encoding="utf-8") for p in sorted(path.glob("*.txt"))]
        else:
            for element in ET.parse(path).getroot().iter("article"):
                text = (element.findtext("text") or "").strip()
                if text:
                    texts.append(text)
    return [t for t in texts if t.strip()]


def bare(texts: list[str], model: str | None) -> float:
    nlp = load_nlp(model)
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=BATCH):
        pass
    return time.perf_counter() - started


def ours(texts: list[str], model: str | None) -> tuple[float, dict[str, int]]:
    index = EntityIndex.from_entities([])
    counts: dict[str, int] = {}
    started = time.perf_counter()
    for i in range(0, len(texts), BATCH):
        batch = [
            ArticleInput(id=f"a{i + n}", text=t, published=None, dateline=None)
            for n, t in enumerate(texts[i : i + BATCH])
        ]
        for result, article in zip(understand_batch(batch, model), batch, strict=True):
            for row in link_article(result, index, article.text):
                counts[row["type"]] = counts.get(row["type"], 0) + 1
    return time.perf_counter() - started, counts


def whole(texts: list[str], model: str | None) -> float:
    """Seconds of `newsprism analyze` over the texts written as .txt files, in a fresh process
    on this process's CPUs, into a new store."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for n, text in enumerate(texts):
            (folder / f"article{n:05d}.txt").write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "newsprism.cli", "analyze", str(folder), "--db",
                   str(Path(tmp) / "whole.db"), "--workers", "1", "--no-progress"]  # fmt: skip
        if model:
            command += ["--model", model]
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **ONE_THREAD}
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"analyze failed ({done.returncode}):\n{done.stderr[-2000:]}")
        return seconds


ONE_THREAD = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N texts")
    parser.add_argument("--model", default=None, help="spaCy model (default: the project's)")
    parser.add_argument("--whole", action="store_true",
                        help="time the whole analyze (one core) instead of the understanding")
    args = parser.parse_args()
    if args.whole:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, for both sides
        if args.paths == DEFAULT_DATA:
            args.paths = [SHARED / "ptc" / "train-articles"]
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        sys.exit(f"not found: {', '.join(map(str, missing))} (give XML files or directories)")
    texts = load_texts(args.paths)[: args.limit]
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} articles, {words:,} words, model {model_name(args.model)}")
    # Load the model and the gazetteer, and warm both paths, outside the timings.
    if args.whole:
        bare(texts[:BATCH], args.model)  # the model loaded and warm, outside the timing
        bare_seconds = bare(texts, args.model)
        whole_seconds = whole(texts, args.model)
        print(f"command: python {' '.join(sys.argv)}")
        print(f"bare nlp.pipe (one core): {bare_seconds:.1f} s, "
              f"{len(texts) / bare_seconds:.1f} articles/s")  # fmt: skip
        print(f"whole analyze --workers 1 (one core, model loading included): "
              f"{whole_seconds:.1f} s, {len(texts) / whole_seconds:.1f} articles/s")  # fmt: skip
        print(f"ratio (bare / whole analyze): {bare_seconds / whole_seconds:.2f}")
        return
    process_gazetteer()
    bare(texts[:BATCH], args.model)
    ours(texts[:BATCH], args.model)
    bare_seconds = bare(texts, args.model)
    our_seconds, counts = ours(texts, args.model)
    print("records: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(f"command: python {' '.join(sys.argv)}")
    print(f"bare nlp.pipe: {bare_seconds:.1f} s, {len(texts) / bare_seconds:.1f} articles/s")
    print(f"understanding: {our_seconds:.1f} s, {len(texts) / our_seconds:.1f} articles/s")
    print(f"ratio (bare / understanding): {bare_seconds / our_seconds:.2f}")


if __name__ == "__main__":
    main()
