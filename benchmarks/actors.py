"""Actor identity on real reporting: one identity per real-world actor across articles.

    python benchmarks/actors.py [LABELS] [--split dev|test|all] [--errors N] [--keep DIR]
        [--shared DIR] [--workers N]

LABELS (default benchmarks/data/actor_identity.json) names the articles (paths under ../shared,
each with its split: `dev` = the five seeds on the US withdrawal from northern Syria and AQUAINT
reports of the 1998 embassy bombings, to tune on; `test` = WikiRef220 reports of the November
2015 Paris attacks, held out) and, for each labelled actor mention, its span in the article text
newsprism stores (start, end, first 12 hex digits of the span's SHA-1: no third-party text is
kept) and its gold actor id. A sample of the system's label records is judged too: the actor
each really describes, and whether its label is a name or description of that actor.

Each split runs the whole `analyze` pipeline on its own articles into its own store. Each gold
mention is matched to the stored mention whose name span (`name_start`, `name_end`: the title
split off) overlaps it most. The figures, all printed as the last lines per split:
- mention boundaries: the share of gold mentions whose stored name span is exactly the gold
  span; overlapping but different; missed (no stored mention overlaps).
- cross-article identity, pairwise: over pairs of gold mentions in different articles,
  precision = pairs put in one system entity that are one gold actor / pairs put in one
  system entity; recall = the reverse. A missed mention is an entity of its own.
- B-cubed precision, recall and F1 over all gold mentions (same treatment of missed ones).
- article pairs linked: for each gold actor and each pair of articles that both mention it,
  whether the actor's main entity (the entity most of its mentions there have) is one and the
  same in both articles; the share of such pairs that are linked.
- label precision: of the judged label records found again in the store, the share whose
  label is a name or description of the actor it is attached to, and attached to the right
  entity (the gold actor's main entity in the split). Judged records not found are reported.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from grouping import (  # noqa: E402
    DEFAULT_SHARED,
    locate,
    split_corpus,
    stored_articles,
)

DEFAULT_LABELS = ROOT / "benchmarks" / "data" / "actor_identity.json"
SPLITS = ("dev", "test")


# --- scores (pure functions over mention -> cluster maps) --------------------------------


def cross_pairs(
    gold: Mapping[Hashable, str], system: Mapping[Hashable, str], doc: Mapping[Hashable, str]
) -> dict[str, float]:
    """Pairwise identity over pairs of mentions in different documents: precision = pairs in
    one system cluster that are one gold cluster / pairs in one system cluster; recall = pairs
    in one gold cluster the system joins / pairs in one gold cluster."""
    gold_pairs = sys_pairs = both = 0
    for a, b in combinations(sorted(gold, key=str), 2):
        if doc[a] == doc[b]:
            continue
        g, s = gold[a] == gold[b], system[a] == system[b]
        gold_pairs += g
        sys_pairs += s
        both += g and s
    p = both / sys_pairs if sys_pairs else 1.0
    r = both / gold_pairs if gold_pairs else 1.0
    return {"gold": gold_pairs, "system": sys_pairs, "both": both,
            "precision": p, "recall": r, "f1": f1(p, r)}  # fmt: skip


def bcubed(gold: Mapping[Hashable, str], system: Mapping[Hashable, str]) -> tuple[float, ...]:
    """B-cubed precision, recall, F1: per mention, the share of its system cluster that is in
    its gold cluster (precision) and of its gold cluster that is in its system cluster (recall),
    averaged over mentions."""
    gold_of: dict[str, set[Hashable]] = defaultdict(set)
    sys_of: dict[str, set[Hashable]] = defaultdict(set)
    for m in gold:
        gold_of[gold[m]].add(m)
        sys_of[system[m]].add(m)
    if not gold:
        return 1.0, 1.0, 1.0
    p = r = 0.0
    for m in gold:
        g, s = gold_of[gold[m]], sys_of[system[m]]
        p += len(g & s) / len(s)
        r += len(g & s) / len(g)
    p, r = p / len(gold), r / len(gold)
    return p, r, f1(p, r)


def linked_article_pairs(
    gold: Mapping[Hashable, str], system: Mapping[Hashable, str], doc: Mapping[Hashable, str]
) -> tuple[int, int, list[tuple[str, str, str]]]:
    """For each gold actor and pair of documents mentioning it: linked when the actor's main
    system cluster (most of its mentions there; ties to the first) is the same in both.
    Returns (linked, pairs, the unlinked (actor, doc, doc))."""
    by_actor_doc: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for m in sorted(gold, key=str):
        by_actor_doc[gold[m]][doc[m]][system[m]] += 1
    linked = total = 0
    unlinked = []
    for actor, docs in sorted(by_actor_doc.items()):
        main = {d: c.most_common(1)[0][0] for d, c in docs.items()}
        for d1, d2 in combinations(sorted(main), 2):
            total += 1
            if main[d1] == main[d2]:
                linked += 1
            else:
                unlinked.append((actor, d1, d2))
    return linked, total, unlinked


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


# --- matching gold to the store ----------------------------------------------------------


@dataclass
class Mention:
    n: int
    article: str
    start: int
    end: int
    actor: str
    boundary: str = "missed"  # exact, overlap, missed
    entity: str | None = None
    name: str = ""  # the stored name (printed with --errors only)
    text: str = ""  # the gold span as written (printed with --errors only)


@dataclass
class LabelJudged:
    n: int
    article: str
    start: int
    end: int
    actor: str
    names_actor: bool
    found: dict[str, Any] | None = None
    right: bool = False


@dataclass
class SplitResult:
    split: str
    articles: int
    seconds: float
    mentions: list[Mention]
    lost: int
    labels: list[LabelJudged] = field(default_factory=list)
    labels_lost: int = 0


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_mention(m: Mention, stored: list[dict[str, Any]]) -> None:
    """The stored mention whose name span overlaps the gold span most (an exact one first)."""
    gold = (m.start, m.end)
    best, best_key = None, (0, False)
    for s in stored:
        span = (s["name_start"], s["name_end"])
        key = (span == gold, overlap(span, gold))
        if key[1] and key > best_key:
            best, best_key = s, key
    if best is None:
        return
    m.boundary = "exact" if best_key[0] else "overlap"
    m.entity = best["entity_id"]
    m.name = str(best.get("name") or "")


def system_clusters(mentions: list[Mention]) -> dict[int, str]:
    """Each mention's system entity; a missed mention (or one with no entity) is its own."""
    return {m.n: m.entity or f"none-{m.n}" for m in mentions}


