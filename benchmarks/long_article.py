"""One long article through `analyze` and the report: does every stage grow near-linearly with
the article's length, with memory bounded? (issue 25: a 2 MB article once took 440 s and
5.4 GB, and its report 276 s more.)

    python benchmarks/long_article.py [--sizes 50K,200K,800K,2M] [--quick] [--timeout S]
                                      [--profile DIR] [--shared DIR]

Each size is one plain-text article of real news text: the seed corpus, the bodies of the
TimeBank/AQUAINT articles, the PTC articles and the GeoWebNews/LGL articles in ../shared, read
at run time and joined paragraph by paragraph until the size is reached (distinct text up to
about 4 MB; past that it repeats). Each size runs in a fresh child process, so that its peak
memory (max RSS) is its own: `analyze` into a new SQLite store with one worker (the spaCy model
and the gazetteer loaded before the clock starts), then the HTML report, then the JSONL
export.

The table gives seconds per stage, seconds per 100 KB and peak MB per size; the last lines
give, per stage, (time at the largest size / time at the smallest) / (size ratio), where 1.0
is linear and below 1.0 means fixed costs still dominate, and the growth exponent between the
two largest sizes (log time ratio / log size ratio: 1.0 linear, 2.0 quadratic). --quick runs
50 KB and 200 KB. --profile DIR writes a cProfile file per size (DIR/long-SIZE.prof) and prints
its top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import html
import json
import math
import pstats
import re
import resource
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from contextlib import nullcontext
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_SHARED = ROOT.parent / "shared"
DEFAULT_SIZES = "50K,200K,800K,2M"
QUICK_SIZES = "50K,200K"
STAGES = ("ingest", "understand", "crosscheck", "stories", "timeline", "index", "report", "export")
MIB = 1024 * 1024


# --- the text --------------------------------------------------------------------------------


def parse_size(text: str) -> int:
    """Bytes from "50K", "2M", "1.5M" or a plain number (K and M are binary: 1024, 1024²)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KkMm]?)[Bb]?\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (say 50K, 2M or 100000)")
    scale = {"": 1, "k": 1024, "m": MIB}[match[2].lower()]
    return int(float(match[1]) * scale)


def tml_body(path: Path) -> str:
    """The plain text of a TimeML file's <TEXT> element: its tags dropped, entities decoded."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    begin, finish = raw.find("<TEXT>"), raw.rfind("</TEXT>")
    if begin < 0 or finish < begin:
        return ""
    return html.unescape(re.sub(r"<[^>]+>", "", raw[begin + len("<TEXT>") : finish]))


def paragraphs(shared: Path) -> list[str]:
    """Every paragraph of real news text found under `shared`, in a fixed order."""
    texts: list[str] = []
    texts += [p.read_text(encoding="utf-8") for p in sorted(shared.glob("corpus/seeds/*.txt"))]
    texts += [tml_body(p) for p in sorted(shared.glob("data/timeml/**/*.tml"))]
    for folder in ("train-articles", "unlabeled-articles"):
        texts += [
            p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(shared.glob(f"data/ptc/{folder}/*.txt"))
        ]
    for path in sorted(shared.glob("data/geoparsing/*.xml")):
        texts += [(e.findtext("text") or "") for e in ET.parse(path).getroot().iter("article")]
    found = [" ".join(part.split()) for text in texts for part in re.split(r"\n\s*\n", text)]
    return [p for p in found if len(p.split()) >= 5]


def long_article(pieces: list[str], size: int) -> str:
    """Paragraphs joined until `size` bytes of UTF-8, cut at the last word that fits."""
    if not pieces:
        raise SystemExit("no text found: is ../shared there? (give it with --shared DIR)")
    out: list[str] = []
    total = 0
    index = 0
    while total < size:
        piece = pieces[index % len(pieces)] + "\n\n"
        out.append(piece)
        total += len(piece.encode("utf-8"))
        index += 1
    text = "".join(out).encode("utf-8")[:size].decode("utf-8", errors="ignore")
    return text[: text.rfind(" ")] if " " in text[-200:] else text


# --- one size, in a child process ------------------------------------------------------------


def peak_mb() -> float:
    """The high-water mark of this process and any it waited for (a worker, if one ran)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux counts in KiB


