"""How a branch is recognised across files, cycles and 汇总表s: the one identity key.

支部编号 first (numbers survive renamings), 党组织名称 second (names survive a
renumbered 支部名册). Both are compared width-folded and without blanks, so
"办公室 党支部" and "办公室党支部", "ZB01" and "ＺＢ０１" are the same branch.
"""

from __future__ import annotations

from toolkit.core.values import clean_text, fold


def name_key(name: object) -> str:
    """党组织名称 as matched: width-folded, no blanks (办公室 党支部 = 办公室党支部)."""
    return fold(clean_text(name)) if name else ""


def id_key(branch_id: object) -> str:
    """支部编号 as matched: width-folded, no blanks, one case."""
    return fold(clean_text(branch_id)) if branch_id else ""


def branch_key(branch_id: object, org_name: object, fallback: str = "") -> str:
    """The one key of a branch: by 支部编号 when it has one, else by name (or ``fallback``, e.g. its file)."""
    if id_key(branch_id):
        return "id:" + id_key(branch_id)
    return "name:" + name_key(org_name or fallback)


def branch_keys(branch_id: object, org_name: object) -> list[str]:
    """Every key a branch can be found under: its 支部编号, then its name (for records that lack one)."""
    keys = []
    if id_key(branch_id):
        keys.append("id:" + id_key(branch_id))
    if name_key(org_name):
        keys.append("name:" + name_key(org_name))
    return keys
