"""`python -m newsprism.cli`: the command line, as the `newsprism` script runs it."""

from newsprism.cli import app

if __name__ == "__main__":
    app()
