"""Bytes to text: BOMs, UTF-8, legacy Windows/Latin encodings, and refusing binary data."""

from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters other than tab, newline, form feed and carriage return; a text file has
# (almost) none, a binary file many.
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13))


class NotText(ValueError):
    """The bytes are not a text document (binary, or undecodable)."""


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Raise NotText for binary data.

    Order: a BOM decides; then strict UTF-8; then cp1252, the usual encoding of Western news
    pages saved on Windows; then Latin-1, which cannot fail. cp1252 before Latin-1 because the
    bytes 0x80-0x9F are curly quotes and dashes in real articles, not C1 control codes.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise NotText(
                    f"has a {encoding} byte-order mark but does not decode: {exc}"
                ) from exc
    head = data[:8192]
    if b"\x00" in head:
        raise NotText("binary data (NUL bytes), not a text document")
    if head and sum(head.count(bytes([c])) for c in _CONTROL) / len(head) > 0.05:
        raise NotText("binary data (control bytes), not a text document")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"