def warm_up() -> None:
    """Load what every run loads once (spaCy, the gazetteer, the technique tagger), so that
    the clock measures the article, not the start-up."""
    from newsprism.understand.components import process_gazetteer, process_tagger
    from newsprism.understand.nlp import load_nlp

    load_nlp()
    process_gazetteer()
    process_tagger()


class Clocks:
    """Wall and CPU seconds of each stage, taken by wrapping the functions the pipeline calls
    (it looks them up at call time). CPU time is what to compare on a shared machine: one
    worker runs everything in this process, so it counts the whole work."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        # the process's high-water mark when each stage ended: the stage that raises it is
        # the one that needs the memory
        self.peak_mb: dict[str, float] = {}

    def run(self, stage: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            self.wall[stage] = self.wall.get(stage, 0.0) + time.perf_counter() - wall
            self.cpu[stage] = self.cpu.get(stage, 0.0) + time.process_time() - cpu
            self.peak_mb[stage] = peak_mb()

    def wrap(self, owner: Any, attribute: str, stage: str) -> None:
        inner = getattr(owner, attribute)

        # a plain function, so that on a class it binds as the method it replaces
        def timed(*args: Any, **kwargs: Any) -> Any:
            return self.run(stage, inner, *args, **kwargs)

        setattr(owner, attribute, timed)


def install_clocks() -> Clocks:
    import newsprism.pipeline as pipeline
    import newsprism.stages.crosscheck as crosscheck
    import newsprism.stages.stories as stories
    import newsprism.stages.timeline as timeline
    import newsprism.stages.understand as understand
    from newsprism.store.store import Store

    clocks = Clocks()
    clocks.wrap(pipeline, "run_ingest", "ingest")
    clocks.wrap(Store, "update_search_index", "index")
    clocks.wrap(understand, "run_understand", "understand")
    clocks.wrap(crosscheck, "run_crosscheck", "crosscheck")
    clocks.wrap(stories, "run_stories", "stories")
    clocks.wrap(timeline, "run_timeline", "timeline")
    return clocks


def run_one(size: int, shared: Path, profile: Path | None) -> dict[str, Any]:
    from newsprism.api import analyze

    text = long_article(paragraphs(shared), size)
    warm_up()
    clocks = install_clocks()
    result: dict[str, Any] = {"size": len(text.encode("utf-8")), "baseline_mb": peak_mb()}
    profiler = cProfile.Profile() if profile else None
    with tempfile.TemporaryDirectory(prefix="newsprism-long-") as tmp:
        folder = Path(tmp)
        article = folder / "in" / "long-article.txt"
        article.parent.mkdir()
        article.write_text(text, encoding="utf-8")
        limit = max(5.0, size / MIB + 1)  # over the default 5 MB, raise the limit to fit
        with profiler or nullcontext():
            corpus = clocks.run("analyze", lambda: analyze(
                [article.parent], db=folder / "store.db", workers=1, max_document_mb=limit
            ))  # fmt: skip
            result["analyze_mb"] = peak_mb()
            clocks.run("report", lambda: corpus.report(folder / "report.html"))
            result["report_mb"] = peak_mb()
            clocks.run("export", lambda: corpus.export("jsonl", folder / "all.jsonl"))
            result["errors"] = [e["reason"] for e in corpus.errors()][:3]
            result["articles"] = len(corpus)
            corpus.close()
    result["peak_mb"] = peak_mb()
    result["wall"], result["cpu"], result["stage_peak_mb"] = clocks.wall, clocks.cpu, clocks.peak_mb
    if profiler is not None and profile is not None:
        profile.mkdir(parents=True, exist_ok=True)
        out = profile / f"long-{size // 1024}K.prof"
        profiler.dump_stats(out)
        print(f"profile of {size // 1024} KB: {out}", file=sys.stderr)
        pstats.Stats(str(out), stream=sys.stderr).sort_stats("tottime").print_stats(15)
    return result


# --- the parent: run each size, print the table ----------------------------------------------


def run_child(size: int, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(size),
               "--shared", str(args.shared)]  # fmt: skip
    if args.profile:
        command += ["--profile", str(args.profile)]
    try:
        done = subprocess.run(
            command, stdout=subprocess.PIPE, text=True, timeout=args.timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"size": size, "failed": f"no result within {args.timeout:.0f} s"}
    if done.returncode != 0 or not done.stdout.strip():
        return {"size": size, "failed": f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_header(clock: str) -> None:
    print(f"{clock} seconds per stage")
    head = f"{'size KB':>8}" + "".join(f"{s:>11}" for s in STAGES)
    print(head + f"{'analyze':>9}{'s/100KB':>9}{'wall':>8}{'peak MB':>9}{'(analyze)':>10}")


def print_row(row: dict[str, Any], clock: str) -> None:
    kb = row["size"] / 1024
    if "failed" in row:
        print(f"{kb:8.0f}  {row['failed']}", flush=True)
        return
    took = row[clock]
    whole = took["analyze"] + took["report"] + took["export"]
    line = f"{kb:8.0f}" + "".join(f"{took.get(s, 0.0):11.2f}" for s in STAGES)
    line += f"{took['analyze']:9.1f}{whole / (kb / 100):9.2f}"
    wall = row["wall"]["analyze"] + row["wall"]["report"] + row["wall"]["export"]
    print(line + f"{wall:8.0f}{row['peak_mb']:9.0f}{row['analyze_mb']:10.0f}", flush=True)
    if row.get("errors"):  # a failed article skews every later stage: say so by its row
        print(f"{'':8}  ! errors: {'; '.join(row['errors'])}", flush=True)
    peaks = row.get("stage_peak_mb") or {}
    if peaks:
        shown = ", ".join(f"{s} {peaks[s]:.0f}" for s in STAGES if s in peaks)
        print(f"{'':8}  peak MB when each stage ended: {shown}", flush=True)


def print_legend() -> None:
    print("analyze: the whole run (ingest and index included); s/100KB: analyze + report +")
    print("export per 100 KB of article; wall: the same on the clock; peak MB: max RSS of the")
    print("child (after loading the model and gazetteer: baseline_mb in --json); (analyze):")
    print("the peak before the report")


def measured(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows whose article went through every stage: one that failed to be understood
    skips the later stages and would look fast."""
    return [r for r in rows if "failed" not in r and not r.get("errors")]


