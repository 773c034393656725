"""Reminder notices (催办) from a 汇总表.xlsx: one per branch that has something to do.

Something to do means: the branch has not reported (未报送), or one of its
measures is past its 整改时限 and not finished, or falls due within 10 days.
Finished measures (已完成, or closed by the committee: 党委销号 / 销号日期)
and 长期坚持 measures are never chased. Each notice is written twice: as a
GB/T 9704 styled .docx to print or file, and as plain .txt to paste into a
messaging group, which is how most reminders actually reach a secretary.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.committee.collect import DUE_SOON_DAYS, ST_DUE_SOON, ST_OVERDUE, measure_status
from toolkit.errors import InputError
from toolkit.io.fsutil import atomic_path, ensure_dir, inside, safe_filename
from toolkit.committee.previous import SUMMARY_MEASURES, branch_key_name, open_summary_input
from toolkit.branch.read import header_key, sheet_rows
from toolkit.core.values import BadValue, cell_text, clean_text, format_date, is_blank, parse_deadline

MISSING_SHEET = "未报送"
OVERVIEW_SHEET = "总览"


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


def _rows(wb, sheet: str, must: str) -> list[dict[str, Any]]:
    real = {header_key(n): n for n in wb.sheet_names}.get(header_key(sheet))
    if real is None:
        return []
    rows = sheet_rows(wb, real, 2_000_000)
    at = next((r for r, row in enumerate(rows[:10]) if any(header_key(v) == must for v in row)), None)
    if at is None:
        return []
    heads = [header_key(h) for h in rows[at]]
    return [{h: (row[i] if i < len(row) else None) for i, h in enumerate(heads) if h}
            for row in rows[at + 1:]]


def _closed_by_committee(row: dict[str, Any]) -> bool:
    # The committee's closure counts even when the branch never updated its row.
    return not is_blank(row.get("党委销号")) or not is_blank(row.get("销号日期"))


def _deadline(value: Any) -> dt.date | str | None:
    if is_blank(value):
        return None
    try:
        return parse_deadline(value)
    except BadValue:
        return None


def read_reminders(summary_path: str | os.PathLike, as_of: dt.date) -> RemindResult:
    """Who has something to do as of a date, from a 汇总表.xlsx."""
    path = Path(summary_path)
    wb = open_summary_input(path)
    try:
        names = {header_key(n) for n in wb.sheet_names}
        if header_key(SUMMARY_MEASURES) not in names or header_key(MISSING_SHEET) not in names:
            raise InputError(f"{path.name} 不是 orglife collect 生成的汇总表（缺少“{SUMMARY_MEASURES}”"
                             f"或“{MISSING_SHEET}”工作表）")
        ledger = _rows(wb, SUMMARY_MEASURES, "问题编号")
        missing = _rows(wb, MISSING_SHEET, "党组织名称")
        real_overview = {header_key(n): n for n in wb.sheet_names}.get(header_key(OVERVIEW_SHEET))
        overview = sheet_rows(wb, real_overview, 1) if real_overview else []
    finally:
        wb.close()
    meeting = ""
    if overview and overview[0] and not is_blank(overview[0][0]):
        meeting = clean_text(overview[0][0]).removesuffix("汇总")

    notices: dict[str, Notice] = {}

    def notice_for(bid: str, name: str) -> Notice:
        key = f"id:{bid}" if bid else f"name:{branch_key_name(name)}"
        if key not in notices:
            notices[key] = Notice(branch_id=bid, org_name=name)
        return notices[key]

    for row in missing:
        bid, name = cell_text(row.get("支部编号")), cell_text(row.get("党组织名称"))
        if not bid and not name:
            continue  # the sheet's note when no 支部名册 was given
        notice_for(bid, name).unreported = cell_text(row.get("情况")) or "未收到填报表"
    for row in ledger:
        if _closed_by_committee(row):
            continue
        deadline = _deadline(row.get("整改时限"))
        # the same classification as 整改总台账's status column
        state = measure_status(deadline, cell_text(row.get("完成状态")) or None,
                               not is_blank(row.get("完成日期")), as_of)
        if state not in (ST_OVERDUE, ST_DUE_SOON):
            continue
        days = (deadline - as_of).days
        item = Item(pid=cell_text(row.get("问题编号")), summary=cell_text(row.get("问题概述")),
                    measure=cell_text(row.get("整改措施")), owner=cell_text(row.get("责任人")),
                    deadline=deadline, days=days)
        n = notice_for(cell_text(row.get("支部编号")), cell_text(row.get("党组织名称")))
        (n.overdue if state == ST_OVERDUE else n.due_soon).append(item)
    result = [n for n in notices.values() if n.unreported or n.overdue or n.due_soon]
    for n in result:
        n.overdue.sort(key=lambda i: (i.deadline, i.pid))
        n.due_soon.sort(key=lambda i: (i.deadline, i.pid))
        n.text = notice_text(n, as_of, meeting)
    return RemindResult(as_of=as_of, notices=result, meeting=meeting)


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


def _closing(n: Notice) -> str:
    if n.overdue or n.due_soon:
        return ("请对照整改台账抓紧推进，完成后在整改台账中更新完成状态、完成日期和整改成效及佐证，"
                "并重新报送填报表。")
    return ""  # the unreported item already says what to do


def notice_text(n: Notice, as_of: dt.date, meeting: str, sender: str = "") -> str:
    lines = [f"【催办提醒】{n.name}：", f"截至{format_date(as_of)}，你支部有以下事项需要办理："]
    for head, body in notice_sections(n, meeting):
        lines.append(head)
        lines.extend(body)
    if _closing(n):
        lines.append(_closing(n))
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


def _write_docx(target: Path, n: Notice, as_of: dt.date, meeting: str, sender: str) -> None:
    from toolkit.writers.docx_format import STYLE, new_gbt9704_document

    doc = new_gbt9704_document()
    doc.add_paragraph(f"关于抓紧办理{meeting_kind(meeting)}有关事项的提醒", style=STYLE.title)
    doc.add_paragraph(f"{n.name}：", style=STYLE.addressee)
    doc.add_paragraph(f"截至{format_date(as_of)}，你支部有以下事项需要办理：", style=STYLE.body)
    sections = notice_sections(n, meeting)
    for head, body in sections:
        # an unnumbered single item is a sentence of the notice, not a 黑体 heading
        doc.add_paragraph(head, style=STYLE.h1 if len(sections) > 1 else STYLE.body)
        for line in body:
            doc.add_paragraph(line, style=STYLE.body)
    if _closing(n):
        doc.add_paragraph(_closing(n), style=STYLE.body)
    doc.add_paragraph("", style=STYLE.body)
    if sender:
        doc.add_paragraph(sender, style=STYLE.signature)
    doc.add_paragraph(format_date(as_of), style=STYLE.signature)
    with atomic_path(target) as tmp:
        doc.save(str(tmp))


def remind(summary_path: str | os.PathLike, out_dir: str | os.PathLike, *, as_of: dt.date | None = None,
           sender: str = "") -> RemindResult:
    """Write <党组织名称>_催办提醒.docx and .txt for every branch with something to do."""
    as_of = as_of or dt.date.today()
    result = read_reminders(summary_path, as_of)
    out_dir = ensure_dir(out_dir)
    used: set[str] = set()
    for n in result.notices:
        n.text = notice_text(n, as_of, result.meeting, sender)
        stem = safe_filename(n.name)
        if stem in used:
            stem = f"{stem}_{safe_filename(n.branch_id)}"
        used.add(stem)
        n.docx = inside(out_dir, f"{stem}_催办提醒.docx")
        n.txt = inside(out_dir, f"{stem}_催办提醒.txt")
        _write_docx(n.docx, n, as_of, result.meeting, sender)
        with atomic_path(n.txt) as tmp:
            # With a BOM, older Windows Notepad opens the text as UTF-8 instead of mangling it.
            tmp.write_text(n.text, encoding="utf-8-sig")
    return result

