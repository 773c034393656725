"""The committee's cycle workbook, read and checked, and what each branch receives from it.

Pure reading and computing: ``workflows/distribute.py`` writes the workbooks.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.branch.read import read_records
from toolkit.branch.validate import required_cells
from toolkit.core.values import fold
from toolkit.errors import InputError, IssueCode, Report, WorkbookError
from toolkit.messages import issue
from toolkit.schema.content import Content, branch_meta
from toolkit.schema.workbooks import (
    CYCLE_BRANCHES,
    CYCLE_KIND,
    CYCLE_MEMBERS,
    CYCLE_SECTIONS,
    CYCLE_SHEETS,
    DEFAULT_CATEGORIES,
    Section,
)

# 基本设置 fields copied into each branch's 基本信息
SHARED_INFO = ("superior", "meeting_type", "year", "theme", "basis_title", "basis_number")


@dataclass
class Cycle:
    """A meeting cycle as the committee set it up."""

    path: str
    info: dict[str, Any]
    branches: list[dict[str, Any]]
    members: list[dict[str, Any]]
    categories: tuple[str, ...]
    report: Report
    sections: tuple[Section, ...] = ()  # 专项剖析项目: (项目名称, 填写提示)

    @property
    def cycle_id(self) -> str:
        return self.info.get("cycle_id") or default_cycle_id(self.info)

    def members_of(self, org_name: str) -> list[dict[str, Any]]:
        # folded: 办公室 党支部 typed in 党员名册 is 办公室党支部 of 支部名册
        wanted = fold(org_name or "")
        return [m for m in self.members if fold(m.get("org_name") or "") == wanted]


def default_cycle_id(info: dict[str, Any]) -> str:
    year = info.get("year") or dt.date.today().year
    kind = {"组织生活会": "ZZ", "专题组织生活会": "ZT", "民主生活会": "MZ"}.get(info.get("meeting_type") or "", "ZZ")
    return f"{year}-{kind}"


def load_cycle(path: str | os.PathLike) -> Cycle:
    """Read and check the cycle workbook; raise InputError listing every problem."""
    path = Path(path)
    try:
        records = read_records(path, CYCLE_SHEETS, CYCLE_KIND)
    except WorkbookError as exc:
        raise InputError(str(exc)) from exc
    issues = list(records.issues) + list(required_cells(records, CYCLE_SHEETS))
    branches = records.rows(CYCLE_BRANCHES.key)
    first: dict[str, str] = {}
    for row in branches:
        bid = row.get("branch_id")
        if not bid:
            continue
        cell = records.cell(CYCLE_BRANCHES.key, row, "branch_id")
        if bid in first:
            issues.append(issue(IssueCode.DUPLICATE_BRANCH_ID, CYCLE_BRANCHES.name, cell, bid,
                                first=first[bid]))
        else:
            first[bid] = cell
    known = {fold(b.get("org_name") or "") for b in branches}
    for row in records.rows(CYCLE_MEMBERS.key):
        org = row.get("org_name")
        if org and fold(org) not in known:
            issues.append(issue(IssueCode.MEMBER_OF_UNKNOWN_BRANCH, CYCLE_MEMBERS.name,
                                records.cell(CYCLE_MEMBERS.key, row, "org_name"), org))
    report = Report(path=str(path), issues=issues)
    if report.errors:
        lines = "\n".join(f"  【错误】{i.location}  {i.message}" for i in report.errors)
        raise InputError(f"周期设置表 {path.name} 有 {len(report.errors)} 个错误：\n{lines}")
    cats = tuple(r["category"] for r in records.rows("categories") if r.get("category"))
    sections = tuple((r["name"], r.get("prompt") or "") for r in records.rows(CYCLE_SECTIONS.key) if r.get("name"))
    return Cycle(path=str(path), info=records.info, branches=branches,
                 members=records.rows(CYCLE_MEMBERS.key), categories=cats or DEFAULT_CATEGORIES,
                 report=report, sections=sections)


def shared_settings(cycle: Cycle) -> Content:
    """What a blank branch workbook takes from the cycle: shared settings, cycle id, categories."""
    return Content(info={k: cycle.info.get(k) for k in SHARED_INFO},
                   meta=branch_meta(cycle.cycle_id), categories=cycle.categories,
                   sections=cycle.sections)


def branch_content(cycle: Cycle, branch: dict[str, Any]) -> Content:
    """What a branch receives: cycle settings, its name and ids, its roster."""
    info = {k: cycle.info.get(k) for k in SHARED_INFO}
    info["org_name"] = branch["org_name"]
    roster = [{"seq": i, "name": m["name"], "gender": m.get("gender"), "role": m.get("role") or "党员",
               "category": m.get("category") or "正式党员"}
              for i, m in enumerate(cycle.members_of(branch["org_name"]), start=1)]
    return Content(info=info, tables={"members": roster},
                   meta=branch_meta(cycle.cycle_id, branch.get("branch_id") or ""),
                   categories=cycle.categories, sections=cycle.sections)


def lower_cycle_content(cycle: Cycle, committee: dict[str, Any]) -> Content:
    """What a lower committee (支部名册 类型 党委/党总支) receives: its own 周期设置 with the same
    cycle id, theme, deadline, categories and 专项剖析 items, its own name as the committee
    running it, its contact from the higher roster's row, and its 支部名册 and 党员名册 left
    for it to fill."""
    info = {k: cycle.info.get(k) for k in (*SHARED_INFO, "deadline")}
    info["superior"] = committee["org_name"]
    info["cycle_id"] = cycle.cycle_id
    # its own 通知 names its own contact: the one the higher roster lists for it
    info["contact"], info["phone"] = committee.get("contact"), committee.get("phone")
    tables = {CYCLE_BRANCHES.key: [], CYCLE_MEMBERS.key: [],
              "categories": [{"category": c} for c in cycle.categories],
              CYCLE_SECTIONS.key: [{"name": n, "prompt": p} for n, p in cycle.sections]}
    return Content(info=info, tables=tables)
