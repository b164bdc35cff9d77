"""Claim grouping quality: precision and recall of the claim groups against a labelled set.

    python benchmarks/grouping.py [LABELS] [--shared DIR] [--workers N] [--errors N]
    python benchmarks/grouping.py --candidates OUT.json [LABELS]   # items to label

LABELS (default benchmarks/data/claim_groups.json) names the articles and, for each labelled
numeric claim, its span in the article text newsprism stores (checked by a SHA-1 of the span, so
that labels never hold third-party text) and the gold group it belongs to: claims telling the
same figure of the same measure, place and time, whoever tells it; a figure nobody else tells is
a group of its own. Articles come from ../shared (the seeds; AQUAINT TimeML files, read as
records with their creation time as publication date and the agency as outlet) and from our own
fictional `examples/articles`.

The whole `analyze` pipeline runs on those articles (ingest, understanding, cross-checking), then
every labelled item is matched to the stored numeric claim whose quantity it is. Scores, over
pairs of labelled items: precision = pairs the system groups together that gold groups
together / pairs the system groups together; recall = the reverse; B-cubed as well. An item the
system extracts no claim for is a group of its own on the system side (its pairs are missed).
The figures are the last lines printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from newsprism.api import analyze  # noqa: E402
from newsprism.crosscheck import Claim  # noqa: E402
from timex import parse_tml  # noqa: E402

DEFAULT_LABELS = ROOT / "benchmarks" / "data" / "claim_groups.json"
DEFAULT_SHARED = ROOT.parent / "shared"
AGENCIES = {"APW": "Associated Press", "XIE": "Xinhua", "NYT": "The New York Times"}
SEARCH_WINDOW = 400  # characters either side a drifted span is looked for


def span_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


# --- the articles -------------------------------------------------------------------------


@dataclass
class Source:
    key: str
    path: Path
    match: str  # what the stored article's `source` ends with


def resolve_sources(labels: dict[str, Any], shared: Path, work: Path) -> list[Source]:
    """Where each labelled article is read from. TimeML files become one JSONL record each."""
    sources = []
    for key, spec in labels["articles"].items():
        path = shared / spec["shared"] if "shared" in spec else ROOT / spec["repo"]
        if not path.exists():
            sys.exit(f"{key}: {path} not found (--shared names the folder with corpus/, data/)")
        if path.suffix == ".tml":
            sources.append(Source(key, _timeml_record(path, work), path.stem + ".jsonl:1"))
        else:
            # one entry of a feed ("#2") or one line of a JSONL file (":2")
            sources.append(Source(key, path, path.name + spec.get("part", "")))
    return sources


def _timeml_record(path: Path, work: Path) -> Path:
    doc = parse_tml(path)
    if doc is None:
        sys.exit(f"{path}: no <TEXT> element; not a TimeML file")
    record = {
        "text": doc.text.strip(),
        "published": doc.anchor.isoformat() if doc.anchor else None,
        "outlet": AGENCIES.get(path.stem[:3], path.stem[:3]),
    }
    out = work / (path.stem + ".jsonl")
    out.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def stored_articles(corpus: Any, sources: list[Source]) -> dict[str, dict[str, Any]]:
    """The stored article of each labelled key."""
    by_key: dict[str, dict[str, Any]] = {}
    articles = corpus.articles()
    for source in sources:
        found = [a for a in articles if str(a["source"]).endswith(source.match)]
        if len(found) != 1:
            sys.exit(f"{source.key}: {len(found)} stored articles match {source.match!r}")
        by_key[source.key] = found[0]
    return by_key


# --- items and claims ---------------------------------------------------------------------


@dataclass
class Item:
    n: int
    article: str
    start: int
    end: int
    group: str
    claim: Claim | None = None


def locate(text: str, item: dict[str, Any]) -> tuple[int, int] | None:
    """The item's span in `text`: where the label puts it, else the nearest span of the same
    length and hash (ingest changed the text before it)."""
    start, end, want = item["start"], item["end"], item["sha1"]
    if span_hash(text[start:end]) == want:
        return start, end
    length = end - start
    for delta in range(1, SEARCH_WINDOW):
        for s in (start - delta, start + delta):
            if s >= 0 and s + length <= len(text) and span_hash(text[s : s + length]) == want:
                return s, s + length
    return None


def figure_spans(c: Claim, text: str) -> list[tuple[int, int]]:
    """Where the claim's quantity as written stands inside its clause (once, usually)."""
    written = c.value_text or ""
    spans = []
    at = text.find(written, c.start, c.end) if written else -1
    while at >= 0:
        spans.append((at, at + len(written)))
        at = text.find(written, at + 1, c.end)
    return spans


def claim_of(item: Item, claims: list[Claim], text: str) -> Claim | None:
    """The numeric claim whose quantity is the item: its clause holds the item and its
    quantity as written overlaps it."""
    for c in claims:
        if c.kind != "numeric" or not (c.start <= item.start and item.end <= c.end):
            continue
        if any(s < item.end and item.start < e for s, e in figure_spans(c, text)):
            return c
    return None


# --- scores -------------------------------------------------------------------------------


