"""The sentence vectors stories are compared by: the MiniLM encoder the claims use (the same
weights, no other model), reading the headline and lead rather than one claim sentence.

Claims truncate at 32 tokens (a claim's gist is in its first words); an article's lead needs
more to say what happened, where and to whom, so stories have their own encoder instance
truncating at LEAD_TOKENS (about 0.25 ms a token on one core: ~30 ms an article).
"""

from __future__ import annotations

import warnings
from functools import lru_cache

from newsprism.crosscheck.embed import Embedder, HashEmbedder, MiniLMEmbedder, loaded

LEAD_TOKENS = 128
# the stage's own encoding (where no engine's workers encode), as cross-checking's: two threads,
# never more than the workers a run was given; an engine's workers encode on one thread each
THREADS = 2


@lru_cache(maxsize=1)
def story_embedder(threads: int = THREADS) -> Embedder:
    """MiniLM over the lead when its package is installed, else the word-hashing stand-in.
    The thread count changes the time, not the vectors."""
    try:
        embedder = MiniLMEmbedder(threads=threads)
    except (ModuleNotFoundError, ImportError, FileNotFoundError) as error:
        warnings.warn(
            f"stories fall back to word hashing, meaning is not compared: {error}", stacklevel=2
        )
        return HashEmbedder()
    embedder.tokenizer.enable_truncation(LEAD_TOKENS)
    return embedder


def loaded_story_embedder(threads: int) -> Embedder:
    """The stories' encoder on `threads` threads, its graph built (see loaded_embedder)."""
    return loaded(story_embedder(threads))


def embedder_name(embedder: Embedder) -> str:
    return str(getattr(embedder, "name", type(embedder).__name__))
