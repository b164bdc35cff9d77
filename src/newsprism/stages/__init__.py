"""The stages of an analyze run, in the order `pipeline.py` runs them: ingest, understand (with
linking across the corpus), crosscheck. Each reads what the stage before it stored."""
