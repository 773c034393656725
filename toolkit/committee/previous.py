"""The previous meeting cycle, as far as the next cycle needs it.

A committee keeps the previous cycle either as the branch workbooks it
collected (a folder or a .zip) or as the 汇总表.xlsx that ``collect`` wrote.
Both become the same records: per branch, its problems and its measures with
their status. ``carry`` fills 上次整改情况 from them; the repeated-problem check
compares this cycle's problems against them.

Branches are matched across cycles by 支部编号 first and 党组织名称 second:
numbers survive renamings, names survive a renumbered 支部名册.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import InputError, WorkbookError
from toolkit.branch.read import header_key, read_branch, sheet_rows
from toolkit.io.container import open_summary, open_summary_input  # the summary, opened as file safety checks it
from toolkit.io.inputs import workbook_files  # the one walker of folders and zips
from toolkit.core.values import (BadValue, cell_text, clean_name, clean_text, fold, is_blank, parse_date,
                            parse_deadline)

SUMMARY_PROBLEMS = "问题总表"
SUMMARY_MEASURES = "整改总台账"

# Column headers of the summary workbook's sheets, by our key. The first
# header is what consolidate writes; the others are names people rename to.
_SUMMARY_HEADERS: dict[str, tuple[str, ...]] = {
    "branch_id": ("支部编号",),
    "org_name": ("党组织名称", "支部名称", "支部"),
    "pid": ("问题编号",),
    "level": ("层级",),
    "owner_problem": ("责任主体",),
    "category": ("问题类别",),
    "summary": ("问题概述",),
    "detail": ("具体表现",),
    "measure": ("整改措施",),
    "owner": ("责任人",),
    "deadline": ("整改时限",),
    "status": ("完成状态",),
    "done_date": ("完成日期",),
    "evidence": ("整改成效及佐证", "整改成效"),
    "closed_date": ("销号日期",),
}


@dataclass
class PrevBranch:
    """One branch of the previous cycle: problems and measures as column-key dicts."""

    branch_id: str
    org_name: str
    source: str
    problems: list[dict[str, Any]] = field(default_factory=list)
    measures: list[dict[str, Any]] = field(default_factory=list)

    def measures_of(self, pid: str) -> list[dict[str, Any]]:
        return [m for m in self.measures if m.get("pid") == pid]


@dataclass
class PreviousCycle:
    branches: list[PrevBranch] = field(default_factory=list)
    # What was read and what was left out, in Chinese, for the command to show.
    notes: list[str] = field(default_factory=list)
    files_read: int = 0

    def __post_init__(self) -> None:
        self._index()

    def _index(self) -> None:
        self._by_id = {b.branch_id: b for b in self.branches if b.branch_id}
        self._by_name = {branch_key_name(b.org_name): b for b in self.branches if b.org_name}

    def add(self, branch: PrevBranch) -> None:
        self.branches.append(branch)
        self._index()

    def find(self, branch_id: str | None, org_name: str | None) -> PrevBranch | None:
        """The previous record of a branch: by 支部编号, then by 党组织名称."""
        if branch_id and branch_id in self._by_id:
            return self._by_id[branch_id]
        if org_name:
            return self._by_name.get(branch_key_name(org_name))
        return None


def branch_key_name(name: str | None) -> str:
    """党组织名称 as matched: width-folded, no blanks (办公室 党支部 = 办公室党支部)."""
    return fold(clean_text(name)) if name else ""


def is_summary_workbook(path: Path) -> bool:
    try:
        wb = open_summary(path)
    except WorkbookError:
        return False
    try:
        names = {header_key(n) for n in wb.sheet_names}
    finally:
        wb.close()
    return header_key(SUMMARY_PROBLEMS) in names


def load_previous(paths: Iterable[str | os.PathLike]) -> PreviousCycle:
    """Read the previous cycle from branch workbooks (files, folders, zips) or 汇总表.xlsx."""
    cycle = PreviousCycle()
    chosen: dict[str, tuple[PrevBranch, float]] = {}
    with ExitStack() as stack:
        for path, shown in workbook_files(paths, stack, lambda f, why: cycle.notes.append(f"{f}：未读取（{why}）")):
            if is_summary_workbook(path):
                for branch in read_summary(path, shown):
                    _keep(cycle, chosen, branch, float("inf"), shown)
                cycle.files_read += 1
                continue
            try:
                branch = read_previous_branch(path, shown)
            except WorkbookError as exc:
                cycle.notes.append(f"{shown}：未读取（{exc}）")
                continue
            cycle.files_read += 1
            _keep(cycle, chosen, branch, path.stat().st_mtime, shown)
    for branch, _ in chosen.values():
        cycle.branches.append(branch)
    cycle._index()
    if not cycle.branches:
        raise InputError("没有读到上一周期的支部填报表或汇总表（问题总表），请检查路径")
    return cycle


def _keep(cycle: PreviousCycle, chosen: dict, branch: PrevBranch, stamp: float, shown: str) -> None:
    """One record per branch; a later submission replaces an earlier one, said out loud."""
    key = branch.branch_id or "名称:" + branch_key_name(branch.org_name)
    if key in chosen:
        old, old_stamp = chosen[key]
        keep, drop = (branch, old) if stamp >= old_stamp else (old, branch)
        cycle.notes.append(f"{branch.org_name or branch.branch_id}：有多份上期材料，使用 {keep.source}，"
                           f"未使用 {drop.source}")
        chosen[key] = (keep, max(stamp, old_stamp))
    else:
        chosen[key] = (branch, stamp)


def read_previous_branch(path: Path, shown: str = "") -> PrevBranch:
    branch = read_branch(path)
    problems = [{k: v for k, v in r.items() if k != "_row"} for r in branch.rows("problems")]
    measures = [{k: v for k, v in r.items() if k != "_row"} for r in branch.rows("measures")]
    return PrevBranch(branch_id=branch.meta.get("支部编号", "") or "",
                      org_name=branch.info.get("org_name") or "",
                      source=shown or path.name, problems=problems, measures=measures)


def _table(wb, sheet: str) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Rows of a summary sheet keyed by our column keys, with the Excel row as ``_row``."""
    real = {header_key(n): n for n in wb.sheet_names}.get(header_key(sheet))
    if real is None:
        return [], {}
    rows = sheet_rows(wb, real, 1_000_000)
    wanted = {header_key(h): key for key, heads in _SUMMARY_HEADERS.items() for h in heads}
    header_at, cols = 0, {}
    for r, row in enumerate(rows[:10]):
        found = {}
        for c, value in enumerate(row):
            key = wanted.get(header_key(value))
            if key and key not in found:
                found[key] = c
        if len(found) > len(cols):
            header_at, cols = r, found
    out = []
    for r, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        record = {k: (row[c] if c < len(row) else None) for k, c in cols.items()}
        if all(is_blank(v) for v in record.values()):
            continue
        record["_row"] = r
        out.append(record)
    return out, cols


