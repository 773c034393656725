"""Reminder notices (催办) from a 汇总表.xlsx: one per branch that has something to do.

Something to do means: the branch has not reported (未报送), or one of its
measures is past its 整改时限 and not finished, or falls due within 10 days.
Finished measures (已完成, or closed by the committee: 党委销号 / 销号日期)
and 长期坚持 measures are never chased. Each notice is written twice: as a
GB/T 9704 styled .docx to print or file, and as plain .txt to paste into a
messaging group, which is how most reminders actually reach a secretary.

This module only decides who is reminded of what and words it; the files are
written by writers/notices.py, wired by workflows/remind.py.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.branch.read import sheet_rows
from toolkit.core.headers import find_sheet, scan_header
from toolkit.core.keys import branch_key
from toolkit.core.status import DUE_SOON_DAYS, ST_DUE_SOON, ST_OVERDUE, measure_status
from toolkit.core.values import BadValue, cell_text, clean_text, format_date, is_blank, parse_deadline
from toolkit.errors import InputError
from toolkit.io.container import open_summary_input
from toolkit.schema.summary import LEDGER, MISSING, OVERVIEW

_LEDGER_KEYS = ("branch_id", "org_name", "pid", "summary", "measure", "owner", "deadline", "status", "done_date",
                "closed_date", "closed_by_committee")
_MISSING_KEYS = ("branch_id", "org_name", "note")


@dataclass
class Item:
    pid: str
    summary: str
    measure: str
    owner: str
    deadline: dt.date
    days: int  # days left (negative: days overdue)


@dataclass
class Notice:
    branch_id: str
    org_name: str
    unreported: str = ""  # why the branch counts as not reported; "" when it reported
    overdue: list[Item] = field(default_factory=list)
    due_soon: list[Item] = field(default_factory=list)
    text: str = ""
    docx: Path | None = None
    txt: Path | None = None

    @property
    def name(self) -> str:
        return self.org_name or self.branch_id


@dataclass
class RemindResult:
    as_of: dt.date
    notices: list[Notice]
    meeting: str  # e.g. 2023年度组织生活会, from 总览


def _rows(wb, sheet, keys: tuple[str, ...], must: str) -> list[dict[str, Any]]:
    """A 汇总表 sheet's rows keyed by our column keys (headers and aliases: schema.summary)."""
    real = find_sheet(wb.sheet_names, sheet.name)
    if real is None:
        return []
    rows = sheet_rows(wb, real, 2_000_000)
    at, cols = scan_header(rows, sheet.wanted(keys))
    if must not in cols:
        return []
    return [{k: (row[c] if c < len(row) else None) for k, c in cols.items()} for row in rows[at + 1:]]


def _closed_by_committee(row: dict[str, Any]) -> bool:
    # The committee's closure counts even when the branch never updated its row.
    return not is_blank(row.get("closed_by_committee")) or not is_blank(row.get("closed_date"))


def _is_branch_row(bid: str, name: str, note: str) -> bool:
    """A 未报送 row names a branch by its name, or by its 支部编号 with why it is listed.

    Anything else is a note written into the sheet (older versions put "未提供周期设置表…"
    under 支部编号): never a branch, never a notice named after a sentence.
    """
    return bool(name) or bool(bid and note)


def _deadline(value: Any) -> dt.date | str | None:
    if is_blank(value):
        return None
    try:
        return parse_deadline(value)
    except BadValue:
        return None


def read_reminders(summary_path: str | os.PathLike, as_of: dt.date) -> RemindResult:
    """Who has something to do as of a date, from a 汇总表.xlsx."""
    ledger, missing, meeting = _read_summary(Path(summary_path))
    notices: dict[str, Notice] = {}

    def notice_for(bid: str, name: str) -> Notice:
        key = branch_key(bid, name)
        if key not in notices:
            notices[key] = Notice(branch_id=bid, org_name=name)
        return notices[key]

    for row in missing:
        bid, name, note = (cell_text(row.get(k)) for k in _MISSING_KEYS)
        if _is_branch_row(bid, name, note):
            notice_for(bid, name).unreported = note or "未收到填报表"
    for row in ledger:
        bid, name = cell_text(row.get("branch_id")), cell_text(row.get("org_name"))
        item, state = _open_item(row, as_of)
        if item is not None and (bid or name):
            n = notice_for(bid, name)
            (n.overdue if state == ST_OVERDUE else n.due_soon).append(item)
    result = [n for n in notices.values() if n.unreported or n.overdue or n.due_soon]
    for n in result:
        n.overdue.sort(key=lambda i: (i.deadline, i.pid))
        n.due_soon.sort(key=lambda i: (i.deadline, i.pid))
        n.text = notice_text(n, as_of, meeting)
    return RemindResult(as_of=as_of, notices=result, meeting=meeting)


