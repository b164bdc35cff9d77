"""Cross-checking: claims extracted per article, matched across outlets into claim groups, and a
verdict per group (corroborated, contradicted, single-source, unattributed).

    index = ClaimIndex()                      # all-MiniLM-L6-v2 when installed
    for article in new_articles:              # records: that article's span records
        claims = extract_claims(article, records[article["id"]])   # per article: in workers,
        vectors = claim_vectors(claims, index.embedder)           # with their meanings
        changes = index.add(claims, {article["id"]: article}, vectors)  # touched groups only
    for group in index.groups():
        v = verdict(group, articles_by_id)    # articles: id -> outlet, published, duplicate_group
    state = index.to_state()                  # JSON-able; ClaimIndex.from_state(state) restores
"""

from newsprism.crosscheck.claims import Claim, extract_claims
from newsprism.crosscheck.embed import (
    Embedder,
    HashEmbedder,
    MiniLMEmbedder,
    default_embedder,
    loaded_embedder,
)
from newsprism.crosscheck.group_shelf import ClaimGroup, StoredGroups
from newsprism.crosscheck.matching import ClaimIndex, GroupChange, claim_vectors
from newsprism.crosscheck.verdicts import Evidence, Verdict, verdict

__all__ = [
    "Claim",
    "ClaimGroup",
    "ClaimIndex",
    "Embedder",
    "Evidence",
    "GroupChange",
    "HashEmbedder",
    "MiniLMEmbedder",
    "StoredGroups",
    "Verdict",
    "claim_vectors",
    "default_embedder",
    "extract_claims",
    "loaded_embedder",
    "verdict",
]
