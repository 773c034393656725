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

from toolkit.branch.read import read_branch, sheet_rows
from toolkit.core.headers import find_sheet, scan_header
from toolkit.core.keys import branch_key, id_key, name_key
from toolkit.core.values import BadValue, cell_text, clean_name, fold, is_blank, parse_date, parse_deadline
from toolkit.errors import InputError, WorkbookError
from toolkit.io.container import open_summary  # the summary, opened as file safety checks it
from toolkit.io.inputs import workbook_files  # the one walker of folders and zips
from toolkit.schema.summary import LEDGER, PROBLEMS

SUMMARY_PROBLEMS = PROBLEMS.name
SUMMARY_MEASURES = LEDGER.name

# The columns read back from a previous 汇总表 (headers and their aliases: schema.summary).
_PROBLEM_KEYS = ("branch_id", "org_name", "pid", "level", "owner", "category", "summary", "detail")
_MEASURE_KEYS = ("branch_id", "org_name", "pid", "measure", "owner", "deadline", "status", "done_date",
                 "evidence", "closed_date")


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
        self._by_id = {id_key(b.branch_id): b for b in self.branches if b.branch_id}
        self._by_name = {name_key(b.org_name): b for b in self.branches if b.org_name}

    def add(self, branch: PrevBranch) -> None:
        self.branches.append(branch)
        self._index()

    def find(self, branch_id: str | None, org_name: str | None) -> PrevBranch | None:
        """The previous record of a branch: by 支部编号, then by 党组织名称."""
        if branch_id and id_key(branch_id) in self._by_id:
            return self._by_id[id_key(branch_id)]
        if org_name:
            return self._by_name.get(name_key(org_name))
        return None




def is_summary_workbook(path: Path) -> bool:
    try:
        wb = open_summary(path)
    except WorkbookError:
        return False
    try:
        return find_sheet(wb.sheet_names, SUMMARY_PROBLEMS) is not None
    finally:
        wb.close()


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
    key = branch_key(branch.branch_id, branch.org_name)
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


def _table(wb, sheet, keys: tuple[str, ...]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Rows of a summary sheet keyed by our column keys, with the Excel row as ``_row``."""
    real = find_sheet(wb.sheet_names, sheet.name)
    if real is None:
        return [], {}
    rows = sheet_rows(wb, real, 1_000_000)
    header_at, cols = scan_header(rows, sheet.wanted(keys))
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
        problems, pcols = _table(wb, PROBLEMS, _PROBLEM_KEYS)
        measures, _ = _table(wb, LEDGER, _MEASURE_KEYS)
    finally:
        wb.close()
    if "pid" not in pcols or "summary" not in pcols:
        raise InputError(f"{shown} 的“{SUMMARY_PROBLEMS}”缺少“问题编号”或“问题概述”列，无法作为上期汇总表读取")
    branches: dict[str, PrevBranch] = {}

    def branch_of(row) -> PrevBranch:
        bid, name = cell_text(row.get("branch_id")), cell_text(row.get("org_name"))
        key = branch_key(bid, name)
        if key not in branches:
            branches[key] = PrevBranch(branch_id=bid, org_name=name, source=shown)
        return branches[key]

    for row in problems:
        branch_of(row).problems.append({
            "pid": cell_text(row.get("pid")), "level": cell_text(row.get("level")) or None,
            "owner": clean_name(row["owner"]) if not is_blank(row.get("owner")) else None,
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