def pair_scores(items: list[Item], system: dict[int, str]) -> dict[str, float]:
    gold_pairs = sys_pairs = both = 0
    for a, b in combinations(items, 2):
        g = a.group == b.group
        s = system[a.n] == system[b.n]
        gold_pairs += g
        sys_pairs += s
        both += g and s
    p = both / sys_pairs if sys_pairs else 1.0
    r = both / gold_pairs if gold_pairs else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"pairs_gold": gold_pairs, "pairs_system": sys_pairs, "pairs_both": both,
            "precision": p, "recall": r, "f1": f}  # fmt: skip


def bcubed(items: list[Item], system: dict[int, str]) -> tuple[float, float, float]:
    gold_of: dict[str, set[int]] = defaultdict(set)
    sys_of: dict[str, set[int]] = defaultdict(set)
    for it in items:
        gold_of[it.group].add(it.n)
        sys_of[system[it.n]].add(it.n)
    p = r = 0.0
    for it in items:
        g, s = gold_of[it.group], sys_of[system[it.n]]
        p += len(g & s) / len(s)
        r += len(g & s) / len(g)
    p, r = p / len(items), r / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# --- main ---------------------------------------------------------------------------------


def run_pipeline(sources: list[Source], db: Path, workers: int) -> Any:
    paths = list(dict.fromkeys(s.path for s in sources))
    return analyze(paths, db=db, workers=workers, progress=False)


def candidates(corpus: Any, stored: dict[str, dict[str, Any]], out: Path) -> None:
    """Every numeric claim the system finds in the labelled articles, for a person to label
    (without its system group, so that labelling is not led by it)."""
    by_id = {a["id"]: k for k, a in stored.items()}
    rows = []
    for data, _group, _vector in corpus.store.stored_claims():
        c = Claim.from_dict(data)
        if c.kind != "numeric" or c.article_id not in by_id:
            continue
        text = stored[by_id[c.article_id]]["text"]
        start, end = (figure_spans(c, text) or [(c.start, c.end)])[0]
        rows.append({
            "article": by_id[c.article_id], "start": start, "end": end,
            "sha1": span_hash(text[start:end]), "quantity": text[start:end],
            "clause": c.text, "sentence": c.context or c.text,
            "published": stored[by_id[c.article_id]].get("published"),
            "outlet": stored[by_id[c.article_id]].get("outlet"),
        })  # fmt: skip
    out.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"{len(rows)} numeric claims written to {out}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labels", nargs="?", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--errors", type=int, default=0, help="print this many wrong pairs")
    parser.add_argument("--candidates", type=Path, help="write the items to label here, and stop")
    args = parser.parse_args(argv)
    labels = json.loads(args.labels.read_text("utf-8"))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sources = resolve_sources(labels, args.shared, work)
        with run_pipeline(sources, work / "bench.db", args.workers) as corpus:
            stored = stored_articles(corpus, sources)
            if args.candidates:
                candidates(corpus, stored, args.candidates)
                return 0
            claims_by_article: dict[str, list[Claim]] = defaultdict(list)
            group_of: dict[str, str] = {}
            for data, group_id, _vector in corpus.store.stored_claims():
                c = Claim.from_dict(data)
                claims_by_article[c.article_id].append(c)
                group_of[c.id] = group_id
    seconds = time.perf_counter() - started
    items, lost = [], 0
    for n, raw in enumerate(labels["items"]):
        article = stored[raw["article"]]
        span = locate(article["text"], raw)
        if span is None:
            lost += 1
            print(f"label {n} ({raw['article']} {raw['start']}-{raw['end']}): span not found; "
                  "the article text changed, relabel it")  # fmt: skip
            continue
        item = Item(n, raw["article"], span[0], span[1], raw["group"])
        item.claim = claim_of(item, claims_by_article[article["id"]], article["text"])
        items.append(item)
    found = [it for it in items if it.claim is not None]
    system = {it.n: (group_of[it.claim.id] if it.claim else f"none-{it.n}") for it in items}
    scores = pair_scores(items, system)
    bp, br, bf = bcubed(items, system)
    if args.errors:
        show_errors(items, system, stored, args.errors)
    gold_groups = len({it.group for it in items})
    multi = sum(1 for g in {it.group for it in items} if sum(i.group == g for i in items) > 1)
    print(f"command: python {' '.join(sys.argv)}")
    print(f"{len(labels['articles'])} articles, pipeline {seconds:.0f} s; {len(items)} labelled "
          f"claims in {gold_groups} gold groups ({multi} told more than once); "
          f"{len(found)} matched to a system claim, {lost} labels lost")  # fmt: skip
    print(f"pairs: gold {scores['pairs_gold']}, system {scores['pairs_system']}, "
          f"both {scores['pairs_both']}")  # fmt: skip
    print(f"pairwise precision {scores['precision']:.3f} recall {scores['recall']:.3f} "
          f"F1 {scores['f1']:.3f}")  # fmt: skip
    print(f"B-cubed precision {bp:.3f} recall {br:.3f} F1 {bf:.3f}")
    return 0


def show_errors(
    items: list[Item], system: dict[int, str], stored: dict[str, dict[str, Any]], limit: int
) -> None:
    def show(it: Item) -> str:
        text = stored[it.article]["text"]
        return f"{it.article} [{it.group}] {text[it.start:it.end]!r}"

    shown = 0
    for a, b in combinations(items, 2):
        g, s = a.group == b.group, system[a.n] == system[b.n]
        if g != s and shown < limit:
            kind = "merged, gold apart" if s else "apart, gold together"
            print(f"{kind}: {show(a)} | {show(b)}")
            shown += 1


if __name__ == "__main__":
    raise SystemExit(main())
