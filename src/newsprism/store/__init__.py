"""Store: one schema behind SQLAlchemy Core, SQLite by default, PostgreSQL by URL."""

from newsprism.store.store import Store, open_store

__all__ = ["Store", "open_store"]