def main_entities(mentions: list[Mention]) -> dict[str, str]:
    """Each gold actor's main entity in the split: the one most of its mentions have."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        if m.entity:
            counts[m.actor][m.entity] += 1
    return {a: c.most_common(1)[0][0] for a, c in counts.items()}


def judge_labels(
    raw: list[dict[str, Any]],
    stored_labels: dict[str, list[dict[str, Any]]],
    texts: dict[str, str],
    main: dict[str, str],
) -> tuple[list[LabelJudged], int]:
    """Find each judged label record again (same span, located by hash) and score it."""
    judged, lost = [], 0
    for n, r in enumerate(raw):
        span = locate(texts[r["article"]], r)
        if span is None:
            lost += 1
            continue
        lb = LabelJudged(n, r["article"], span[0], span[1], r["actor"], bool(r["names_actor"]))
        lb.found = next((s for s in stored_labels[r["article"]]
                         if (s["start"], s["end"]) == span), None)  # fmt: skip
        judged.append(lb)
    by_labels = label_entities(judged)
    for lb in judged:
        if lb.found is not None:
            want = main.get(lb.actor, by_labels.get(lb.actor))
            lb.right = lb.names_actor and want == lb.found["entity_id"]
    return judged, lost


def label_entities(judged: list[LabelJudged]) -> dict[str, str]:
    """For actors without gold mentions: the entity most of their judged label records (that
    name them) are attached to."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for lb in judged:
        if lb.found is not None and lb.names_actor and lb.found["entity_id"]:
            counts[lb.actor][lb.found["entity_id"]] += 1
    return {a: c.most_common(1)[0][0] for a, c in counts.items()}


# --- running a split ---------------------------------------------------------------------


def run_split(labels: dict[str, Any], split: str, args: argparse.Namespace) -> SplitResult | None:
    started = time.perf_counter()
    with split_corpus(labels, split, args) as opened:
        if opened is None:
            return None
        corpus, sources = opened
        stored = stored_articles(corpus, sources)
        key_of = {a["id"]: k for k, a in stored.items()}
        by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
        labels_by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for rec in corpus.records("mention"):
            if rec["article_id"] in key_of:
                by_article[key_of[rec["article_id"]]].append(rec)
        for rec in corpus.records("label"):
            if rec["article_id"] in key_of:
                labels_by_article[key_of[rec["article_id"]]].append(rec)
    texts = {k: a["text"] for k, a in stored.items()}
    mentions, lost = [], 0
    for n, raw in enumerate(labels["mentions"]):
        if raw["article"] not in texts:
            continue
        span = locate(texts[raw["article"]], raw)
        if span is None:
            lost += 1
            print(f"mention {n} ({raw['article']} {raw['start']}-{raw['end']}): span not "
                  "found; the article text changed, relabel it")  # fmt: skip
            continue
        m = Mention(n, raw["article"], span[0], span[1], raw["actor"])
        m.text = texts[m.article][m.start : m.end]
        match_mention(m, by_article[m.article])
        mentions.append(m)
    raw_labels = [r for r in labels.get("labels", []) if r["article"] in texts]
    judged, labels_lost = judge_labels(raw_labels, labels_by_article, texts,
                                       main_entities(mentions))  # fmt: skip
    seconds = time.perf_counter() - started
    return SplitResult(split, len(sources), seconds, mentions, lost, judged, labels_lost)


