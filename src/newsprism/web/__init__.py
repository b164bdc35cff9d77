"""`newsprism serve`: the local web app over a store (pages and their JSON)."""

from newsprism.web.app import create_app

__all__ = ["create_app"]
