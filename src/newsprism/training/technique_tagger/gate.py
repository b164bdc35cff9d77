"""The exit after the lower layers: a head that learns the whole tagger's outputs, and the gate
chosen on the exported graphs (the highest that skips at most GATE_LOSS of the spans on
unlabeled text); `--regate` chooses it again for a model folder."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.encoders.minilm import HIDDEN
from newsprism.training.ptc import PTCArticle, PTCError, default_split, read_articles
from newsprism.training.technique_tagger.settings import (
    GATE_LOSS,
    SEED,
    TENSOR_WIDTH,
    UNLABELED,
    say,
)
from newsprism.training.technique_tagger.windows import Parsed, batch_tensors, parse
from newsprism.understand.technique_spans import (
    decode,
    piece_tokenizers,
    token_probabilities,
    windows_of_tokens,
)
from newsprism.understand.techniques import SpanTagger


def _exit_passes(
    torch: Any, model: Any, parsed: Sequence[Parsed], exit_layer: int
) -> Iterator[tuple[Any, Any, Any, Any]]:
    """Batch by batch over the windows: the states after `exit_layer` layers, spaCy's vectors,
    which pieces are scored, and the whole tagger's probabilities (no gradients)."""
    model.eval()
    examples = [w for p in parsed for w in p.windows]
    for begin in range(0, len(examples), 32):
        with torch.no_grad():
            ids, mask, _, vectors, scored = batch_tensors(torch, examples[begin : begin + 32])
            states = model.lower(model.word(ids), mask, exit_layer)
            logits, _ = model.finish(states, mask, vectors, exit_layer)
        yield states, vectors, scored, torch.sigmoid(logits)


def fit_exit_head(torch: Any, model: Any, parsed: Sequence[Parsed], exit_layer: int) -> None:
    """A linear head over the states after `exit_layer` layers (and spaCy's vectors), taught to
    predict the whole tagger's own probabilities (the tagger stays as it is): windows where it
    sees nothing are not read further (SpanTagger's gate)."""
    features, targets = [], []
    for states, vectors, scored, probs in _exit_passes(torch, model, parsed, exit_layer):
        inside = scored.bool()
        features.append(torch.cat([states, vectors], -1)[inside])
        targets.append(probs[inside])
    x, y = torch.cat(features), torch.cat(targets)
    torch.manual_seed(SEED)
    model.exit_head = torch.nn.Linear(HIDDEN + TENSOR_WIDTH, 1)
    optimiser = torch.optim.Adam(model.exit_head.parameters(), lr=1e-3)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    generator = torch.Generator().manual_seed(SEED)
    for epoch in range(4):
        order = torch.randperm(len(x), generator=generator)
        for begin in range(0, len(order), 1024):
            rows = order[begin : begin + 1024]
            loss = loss_fn(model.exit_head(x[rows]).squeeze(-1), y[rows])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        say(f"  exit head epoch {epoch + 1}: loss {loss.item():.4f}")


def gate_for(tops: np.ndarray, spans: np.ndarray, loss: float) -> tuple[float, float]:
    """The highest gate (a window whose top exit probability is below it is not read further)
    that skips at most `loss` of the spans, given each window's top exit probability and how
    many spans the whole tagger finds in it; and the share of windows it lets through."""
    if not spans.sum():
        return 0.0, 1.0
    order = np.argsort(tops, kind="stable")
    lost = np.cumsum(spans[order]) / spans.sum()  # skipped if the gate is above tops[order[i]]
    allowed = int(np.searchsorted(lost, loss, side="right"))  # windows that may be skipped
    if not allowed:
        return 0.0, 1.0
    low = tops[order[allowed - 1]]
    high = tops[order[allowed]] if allowed < len(tops) else 1.0
    gate = float(low + high) / 2
    return gate, float((tops >= gate).mean())


def choose_gate(where: Path, meta: dict[str, Any], parsed: Sequence[Parsed]) -> tuple[float, float]:
    """The gate of the exported graphs in `where` (what ships, int8 and all): every window is
    read in full, and the gate is the highest that skips at most GATE_LOSS of the whole
    tagger's spans (decoded as shipped: a run that never reaches the peak is no span, so its
    window need not be read) on text none of the heads was tuned on."""
    tagger = SpanTagger(where, {**meta, "exit": {"gate": 0.0}})
    tops, spans = [], []
    for p in parsed:
        _, offsets, piece_probs, window_tops = tagger.read_windows(p.article.text, p.ranges, p.view)
        probs = token_probabilities(p.view, piece_probs, offsets)
        window_of = windows_of_tokens(p.view, p.ranges)
        first_tokens = [
            p.view.tokens_in(start, end).start
            for start, end in decode(probs, p.view, p.ranges, **meta["decoding"])
        ]
        tops.append(window_tops)
        spans.append(np.bincount(window_of[first_tokens], minlength=len(p.ranges)))
    if not tops:
        return 0.0, 1.0
    return gate_for(np.concatenate(tops), np.concatenate(spans), GATE_LOSS)


def unlabeled_articles(
    args: argparse.Namespace, split: dict[str, list[PTCArticle]] | None = None
) -> tuple[list[PTCArticle], str]:
    """The text for the threshold and the exit gate, and where it comes from."""
    if (args.ptc / UNLABELED).is_dir():
        articles = read_articles(args.ptc / UNLABELED)[: args.limit]
        return articles, f"{UNLABELED} ({len(articles)} articles)"
    # their labels stay unread: only the tagger's own outputs on them are compared
    split = split or {k: v[: args.limit] for k, v in default_split(args.ptc).items()}
    return split["tune"], "the tune part (labels not read)"


def regate(args: argparse.Namespace) -> int:
    """--regate: choose the exit gate of the model in --out again, without training."""
    from newsprism.understand.nlp import load_nlp

    meta_path = args.out / "meta.json"
    if not meta_path.exists() or "exit" not in (meta := json.loads(meta_path.read_text())):
        print(f"{args.out}: no model with an exit gate there (meta.json)", file=sys.stderr)
        return 2
    try:
        articles, unlabeled_from = unlabeled_articles(args)
    except PTCError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    say(f"reading {unlabeled_from} with spaCy")
    nlp = load_nlp(args.spacy_model or meta["spacy_model"])
    unlabeled = parse(articles, nlp, piece_tokenizers())
    gate, read_share = choose_gate(args.out, meta, unlabeled)
    meta["exit"].update(
        gate=gate, upper_reads_windows=round(read_share, 4), most_spans_skipped=GATE_LOSS,
        chosen_on=unlabeled_from,
    )  # fmt: skip
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    say(f"gate {gate:.4f}: the upper layers read {read_share:.0%} of the unlabeled windows")
    return 0

