"""Publication-date inference benchmark: hide the known date of articles that have one, infer it
from the text alone, and count how close the inference lands.

    .venv/bin/python benchmarks/published.py [FILE_OR_DIR ...] [--verbose] [--sweep]

Defaults to ../shared/data/timeml/TBAQ-cleaned (TimeBank + AQUAINT: the DCT of each .tml file)
and ../shared/data/geoparsing/GWN.xml and lgl.xml. Inputs:
- TimeML (.tml, or a folder of them): the plain text of <TEXT> with its tags stripped; the
  known date is the DCT. A CREATION_TIME TIMEX3 inside <TEXT> is blanked out (it is the
  hidden date itself); the gold TIMEX3 values are never read.
- LGL/GWN-style XML (<article> with <text> and <dltime>): the known date is the download time.
  GeoWebNews carries no <dltime>; there the date in the article's <link> (".../2018/03/31/...",
  "20180401", "2018-04-05") stands in, and articles without one are skipped (counted).

Each text goes through newsprism's own pipeline for undated articles: find_times(text, None),
then infer_published. Reported per source (TimeML by folder, XML by file):
- given a best date / left open (best None);
- of those given a date: within 7 and 31 days of the known date, off by more than a year, and
  of those how many the estimate marked unsure (confidence below UNSURE_BELOW);
- the same two shares on confident estimates alone.
An unsure estimate gives no best date; its `guess` (the day it read) is counted apart as
"unsure guesses held back". --sweep prints, per source group (TimeML, GWN, LGL), the share
within 31 days and the share off by more than a year among the guesses a confidence threshold
would keep, for a range of thresholds, then a leave-one-group-out cross-validation: the
lowest threshold whose kept guesses are >= 80% within 31 days with none off by more than a
year on two groups, checked on the third (how UNSURE_BELOW was chosen). Progress goes to
stderr; the figures and the command to rerun are the last lines.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from newsprism.understand import published as published_module  # noqa: E402
from newsprism.understand.published import infer_published  # noqa: E402
from newsprism.understand.timex import find_times  # noqa: E402
from timex import load as load_timeml  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
DEFAULT_INPUTS = [
    SHARED / "timeml" / "TBAQ-cleaned",
    SHARED / "geoparsing" / "GWN.xml",
    SHARED / "geoparsing" / "lgl.xml",
]
# Before confidences existed every estimate was, in effect, a confident one.
THRESHOLD = getattr(published_module, "UNSURE_BELOW", 0.5)
_URL_DATE = re.compile(r"(20\d\d|19\d\d)[/-]?([01]\d)[/-]?([0-3]\d)(?!\d)")
SWEEP = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True)
class Case:
    source: str
    name: str
    text: str
    known: date


@dataclass(frozen=True)
class Outcome:
    case: Case
    best: date | None
    guess: date | None  # the day read even when too unsure to be the best date
    confidence: float
    evidence: list[str]

    @property
    def error(self) -> int | None:
        return None if self.best is None else abs((self.best - self.case.known).days)

    @property
    def guess_error(self) -> int | None:
        return None if self.guess is None else abs((self.guess - self.case.known).days)


def _timeml_cases(path: Path) -> tuple[list[Case], int]:
    docs, _ = load_timeml([path])
    cases = []
    for doc in docs:
        if doc.anchor is None:
            continue
        text = doc.text
        for s, e in doc.excluded:  # the DCT itself, where it sits in the body
            text = text[:s] + " " * (e - s) + text[e:]
        cases.append(Case(doc.path.parent.name, doc.path.stem, text, doc.anchor))
    return cases, len(docs) - len(cases)


def _known_date(article: ET.Element) -> date | None:
    dltime = (article.findtext("dltime") or "").strip()
    if dltime:
        return date.fromisoformat(dltime[:10])
    m = _URL_DATE.search(article.findtext("link") or article.findtext("url") or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _xml_cases(path: Path) -> tuple[list[Case], int]:
    cases, skipped = [], 0
    for i, article in enumerate(ET.parse(path).getroot().iter("article")):
        known = _known_date(article)
        text = article.findtext("text") or ""
        if known is None or not text.strip():
            skipped += 1
            continue
        name = article.get("docid") or article.get("file") or str(i)
        cases.append(Case(path.stem, name, text, known))
    return cases, skipped


def _files(inputs: list[Path]) -> Iterator[Path]:
    for item in inputs:
        if item.is_dir():
            yield from sorted(item.rglob("*.xml"))
            if any(item.rglob("*.tml")):
                yield item  # one folder of TimeML, deduplicated together
        else:
            yield item


def load_cases(inputs: list[Path]) -> tuple[list[Case], int]:
    cases: list[Case] = []
    skipped = 0
    for path in _files(inputs):
        got, missed = _timeml_cases(path) if path.is_dir() or path.suffix == ".tml" \
            else _xml_cases(path)
        cases += got
        skipped += missed
        print(f"read {path}: {len(got)} articles with a known date, {missed} without",
              file=sys.stderr)
    return cases, skipped


def infer(case: Case) -> Outcome:
    estimate = infer_published(case.text, find_times(case.text, None))
    # Estimates from before confidences existed count as confident.
    confidence = getattr(estimate, "confidence", 1.0)
    guess = getattr(estimate, "guess", None) or estimate.best
    return Outcome(case, estimate.best, guess, confidence, list(estimate.evidence))


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "  -  "


def report(source: str, outcomes: list[Outcome], threshold: float) -> str:
    n = len(outcomes)
    dated = [o for o in outcomes if o.error is not None]
    sure = [o for o in dated if o.confidence >= threshold]
    far = [o for o in dated if (o.error or 0) > 365]
    far_unsure = sum(o.confidence < threshold for o in far)
    held = [o for o in outcomes if o.best is None and o.guess_error is not None]
    return (
        f"{source:<14} articles {n:4d} | dated {_share(len(dated), n)} "
        f"open {_share(n - len(dated), n)} | of dated: <=7d "
        f"{_share(sum((o.error or 0) <= 7 for o in dated), len(dated))} <=31d "
        f"{_share(sum((o.error or 0) <= 31 for o in dated), len(dated))} "
        f">1y {_share(len(far), len(dated))} ({len(far)}, {far_unsure} marked unsure) | "
        f"confident {len(sure)}: <=31d "
        f"{_share(sum((o.error or 0) <= 31 for o in sure), len(sure))} "
        f">1y {sum((o.error or 0) > 365 for o in sure)} | unsure guesses held back "
        f"{len(held)} ({sum((o.guess_error or 0) > 365 for o in held)} of them >1y off)"
    )


def _kept(outcomes: list[Outcome], t: float) -> list[Outcome]:
    return [o for o in outcomes if o.guess_error is not None and o.confidence >= t]


def _meets_goal(kept: list[Outcome]) -> bool:
    """>= 80% within 31 days and none off by more than a year (vacuous when none kept)."""
    near = sum((o.guess_error or 0) <= 31 for o in kept)
    return near >= 0.8 * len(kept) and not any((o.guess_error or 0) > 365 for o in kept)


def sweep(source: str, outcomes: list[Outcome]) -> list[str]:
    """Coverage and accuracy of the guesses a confidence threshold would keep as best dates."""
    lines = [f"{source}: threshold  kept/articles  <=31d  >1y(count)"]
    for t in SWEEP:
        kept = _kept(outcomes, t)
        far = sum((o.guess_error or 0) > 365 for o in kept)
        lines.append(
            f"  {t:.1f}  {_share(len(kept), len(outcomes))}  "
            f"{_share(sum((o.guess_error or 0) <= 31 for o in kept), len(kept))}  "
            f"{_share(far, len(kept))}({far})"
        )
    return lines


def cross_validate(groups: dict[str, list[Outcome]]) -> list[str]:
    """Leave one group out: the lowest threshold meeting the goal on the others (with at
    least one estimate kept), and what it gives on the group left out."""
    lines = ["cross-validation (choose on the others, check on the one left out):"]
    for held, outcomes in groups.items():
        rest = [o for name, group in groups.items() if name != held for o in group]
        t = next((t for t in SWEEP if _kept(rest, t) and _meets_goal(_kept(rest, t))), None)
        if t is None:
            lines.append(f"  {held}: no threshold meets the goal on the others")
            continue
        kept = _kept(outcomes, t)
        lines.append(
            f"  {held}: chosen {t:.1f}; left-out kept {len(kept)}/{len(outcomes)}, <=31d "
            f"{_share(sum((o.guess_error or 0) <= 31 for o in kept), len(kept))}, >1y "
            f"{sum((o.guess_error or 0) > 365 for o in kept)}"
        )
    return lines


def _group(source: str) -> str:
    return "TimeML" if source in ("TimeBank", "AQUAINT", "testpipeline") else source


def _verbose_line(o: Outcome) -> str:
    best = o.best.isoformat() if o.best else "open"
    err = "" if o.error is None else f"{o.error}d"
    why = o.evidence[0] if o.evidence else ""
    return (f"{o.case.source}/{o.case.name}: known {o.case.known} best {best} "
            f"conf {o.confidence:.2f} {err} | {why}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="*", type=Path)
    parser.add_argument("--verbose", action="store_true", help="one line per article")
    parser.add_argument("--sweep", action="store_true", help="accuracy by confidence threshold")
    args = parser.parse_args()
    cases, skipped = load_cases(args.inputs or DEFAULT_INPUTS)
    started = time.perf_counter()
    outcomes: list[Outcome] = []
    for i, case in enumerate(cases, 1):
        outcomes.append(infer(case))
        if i % 100 == 0 or i == len(cases):
            print(f"inferred {i}/{len(cases)}", file=sys.stderr)
    elapsed = time.perf_counter() - started
    sources = list(dict.fromkeys(c.source for c in cases))
    if args.verbose:
        for o in outcomes:
            print(_verbose_line(o))
    if args.sweep:
        groups: dict[str, list[Outcome]] = {}
        for o in outcomes:
            groups.setdefault(_group(o.case.source), []).append(o)
        for name, group in groups.items():
            print("\n".join(sweep(name, group)))
        print("\n".join(cross_validate(groups)))
    print(f"{len(cases)} articles with a known date ({skipped} without, skipped), "
          f"{elapsed:.1f}s; unsure = confidence below {THRESHOLD}")
    for source in sources:
        print(report(source, [o for o in outcomes if o.case.source == source], THRESHOLD))
    if len(sources) > 1:
        print(report("all", outcomes, THRESHOLD))
    command = " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv])
    print(f"rerun: {command}")


if __name__ == "__main__":
    main()
