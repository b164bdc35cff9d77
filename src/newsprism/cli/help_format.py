"""How the command line's help reads: paragraphs unwrapped, and no Python types beside the
options and arguments (the Typer command and group classes every command uses)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from typing import Any

import click
from typer.core import TyperArgument, TyperCommand, TyperGroup


def _plain_help(params: Iterable[click.Parameter]) -> None:
    """Help that says what to give, never a Python type: Typer shows <bool> beside a flag
    (which takes no value) and <list[Path]> beside an argument, whose name already says it."""
    for param in params:
        if isinstance(param, TyperArgument):
            param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]
        elif getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""


def _unwrapped(text: str | None) -> str | None:
    """Help as paragraphs: Rich help keeps a docstring's line breaks where it wraps by itself."""
    if not text:
        return text
    paragraphs = re.split(r"\n\s*\n", inspect.cleandoc(text))
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


class _PlainHelp:
    """Help as a reader wants it: paragraphs unwrapped, no Python types beside the options."""

    help: str | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _unwrapped(self.help)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _plain_help(self.get_params(ctx))  # type: ignore[attr-defined]
        super().format_help(ctx, formatter)  # type: ignore[misc]


class Command(_PlainHelp, TyperCommand):
    pass


class Group(_PlainHelp, TyperGroup):
    pass