def _read_summary(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """整改总台账 and 未报送 rows, and the meeting named in 总览's title."""
    wb = open_summary_input(path)
    try:
        if find_sheet(wb.sheet_names, LEDGER.name) is None or find_sheet(wb.sheet_names, MISSING.name) is None:
            raise InputError(f"{path.name} 不是 orglife collect 生成的汇总表（缺少“{LEDGER.name}”"
                             f"或“{MISSING.name}”工作表）")
        ledger = _rows(wb, LEDGER, _LEDGER_KEYS, "pid")
        missing = _rows(wb, MISSING, _MISSING_KEYS, "org_name")
        real_overview = find_sheet(wb.sheet_names, OVERVIEW.name)
        overview = sheet_rows(wb, real_overview, 1) if real_overview else []
    finally:
        wb.close()
    meeting = ""
    if overview and overview[0] and not is_blank(overview[0][0]):
        meeting = clean_text(overview[0][0]).removesuffix("汇总")
    return ledger, missing, meeting


def _open_item(row: dict[str, Any], as_of: dt.date) -> tuple[Item | None, str]:
    """The ledger row as an item to chase (overdue or due soon), else None."""
    if _closed_by_committee(row):
        return None, ""
    deadline = _deadline(row.get("deadline"))
    # the same classification as 整改总台账's status column
    state = measure_status(deadline, cell_text(row.get("status")) or None, not is_blank(row.get("done_date")), as_of)
    if state not in (ST_OVERDUE, ST_DUE_SOON):
        return None, state
    item = Item(pid=cell_text(row.get("pid")), summary=cell_text(row.get("summary")),
                measure=cell_text(row.get("measure")), owner=cell_text(row.get("owner")),
                deadline=deadline, days=(deadline - as_of).days)
    return item, state


_NUM = "一二三四五六七八九十"


def _item_line(k: int, item: Item) -> str:
    what = f"问题{item.pid}" + (f"“{item.summary}”" if item.summary else "")
    when = (f"已逾期{-item.days}天" if item.days < 0 else "今天到期" if item.days == 0
            else f"还剩{item.days}天")
    owner = f"责任人：{item.owner}，" if item.owner else ""
    return f"{k}.{what}：{item.measure}（{owner}整改时限：{format_date(item.deadline)}，{when}）。"


def notice_sections(n: Notice, meeting: str) -> list[tuple[str, list[str]]]:
    """(heading, lines) of a notice, shared by the .txt and the .docx."""
    sections = []
    if n.unreported:
        what = f"{meeting}材料" if meeting else "组织生活会材料"
        # "未收到填报表" only repeats the heading; a refused file is worth naming.
        body = ("请尽快填写并报送。" if n.unreported == "未收到填报表"
                else f"{n.unreported.rstrip('。')}。请按要求重新填报并报送。")
        sections.append((f"尚未报送{what}（支部填报表）。", [body]))
    if n.overdue:
        sections.append((f"已超过整改时限尚未完成的整改措施{len(n.overdue)}条：",
                         [_item_line(k, i) for k, i in enumerate(n.overdue, start=1)]))
    if n.due_soon:
        sections.append((f"{DUE_SOON_DAYS}天内到期的整改措施{len(n.due_soon)}条：",
                         [_item_line(k, i) for k, i in enumerate(n.due_soon, start=1)]))
    if len(sections) == 1:  # a lone "一、" promises a "二、" that never comes
        return sections
    return [(f"{_NUM[i]}、{head}", lines) for i, (head, lines) in enumerate(sections)]


def closing(n: Notice) -> str:
    if n.overdue or n.due_soon:
        return ("请对照整改台账抓紧推进，完成后在整改台账中更新完成状态、完成日期和整改成效及佐证，"
                "并重新报送填报表。")
    return ""  # the unreported item already says what to do


def notice_text(n: Notice, as_of: dt.date, meeting: str, sender: str = "") -> str:
    lines = [f"【催办提醒】{n.name}：", f"截至{format_date(as_of)}，你支部有以下事项需要办理："]
    for head, body in notice_sections(n, meeting):
        lines.append(head)
        lines.extend(body)
    if closing(n):
        lines.append(closing(n))
    if sender:
        lines.append(sender)
    lines.append(format_date(as_of))
    return "\n".join(lines) + "\n"


def meeting_kind(meeting: str) -> str:
    """"2023年度民主生活会" -> "民主生活会": the title names the kind of meeting this round is."""
    for kind in ("专题组织生活会", "民主生活会", "组织生活会"):
        if kind in (meeting or ""):
            return kind
    return "组织生活会"
