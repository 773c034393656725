"""Pure helpers for Chinese document text: numerals, 一是 leads, punctuation, widths.

Everything here takes values and returns strings or numbers; no I/O. The branch
documents (``branch/context.py``) and the committee's 汇总报告 use the same
helpers, so a heading or a list reads the same in every document.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from toolkit.core.values import format_date

_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """Chinese numeral for headings and leads: 1 -> 一, 10 -> 十, 21 -> 二十一, 105 -> 一百零五."""
    if n < 0:
        raise ValueError(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    units = ((1000, "千"), (100, "百"), (10, "十"))
    out, zero = "", False
    for value, name in units:
        digit, n = divmod(n, value)
        if digit:
            if zero:
                out += "零"
            out += _DIGITS[digit] + name
            zero = False
        elif out:
            zero = True
    if n:
        out += ("零" if zero else "") + _DIGITS[n]
    return out


def lead(n: int) -> str:
    """一是 / 二是 … for the n-th point inside a paragraph."""
    return f"{cn_number(n)}是"


_END = "。！？!?…"
_SOFT_END = "；;，,、：:．."


def bare(text: Any) -> str:
    """One-line text that the template continues (a heading, a 一是 lead): no closing punctuation."""
    text = as_text(text)
    return text.rstrip(_END + _SOFT_END + " ")


def sentence(text: Any) -> str:
    """Running text ending in a full stop; lines after the first become paragraphs of their own."""
    text = as_text(text)
    if not text:
        return ""
    lines = [line for line in text.split("\n") if line.strip()]
    last = lines[-1]
    if last[-1] in _SOFT_END:
        last = last[:-1] + "。"
    elif last[-1] not in _END and not last.endswith(("。”", "！”", "？”", "。）")):
        last += "。"
    lines[-1] = last
    # "\a" is docxtpl's paragraph break: the new paragraph keeps this one's style.
    return "\a".join(lines)


def as_text(value: Any) -> str:
    """A cell value as stripped text; a date in the documents' format; None -> ""."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return format_date(value)
    return str(value).strip()


def text_lines(value: Any) -> list[str]:
    """The non-blank lines of a multi-line cell, each stripped."""
    return [line.strip() for line in as_text(value).split("\n") if line.strip()]


def join(items: list[str], sep: str = "、") -> str:
    """Non-empty items joined by 、 (or ``sep``)."""
    return sep.join(i for i in items if i)


def unique(items) -> list[str]:
    """Non-empty items in first-seen order, each once."""
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen


_AGENDA_NUMBER = re.compile(r"^\s*(?:[（(]?[0-9０-９一二三四五六七八九十]+[)）.、．]|[一二三四五六七八九十]+是)\s*")


def strip_numbering(line: str) -> str:
    """An agenda line without the number a person typed before it (1. / （一） / 一是)."""
    return _AGENDA_NUMBER.sub("", line)


# A 二号 title on the 156 mm line holds about 20 full-width characters; a title
# that long or longer wraps wherever the line ends ("…情况的报" / "告").
TITLE_LINE_WIDTH = 19


def title_width(text: str) -> float:
    """Width of a title in full-width characters: ASCII (the year's digits) counts half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


# Where a long title may break besides between its parts: after these words of a theme.
_TITLE_BREAK_AFTER = ("学习贯彻", "思想", "精神", "重要论述", "重要讲话")


def _theme_chunks(text: str) -> list[str]:
    """A long theme cut after words where a title line may end (学习贯彻 / 习近平…思想 / 主题教育)."""
    chunks, start = [], 0
    for i in range(1, len(text)):
        if any(text[start:i].endswith(w) for w in _TITLE_BREAK_AFTER):
            chunks.append(text[start:i])
            start = i
    chunks.append(text[start:])
    return [c for c in chunks if c]


def title_lines(chunks: list[str], width: float = TITLE_LINE_WIDTH + 1) -> list[str]:
    """A title's parts packed into lines of at most ``width``, broken only between parts.

    A part longer than a line (a theme) is cut at the words of _TITLE_BREAK_AFTER
    first; a line never ends inside a word the reader must see whole.
    """
    parts: list[str] = []
    for chunk in (c for c in chunks if c):
        parts.extend(_theme_chunks(chunk) if title_width(chunk) > width else [chunk])
    lines: list[str] = []
    for part in parts:
        if lines and title_width(lines[-1] + part) <= width:
            lines[-1] += part
        else:
            lines.append(part)
    return lines


def category_heading(name: str) -> str:
    """理论学习 -> 理论学习方面; a long 对照 aspect stays as it is."""
    name = bare(name)
    if name.endswith("方面") or len(name) > 8:
        return name
    return name + "方面"
