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


# A stray NUL byte in the raw text, made visible (PostgreSQL cannot store NUL in text): U+2400
# SYMBOL FOR NULL.
NUL_MARK = "\u2400"
# Text with a few NUL bytes is text; binary data has many (a PNG header alone has 4 in 16).
STRAY_NUL_SHARE = 0.01
STRAY_NULS = 8  # however short the text


def _utf16_without_bom(data: bytes, head: bytes) -> tuple[str, str] | None:
    """UTF-16 text saved without a byte-order mark: one byte of every two is NUL, always the
    same one (ASCII letters). Decoded only when the result reads as text."""
    pairs = len(head) // 2
    if pairs < 8:
        return None
    odd = head[1 : 2 * pairs : 2].count(0) / pairs
    even = head[0 : 2 * pairs : 2].count(0) / pairs
    if odd > 0.6 and even < 0.1:
        encoding = "utf-16-le"
    elif even > 0.6 and odd < 0.1:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data[: len(data) - len(data) % 2].decode(encoding)
    except UnicodeDecodeError:
        return None
    sample = text[:4096]
    readable = sum(ch.isprintable() or ch in "\t\n\r\f" for ch in sample)
    return (text, encoding) if readable / max(1, len(sample)) > 0.95 else None


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
    nuls = head.count(b"\x00")
    if nuls:
        wide = _utf16_without_bom(data, head)
        if wide is not None:
            return wide
        if nuls > STRAY_NULS and nuls / len(head) > STRAY_NUL_SHARE:
            raise NotText("binary data (NUL bytes), not a text document")
        # a few stray NULs in text (a careless export) are text still: each becomes NUL_MARK,
        # which the cleaner drops from the article and notes among its removed pieces
    if head and sum(head.count(bytes([c])) for c in _CONTROL) / len(head) > 0.05:
        raise NotText("binary data (control bytes), not a text document")
    text, encoding = _decode_text(data)
    return text.replace("\x00", NUL_MARK), encoding


def _decode_text(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"
