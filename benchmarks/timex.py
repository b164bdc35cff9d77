"""TIMEX3 benchmark for newsprism.understand.timex, scored as in TempEval-3.

    python benchmarks/timex.py [DIR ...] [--errors N] [--spacy]

Walks every .tml file under the directories (default ../shared/data/timeml/TBAQ-cleaned,
TimeBank + AQUAINT), takes each file's DCT (the TIMEX3 with functionInDocument="CREATION_TIME")
as the anchor, strips the tags of its <TEXT> body and runs find_times on that plain text. Gold
spans are mapped into the same plain-text offsets while stripping, so spans compare directly.

Scoring (TempEval-3, Task A):
- extent strict: exact span; relaxed: any overlap, matched one-to-one;
- value / type accuracy on the relaxed-matched pairs, and value / type F1 = accuracy x relaxed F1
  (the attribute F1 of the TempEval-3 scorer);
- the DCT is scored nowhere: it sits in the <DCT> metadata element outside <TEXT>. If a file
  does carry a CREATION_TIME TIMEX3 inside <TEXT>, that gold item and any system expression
  overlapping it are left out too. TIMEX3s marked PUBLICATION_TIME inside <TEXT> (a dateline
  in the body) are ordinary text and are scored;
- byte-identical files (TBAQ-cleaned ships one TimeBank file twice, under testpipeline/) are
  counted once.

Speed is reported as documents per second and as a ratio against a baseline in the same run:
one regex scan of the same texts for digit runs and month/weekday names (the floor of any
date tagger). --spacy adds the time of an en_core_web_sm parse of the same texts for scale.
The figures are the last lines printed.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import re
import shlex
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsprism.understand.timex import TimeRef, find_times  # noqa: E402

DEFAULT_DIRS = [ROOT.parent / "shared" / "data" / "timeml" / "TBAQ-cleaned"]

_TOKEN = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*)>|&(#\d+|#x[0-9a-fA-F]+|\w+);")
_ATTR = re.compile(r'([\w:]+)\s*=\s*"([^"]*)"')
_DCT = re.compile(r"<TIMEX3\b[^>]*functionInDocument=\"CREATION_TIME\"[^>]*>")
_BASELINE = re.compile(
    r"\d+|\b(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)


@dataclass
class Gold:
    start: int
    end: int
    value: str
    type: str
    function: str


@dataclass
class Doc:
    path: Path
    text: str
    anchor: date | None
    gold: list[Gold]
    excluded: list[tuple[int, int]]


def parse_tml(path: Path) -> Doc | None:
    raw = path.read_text(encoding="utf-8", errors="replace")
    begin, finish = raw.find("<TEXT>"), raw.rfind("</TEXT>")
    if begin < 0 or finish < 0:
        return None
    anchor = None
    dct = _DCT.search(raw)
    if dct:
        value = dict(_ATTR.findall(dct.group(0))).get("value", "")
        try:
            anchor = date.fromisoformat(value[:10])
        except ValueError:
            anchor = None
    body = raw[begin + len("<TEXT>") : finish]
    parts: list[str] = []
    length = 0
    gold: list[Gold] = []
    excluded: list[tuple[int, int]] = []
    open_timex: list[tuple[int, dict[str, str]]] = []
    pos = 0
    for m in _TOKEN.finditer(body):
        parts.append(body[pos : m.start()])
        length += m.start() - pos
        pos = m.end()
        if m.group(4):  # an entity: one character of plain text
            char = html.unescape(m.group(0))
            parts.append(char)
            length += len(char)
            continue
        if m.group(2) != "TIMEX3":
            continue
        if not m.group(1):
            attrs = dict(_ATTR.findall(m.group(3)))
            if m.group(3).rstrip().endswith("/"):
                continue  # an empty (non-consuming) TIMEX3 has no extent to find
            open_timex.append((length, attrs))
        elif open_timex:
            start, attrs = open_timex.pop()
            function = attrs.get("functionInDocument", "NONE")
            if function == "CREATION_TIME":
                excluded.append((start, length))
                continue
            gold.append(Gold(start, length, attrs.get("value", ""), attrs.get("type", ""),
                             function))
    parts.append(body[pos:])
    return Doc(path, "".join(parts), anchor, gold, excluded)


def load(dirs: list[Path]) -> tuple[list[Doc], int]:
    docs: list[Doc] = []
    seen: set[str] = set()
    duplicates = 0
    for directory in dirs:
        files = [directory] if directory.is_file() else sorted(directory.rglob("*.tml"))
        for path in files:
            digest = hashlib.sha1(path.read_bytes()).hexdigest()
            if digest in seen:
                duplicates += 1
                continue
            seen.add(digest)
            doc = parse_tml(path)
            if doc is not None:
                docs.append(doc)
    return docs, duplicates


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def system_output(docs: list[Doc]) -> tuple[list[list[TimeRef]], float]:
    started = time.perf_counter()
    out = [find_times(doc.text, doc.anchor) for doc in docs]
    elapsed = time.perf_counter() - started
    for doc, refs in zip(docs, out, strict=True):
        if doc.excluded:
            refs[:] = [r for r in refs if not any(_overlaps((r.start, r.end), x)
                                                  for x in doc.excluded)]
    return out, elapsed


def baseline_seconds(docs: list[Doc]) -> float:
    started = time.perf_counter()
    for doc in docs:
        sum(1 for _ in _BASELINE.finditer(doc.text))
    return time.perf_counter() - started


def spacy_seconds(docs: list[Doc]) -> float:
    from newsprism.understand.nlp import load_nlp

    nlp = load_nlp()
    nlp("warm up")
    started = time.perf_counter()
    for doc in docs:
        nlp(doc.text)
    return time.perf_counter() - started


def prf(tp_p: int, n_sys: int, tp_r: int, n_gold: int) -> tuple[float, float, float]:
    p = tp_p / n_sys if n_sys else 0.0
    r = tp_r / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(docs: list[Doc], outputs: list[list[TimeRef]], errors: int) -> dict[str, float]:
    n_gold = n_sys = strict = relaxed = value_ok = type_ok = 0
    shown = 0
    value_errors: Counter[str] = Counter()
    for doc, refs in zip(docs, outputs, strict=True):
        n_gold += len(doc.gold)
        n_sys += len(refs)
        spans = {(r.start, r.end) for r in refs}
        strict += sum(1 for g in doc.gold if (g.start, g.end) in spans)
        used: set[int] = set()
        for g in doc.gold:
            match = next((i for i, r in enumerate(refs) if i not in used
                          and _overlaps((r.start, r.end), (g.start, g.end))), None)
            if match is None:
                if shown < errors:
                    shown += 1
                    print(f"FN {doc.path.name} {doc.text[g.start:g.end]!r} {g.type} {g.value}"
                          f" | {_context(doc, g.start, g.end)}")
                continue
            used.add(match)
            relaxed += 1
            r = refs[match]
            value_ok += r.value == g.value
            type_ok += r.kind.upper() == g.type
            if r.value != g.value:
                value_errors[f"{g.type}"] += 1
                if shown < errors:
                    shown += 1
                    print(f"VAL {doc.path.name} dct={doc.anchor} sys={r.text!r} {r.value} "
                          f"gold={doc.text[g.start:g.end]!r} {g.value} | "
                          f"{_context(doc, g.start, g.end)}")
        for i, r in enumerate(refs):
            if i not in used and shown < errors:
                shown += 1
                print(f"FP {doc.path.name} {r.text!r} {r.value} | {_context(doc, r.start, r.end)}")
    sp, sr, sf = prf(strict, n_sys, strict, n_gold)
    rp, rr, rf = prf(relaxed, n_sys, relaxed, n_gold)
    value_acc = value_ok / relaxed if relaxed else 0.0
    type_acc = type_ok / relaxed if relaxed else 0.0
    return {"gold": n_gold, "system": n_sys, "strict": strict, "relaxed": relaxed,
            "strict_p": sp, "strict_r": sr, "strict_f1": sf, "relaxed_p": rp, "relaxed_r": rr,
            "relaxed_f1": rf, "value_acc": value_acc, "value_f1": value_acc * rf,
            "type_acc": type_acc, "type_f1": type_acc * rf}


def _context(doc: Doc, start: int, end: int) -> str:
    return doc.text[max(0, start - 60) : end + 40].replace("\n", " ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="*", type=Path, help="directories (or files) of .tml")
    parser.add_argument("--errors", type=int, default=0, help="print the first N mistakes")
    parser.add_argument("--spacy", action="store_true", help="also time a spaCy parse")
    args = parser.parse_args(argv)
    dirs = args.dirs or DEFAULT_DIRS
    missing = [d for d in dirs if not d.exists()]
    if missing:
        print(f"not found: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    docs, duplicates = load(dirs)
    if not docs:
        print("no .tml files with a <TEXT> element found", file=sys.stderr)
        return 2
    find_times(docs[0].text, docs[0].anchor)  # compile/warm caches outside the timing
    outputs, seconds = system_output(docs)
    base = min(baseline_seconds(docs) for _ in range(3))
    spacy = spacy_seconds(docs) if args.spacy else None
    s = score(docs, outputs, args.errors)
    chars = sum(len(d.text) for d in docs)
    no_anchor = sum(1 for d in docs if d.anchor is None)
    in_text_dct = sum(len(d.excluded) for d in docs)
    command = " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv])
    print(f"rerun: {command}")
    print(f"data: {', '.join(map(str, dirs))}")
    print(f"documents: {len(docs)} ({duplicates} byte-identical duplicates skipped, "
          f"{no_anchor} without DCT, {chars} characters); DCT excluded from scoring "
          f"(outside <TEXT>; {in_text_dct} CREATION_TIME TIMEX3 found inside <TEXT>)")
    print(f"timexes: gold {s['gold']}, system {s['system']}, strict matches {s['strict']}, "
          f"relaxed matches {s['relaxed']}")
    speed = len(docs) / seconds
    print(f"speed: {speed:.0f} docs/s ({seconds * 1000 / len(docs):.2f} ms/doc); baseline "
          f"regex scan {len(docs) / base:.0f} docs/s; find_times / baseline time = "
          f"{seconds / base:.1f}x")
    if spacy is not None:
        print(f"speed vs spaCy: parse {spacy * 1000 / len(docs):.2f} ms/doc; find_times is "
              f"{100 * seconds / spacy:.1f}% of a parse")
    print(f"extent strict:  P {s['strict_p']:.3f}  R {s['strict_r']:.3f}  F1 {s['strict_f1']:.3f}")
    print(f"extent relaxed: P {s['relaxed_p']:.3f}  R {s['relaxed_r']:.3f}  "
          f"F1 {s['relaxed_f1']:.3f}")
    print(f"value: accuracy {s['value_acc']:.3f}  F1 {s['value_f1']:.3f}")
    print(f"type:  accuracy {s['type_acc']:.3f}  F1 {s['type_f1']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
