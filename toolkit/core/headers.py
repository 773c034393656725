"""Finding a table's header row: the one scanner every reader of a sheet uses.

People type headers with blanks, full-width letters, a required-mark (*, （必填）)
or a trailing colon, and put a title or a blank row above them. A header is
matched by its ``header_key``; the header row is the row, among the first few,
that names the most known columns.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence

from toolkit.core.values import fold

HEADER_SCAN_ROWS = 10


@functools.lru_cache(maxsize=4096)
def _header_key(text: str) -> str:
    folded = fold(text)
    return re.sub(r"[*＊]|[(（]必填[)）]|[:：]$", "", folded)


def find_sheet(names: Sequence[str], name: str) -> str | None:
    """The real name of a sheet, matched as headers are (blanks, width); None when absent."""
    return {header_key(n): n for n in names}.get(header_key(name))


def header_key(text: object) -> str:
    """Header text as matched: no blanks, no required-marks, folded width."""
    if text is None:
        return ""
    return _header_key(str(text))


def scan_header(rows: Sequence[Sequence[object]], wanted: Mapping[str, str], *,
                scan_rows: int = HEADER_SCAN_ROWS, first_col: int = 0) -> tuple[int, dict[str, int]]:
    """The header row (0-based) and where each known column is.

    ``wanted`` maps header text to our column key (several headers, e.g. the
    names older versions used, may map to one key; the first found wins).
    Columns count from ``first_col``. With no known header, (0, {}).
    """
    wanted = {header_key(h): key for h, key in wanted.items()}
    best_row, best = 0, {}
    for r, row in enumerate(rows[:scan_rows]):
        found: dict[str, int] = {}
        for c, value in enumerate(row, start=first_col):
            key = wanted.get(header_key(value))
            if key and key not in found:
                found[key] = c
        if len(found) > len(best):
            best_row, best = r, found
    return best_row, best
