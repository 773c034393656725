"""Carry rectification forward: next cycle's workbooks with 上次整改情况 filled.

Each branch of the new cycle gets the workbook ``distribute`` would give it,
plus one 上次整改情况 row per previous measure (a problem without measures
gets one row of its own), so the 对照检查材料's first section can say what was
finished and what is still open. Anything not 已完成 stays visibly open:
a blank status becomes 未启动 rather than disappearing.

This module decides what each book holds; workflows/carry.py writes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.committee.cycle import Cycle, branch_content
from toolkit.committee.previous import PrevBranch, PreviousCycle
from toolkit.core.values import format_date
from toolkit.io.fsutil import safe_filename
from toolkit.schema.workbooks import LONG_TERM, PREVIOUS

DONE = "已完成"
NOT_STARTED = "未启动"


@dataclass
class CarryResult:
    written: list[Path] = field(default_factory=list)
    carried: dict[str, int] = field(default_factory=dict)  # 党组织名称 -> rows carried
    open_items: dict[str, int] = field(default_factory=dict)  # 党组织名称 -> rows not 已完成
    without_previous: list[str] = field(default_factory=list)  # new branches with no previous record
    previous_unused: list[str] = field(default_factory=list)  # previous branches not in the new cycle
    notes: list[str] = field(default_factory=list)


def carried_status(measure: dict[str, Any] | None) -> str:
    """What 完成状态 the next cycle shows for a previous measure."""
    if measure is None:
        return NOT_STARTED  # a problem nobody wrote a measure for was not rectified
    status = measure.get("status")
    if status == DONE or measure.get("closed_date"):
        return DONE  # a committee 销号 means done even if the branch never updated the row
    if status in (LONG_TERM, "推进中", NOT_STARTED):
        return status
    return NOT_STARTED


def _effect(measure: dict[str, Any] | None) -> str | None:
    if measure is None:
        return None
    parts = []
    if measure.get("evidence"):
        parts.append(str(measure["evidence"]))
    if measure.get("done_date") and measure.get("status") == DONE:
        parts.append(f"{format_date(measure['done_date'])}完成")
    if measure.get("closed_date"):
        parts.append(f"{format_date(measure['closed_date'])}经上级党组织审核销号")
    return "；".join(parts) or None


def previous_rows(prev: PrevBranch) -> list[dict[str, Any]]:
    """上次整改情况 rows: every previous problem with each of its measures."""
    rows: list[dict[str, Any]] = []
    known = set()
    for problem in prev.problems:
        pid = problem.get("pid") or ""
        known.add(pid)
        base = {"pid": pid or None, "category": problem.get("category"), "summary": problem.get("summary")}
        measures = prev.measures_of(pid) if pid else []
        for m in measures or [None]:
            rows.append({**base, "measure": m.get("measure") if m else None,
                         "status": carried_status(m), "effect": _effect(m)})
    # Measures whose 问题编号 matched no problem still happened: carry them, not drop them.
    for m in prev.measures:
        if (m.get("pid") or "") not in known:
            rows.append({"pid": m.get("pid"), "category": None, "summary": None, "measure": m.get("measure"),
                         "status": carried_status(m), "effect": _effect(m)})
    return rows


def carried_books(cycle: Cycle, previous: PreviousCycle, result: CarryResult) -> Iterator[tuple[str, Any]]:
    """(file stem, branch content) for every branch of the new cycle, one at a time.

    ``result`` is filled in as the books are made (what was carried, what is
    open, who had no previous record); the caller writes the books and adds
    the paths it wrote.
    """
    used_names: set[str] = set()
    matched: set[int] = set()
    for branch in cycle.branches:
        content = branch_content(cycle, branch)
        prev = previous.find(branch.get("branch_id"), branch.get("org_name"))
        name = branch["org_name"]
        if prev is None:
            result.without_previous.append(name)
            rows = []
        else:
            matched.add(id(prev))
            rows = previous_rows(prev)
        content.tables[PREVIOUS.key] = rows
        result.carried[name] = len(rows)
        result.open_items[name] = sum(1 for r in rows if r["status"] != DONE)
        stem = safe_filename(name)
        if stem in used_names:
            stem = f"{stem}_{safe_filename(branch.get('branch_id') or '')}"
        used_names.add(stem)
        yield stem, content
    result.previous_unused = [b.org_name or b.branch_id for b in previous.branches if id(b) not in matched]
