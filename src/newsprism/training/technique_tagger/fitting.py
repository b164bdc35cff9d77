"""Fine-tuning the span tagger: the epochs of a run, the choices made on the tune part (epoch,
decoding, the classifier's C), the runs on all training articles side by side, and the
threshold carried over to the refitted tagger on unlabeled text."""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from newsprism.encoders.minilm import load_safetensors, model_dir
from newsprism.training.ptc import gold_spans, si_scores
from newsprism.training.technique_tagger.classifier import classify_f1, fit_classifier, span_items
from newsprism.training.technique_tagger.model import build_model, predict, trained_weights
from newsprism.training.technique_tagger.settings import C_GRID, DECODING_GRID, SEED, say
from newsprism.training.technique_tagger.windows import Parsed, batch_tensors
from newsprism.understand.technique_spans import TokenView, decode, smoothed


def choose_decoding(
    parsed: Sequence[Parsed], token_probs: Sequence[np.ndarray]
) -> tuple[dict[str, Any], float]:
    """The decoding knobs (`decode`) best on `parsed`, and their SI F1; on a tie the first in
    DECODING_GRID's order (no peak before any)."""
    gold = gold_spans([p.article for p in parsed])
    best: tuple[float, dict[str, Any]] = (-1.0, {})
    grid = DECODING_GRID
    for threshold, smooth, min_tokens, peak in itertools.product(
        grid["threshold"], grid["smooth"], grid["min_tokens"], grid["peak"]
    ):
        if 0.0 < peak <= threshold:  # every run reaches it: the same spans as no peak
            continue
        knobs = {"threshold": threshold, "smooth": smooth, "min_tokens": min_tokens, "peak": peak}
        predicted = {
            p.article.id: decode(probs, p.view, p.ranges, **knobs)
            for p, probs in zip(parsed, token_probs, strict=True)
        }
        f1 = si_scores(predicted, gold)[2]
        if f1 > best[0]:
            best = (f1, knobs)
    return best[1], best[0]


def training_epochs(
    torch: Any, parsed: list[Parsed], args: argparse.Namespace, order_seed: int = SEED
) -> Iterator[Any]:
    """Fine-tune on `parsed`, yielding the model after each epoch. Every run starts from the
    same weights (MiniLM's, and a head drawn with SEED); `order_seed` shuffles the batches."""
    base = load_safetensors(model_dir() / "model.safetensors")
    torch.manual_seed(SEED)
    rng = np.random.default_rng(order_seed)
    model = build_model(torch, args.layers, base)
    examples = [w for p in parsed for w in p.windows]
    head = list(model.head.parameters())
    body = [p for n, p in model.named_parameters() if not n.startswith("head.") and p.requires_grad]
    optimiser = torch.optim.AdamW(
        [{"params": body, "lr": args.lr}, {"params": head, "lr": 1e-3}], weight_decay=0.01
    )
    steps = args.epochs * ((len(examples) + args.batch - 1) // args.batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=[args.lr, 1e-3], total_steps=steps, pct_start=0.1
    )
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="none", pos_weight=torch.tensor(2.0))
    started = time.process_time()
    for epoch in range(args.epochs):
        model.train()
        # batches of similar length (little padding), in shuffled order
        order = sorted(range(len(examples)), key=lambda i: len(examples[i].ids) + rng.integers(8))
        batches = [order[b : b + args.batch] for b in range(0, len(order), args.batch)]
        rng.shuffle(batches)
        for step, batch in enumerate(batches):
            ids, mask, labels, vectors, scored = batch_tensors(torch, [examples[i] for i in batch])
            logits, _ = model(ids, mask, vectors)
            loss = (loss_fn(logits, labels) * scored).sum() / scored.sum()
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            if step % 100 == 0:
                say(
                    f"[order {order_seed}] epoch {epoch + 1}/{args.epochs} step {step}/"
                    f"{len(batches)} loss {loss.item():.3f} "
                    f"({time.process_time() - started:.0f} s CPU)"
                )
        yield model