# --- printing ----------------------------------------------------------------------------


def show_errors(result: SplitResult, limit: int) -> None:
    """The worst merges (system entities holding several gold actors) and splits (gold actors
    spread over several entities), then boundary errors and wrong labels."""
    by_entity: dict[str, Counter[str]] = defaultdict(Counter)
    by_actor: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for m in result.mentions:
        ent = m.entity or "(missed)"
        by_actor[m.actor][ent] += 1
        names[(m.actor, ent)][m.text] += 1
        if m.entity:
            by_entity[m.entity][m.actor] += 1

    def spell(actor: str, ent: str) -> str:
        return "/".join(n for n, _ in names[(actor, ent)].most_common(3))

    merges = sorted(((sum(c.values()) - c.most_common(1)[0][1], e, c)
                     for e, c in by_entity.items() if len(c) > 1), reverse=True)  # fmt: skip
    for _, ent, c in merges[:limit]:
        parts = ", ".join(f"{a} ({spell(a, ent)}) x{k}" for a, k in c.most_common())
        print(f"[{result.split}] merged in {ent}: {parts}")
    splits = sorted(((sum(c.values()) - c.most_common(1)[0][1], a, c)
                     for a, c in by_actor.items() if len(c) > 1), reverse=True)  # fmt: skip
    for _, actor, c in splits[:limit]:
        parts = ", ".join(f"{e} ({spell(actor, e)}) x{k}" for e, k in c.most_common())
        print(f"[{result.split}] split {actor}: {parts}")
    bad = [m for m in result.mentions if m.boundary != "exact"]
    for m in bad[:limit]:
        print(f"[{result.split}] boundary {m.boundary}: {m.article} gold {m.text!r} "
              f"stored {m.name!r}")  # fmt: skip
    wrong = [lb for lb in result.labels if lb.found is not None and not lb.right]
    for lb in wrong[:limit]:
        f = lb.found or {}
        print(f"[{result.split}] label wrong: {lb.article} {f.get('text')!r} label "
              f"{f.get('label')!r} -> {f.get('entity_id')} (gold {lb.actor}, "
              f"names it: {lb.names_actor})")  # fmt: skip


def figures(result: SplitResult) -> list[str]:
    ms = result.mentions
    gold = {m.n: m.actor for m in ms}
    system = system_clusters(ms)
    doc = {m.n: m.article for m in ms}
    kinds = Counter(m.boundary for m in ms)
    pairs = cross_pairs(gold, system, doc)
    bp, br, bf = bcubed(gold, system)
    linked, total, _ = linked_article_pairs(gold, system, doc)
    found = [lb for lb in result.labels if lb.found is not None]
    right = sum(lb.right for lb in found)
    n = len(ms) or 1
    return [
        f"[{result.split}] {result.articles} articles, pipeline {result.seconds:.0f} s; "
        f"{len(ms)} gold mentions of {len(set(gold.values()))} actors "
        f"({result.lost} labels lost)",
        f"[{result.split}] mention boundaries: exact {kinds['exact'] / n:.3f}, overlap "
        f"{kinds['overlap'] / n:.3f}, missed {kinds['missed'] / n:.3f}",
        f"[{result.split}] cross-article pairs: gold {pairs['gold']}, system {pairs['system']}, "
        f"both {pairs['both']}; precision {pairs['precision']:.3f} recall "
        f"{pairs['recall']:.3f} F1 {pairs['f1']:.3f}",
        f"[{result.split}] B-cubed precision {bp:.3f} recall {br:.3f} F1 {bf:.3f}",
        f"[{result.split}] article pairs linked for the same actor: {linked}/{total} "
        f"= {linked / total if total else 1.0:.3f}",
        f"[{result.split}] label precision {right}/{len(found)} = "
        f"{right / len(found) if found else 1.0:.3f} ({len(result.labels) - len(found)} judged "
        f"label records not produced, {result.labels_lost} not located)",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labels", nargs="?", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--errors",
        type=int,
        default=0,
        help="print this many worst merges, splits, boundary and label errors",
    )
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="keep each split's store: DIR/SPLIT.db")  # fmt: skip
    args = parser.parse_args(argv)
    labels = json.loads(args.labels.read_text("utf-8"))
    splits = SPLITS if args.split == "all" else (args.split,)
    results = [r for s in splits if (r := run_split(labels, s, args)) is not None]
    if args.errors:
        for r in results:
            show_errors(r, args.errors)
    print(f"command: python {' '.join(sys.argv)}")
    for r in results:
        print("\n".join(figures(r)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
