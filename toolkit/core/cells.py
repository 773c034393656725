"""A1 cell references."""

from __future__ import annotations

import re

_A1 = re.compile(r"^([A-Z]{1,3})([1-9][0-9]*)$")


def col_letter(col: int) -> str:
    """1 -> A, 27 -> AA."""
    if col < 1:
        raise ValueError(f"column must be >= 1, got {col}")
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """A -> 1, AA -> 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def a1(row: int, col: int) -> str:
    return f"{col_letter(col)}{row}"


def parse_a1(ref: str) -> tuple[int, int]:
    m = _A1.match(ref.upper())
    if not m:
        raise ValueError(f"not an A1 reference: {ref!r}")
    return int(m.group(2)), col_index(m.group(1))


def qualified(sheet: str, ref: str) -> str:
    """"问题清单", "C7" -> "问题清单!C7"."""
    return f"{sheet}!{ref}" if ref else sheet