def train_span_tagger(
    torch: Any, fit: list[Parsed], tune: list[Parsed], args: argparse.Namespace
) -> tuple[Any, dict[str, Any], float, int]:
    """Fine-tune on `fit`, keeping the epoch (and decoding) best on `tune`."""
    best: tuple[float, Any, dict[str, Any], int] = (-1.0, None, {}, 0)
    model = None
    for epoch, model in enumerate(training_epochs(torch, fit, args), start=1):
        token_probs = [probs for probs, _ in predict(torch, model, tune)]
        knobs, f1 = choose_decoding(tune, token_probs)
        say(f"epoch {epoch}: tune-part SI F1 {f1:.3f} with {knobs}")
        if f1 > best[0]:
            best = (f1, trained_weights(model), knobs, epoch)
    model.load_state_dict(best[1], strict=False)
    return model, best[2], best[0], best[3]


def _torch() -> Any:
    import torch

    torch.set_num_threads(1)
    return torch


def fit_stage(
    fit: list[Parsed], tune: list[Parsed], unlabeled: list[Parsed], args: argparse.Namespace
) -> dict[str, Any]:
    """Every choice made on the tune part: the epoch, the decoding knobs, the classifier's C,
    and how much unlabeled text the tuned tagger flags (for `matched_threshold`)."""
    torch = _torch()
    model, decoding, tune_si, best_epoch = train_span_tagger(torch, fit, tune, args)
    flagged = flagged_scores(torch, model, unlabeled, decoding["smooth"])
    fit_items, fit_labels = span_items(torch, model, fit)
    tune_items, tune_labels = span_items(torch, model, tune)
    scores = {}
    for c in C_GRID:
        scores[c] = classify_f1(fit_classifier(fit_items, fit_labels, c), tune_items, tune_labels)
        say(f"  C={c}: tune-part TC micro-F1 {scores[c]:.3f}")
    return {
        "weights": trained_weights(model), "decoding": decoding, "tune_si": tune_si,
        "best_epoch": best_epoch, "flagged": flagged, "c_scores": scores,
    }  # fmt: skip


def refit_member(parsed: list[Parsed], args: argparse.Namespace, order_seed: int) -> list[Any]:
    """The weights after each epoch of a run on all training articles: the epoch to keep is
    chosen on the tune part meanwhile (`fit_stage`), so every epoch's weights come back."""
    torch = _torch()
    return [trained_weights(model) for model in training_epochs(torch, parsed, args, order_seed)]


def word_tokens(view: TokenView) -> np.ndarray:
    """Which tokens are words (not spaces): the ones whose flags count."""
    return np.array([bool(t.strip()) for t in view.texts], dtype=bool)


def flagged_scores(torch: Any, model: Any, parsed: Sequence[Parsed], smooth: int) -> Any:
    """Every word token's probability from `model` as decoding sees it (smoothed), pooled over
    articles."""
    pooled = [
        smoothed(probs, smooth)[word_tokens(p.view)]
        for p, (probs, _) in zip(parsed, predict(torch, model, parsed), strict=True)
    ]
    return np.concatenate(pooled) if pooled else np.zeros(0, np.float32)


def matched_threshold(before: np.ndarray, after: np.ndarray, threshold: float) -> float:
    """The threshold at which the refitted tagger flags the same share of unlabeled text as the
    tagger the threshold was tuned on did at `threshold`. Refitting trains on a quarter more
    articles for as many epochs, so more steps, and the model may come out surer of itself;
    the tuned labels are then spent, so the unlabeled articles carry the threshold over. The
    decoding's peak is carried over the same way. (In the shipped model's run, the three-run
    soup: threshold 0.075 to 0.1275, peak 0.45 to 0.5787.)"""
    if not len(before) or not len(after):
        return threshold
    share = float((before >= threshold).mean())
    if share <= 0.0:
        return threshold
    return round(float(np.quantile(after, 1.0 - share)), 4)


def run_training(
    fit: list[Parsed],
    tune: list[Parsed],
    unlabeled: list[Parsed],
    args: argparse.Namespace,
    members: int,
) -> tuple[dict[str, Any], list[list[Any]]]:
    """`fit_stage` and `members` runs of `refit_member`, side by side on `args.workers`
    processes (each run is single-threaded and seeded, so the result does not depend on how
    many run at once)."""
    if args.workers <= 1 or members == 0:
        stage = fit_stage(fit, tune, unlabeled, args)
        return stage, [refit_member(fit + tune, args, SEED + k) for k in range(members)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: a forked child inherits the parent's torch thread pools half set up
    with ProcessPoolExecutor(args.workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        stage_job = pool.submit(fit_stage, fit, tune, unlabeled, args)
        jobs = [pool.submit(refit_member, fit + tune, args, SEED + k) for k in range(members)]
        return stage_job.result(), [job.result() for job in jobs]