def _date(value: Any) -> dt.date | None:
    if is_blank(value):
        return None
    try:
        return parse_date(value)
    except BadValue:
        return None


def _deadline(value: Any) -> dt.date | str | None:
    if is_blank(value):
        return None
    try:
        return parse_deadline(value)
    except BadValue:
        return cell_text(value)


def read_summary(path: Path, shown: str = "") -> list[PrevBranch]:
    """Branches of a previous 汇总表.xlsx (问题总表 and 整改总台账)."""
    shown = shown or path.name
    wb = open_summary(path)
    try:
        problems, pcols = _table(wb, SUMMARY_PROBLEMS)
        measures, _ = _table(wb, SUMMARY_MEASURES)
    finally:
        wb.close()
    if "pid" not in pcols or "summary" not in pcols:
        raise InputError(f"{shown} 的“{SUMMARY_PROBLEMS}”缺少“问题编号”或“问题概述”列，无法作为上期汇总表读取")
    branches: dict[tuple[str, str], PrevBranch] = {}

    def branch_of(row) -> PrevBranch:
        bid, name = cell_text(row.get("branch_id")), cell_text(row.get("org_name"))
        key = (bid, branch_key_name(name) if not bid else "")
        if key not in branches:
            branches[key] = PrevBranch(branch_id=bid, org_name=name, source=shown)
        return branches[key]

    for row in problems:
        branch_of(row).problems.append({
            "pid": cell_text(row.get("pid")), "level": cell_text(row.get("level")) or None,
            "owner": clean_name(row["owner_problem"]) if not is_blank(row.get("owner_problem")) else None,
            "category": cell_text(row.get("category")) or None, "summary": cell_text(row.get("summary")),
            "detail": cell_text(row.get("detail")) or None,
        })
    for row in measures:
        status = cell_text(row.get("status")) or None
        branch_of(row).measures.append({
            "pid": cell_text(row.get("pid")), "measure": cell_text(row.get("measure")),
            "owner": cell_text(row.get("owner")) or None, "deadline": _deadline(row.get("deadline")),
            "status": status, "done_date": _date(row.get("done_date")),
            "evidence": cell_text(row.get("evidence")) or None, "closed_date": _date(row.get("closed_date")),
        })
    return list(branches.values())


_PUNCT = re.compile(r"[\W_]+")


def text_key(text: str | None) -> str:
    """Text as compared across cycles: folded, without blanks and punctuation."""
    return _PUNCT.sub("", fold(text or ""))
