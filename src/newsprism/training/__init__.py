"""Training of the models newsprism ships (needs the `train` extra: torch, CPU build)."""