def linearity(rows: list[dict[str, Any]], clock: str) -> dict[str, dict[str, float]]:
    """Per stage: (time ratio / size ratio) over the whole range, and the growth exponent
    between the two largest sizes."""
    done = measured(rows)
    if len(done) < 2:
        return {}
    first, last, before = done[0], done[-1], done[-2]
    out = {}
    for stage in (*STAGES, "analyze"):
        ratio = _ratio(last, first, stage, clock) / (last["size"] / first["size"])
        exponent = math.log(_ratio(last, before, stage, clock)) / math.log(
            last["size"] / before["size"]
        )
        out[stage] = {"ratio": ratio, "exponent": exponent}
    return out


def _ratio(a: dict[str, Any], b: dict[str, Any], stage: str, clock: str) -> float:
    # a stage that takes no measurable time (nothing to cross-check) must not divide by zero
    return max(a[clock].get(stage, 0.0), 1e-3) / max(b[clock].get(stage, 0.0), 1e-3)


def print_linearity(found: dict[str, dict[str, float]], rows: list[dict[str, Any]]) -> None:
    if not found:
        return
    done = measured(rows)
    sizes = f"{done[0]['size'] / 1024:.0f} KB -> {done[-1]['size'] / 1024:.0f} KB"
    print(f"\ntime ratio / size ratio ({sizes}; 1.0 = linear, below 1 = fixed costs still"
          " dominate), and growth exponent between the two largest sizes (1.0 linear, 2.0"
          " quadratic):")  # fmt: skip
    for stage, f in found.items():
        print(f"  {stage:>10}: ratio {f['ratio']:5.2f}   exponent {f['exponent']:5.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=None, help=f"comma-separated (default {DEFAULT_SIZES})")
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK_SIZES}")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per size")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu")
    parser.add_argument("--profile", type=Path, help="write a cProfile file per size here")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--json", action="store_true", help="also print the rows as JSON")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(run_one(args.child, args.shared, args.profile)))
        return 0
    sizes = [parse_size(s) for s in (args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES))
             .split(",")]  # fmt: skip
    rows = []
    print_header(args.clock)
    for size in sorted(sizes):  # each row as it comes: the largest size may take many minutes
        rows.append(run_child(size, args))
        print_row(rows[-1], args.clock)
    print_legend()
    print_linearity(linearity(rows, args.clock), rows)
    if args.json:
        print(json.dumps(rows))
    return 0 if all("failed" not in r for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
