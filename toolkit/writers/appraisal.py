"""民主评议党员: per-branch counts and the committee's 民主评议情况汇总表.

The rules (预备党员 are not graded; 优秀 normally no more than one third of
those graded) are checked per branch by validate.py; the summary table shows
the counts beside whatever those checks found, so the committee sees both in
one place before reporting upward.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.committee.model import APPRAISALS, CollectResult
from toolkit.core.values import format_date, percent
from toolkit.errors import IssueCode
from toolkit.io.fsutil import atomic_path

GRADES = ("优秀", "合格", "基本合格", "不合格")
NOT_GRADED = APPRAISALS[-1]  # 不评定: probationary members are not graded
BLANK = "未填"
TITLE = "民主评议情况汇总表"  # the file name; the printed title says 民主评议党员
HEADING = "民主评议党员情况汇总表"


def appraisal_counts(members: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Counts of 优秀/合格/基本合格/不合格/不评定/未填 over 参会人员 rows (key ``appraisal``),
    plus 党员人数, 参评人数 (graded) and 预备党员."""
    members = list(members)
    seen = Counter(m.get("appraisal") for m in members)
    counts = {a: seen.get(a, 0) for a in APPRAISALS}
    counts[BLANK] = seen.get(None, 0) + seen.get("", 0)
    counts["党员人数"] = len(members)
    counts["参评人数"] = sum(counts[g] for g in GRADES)
    counts["预备党员"] = sum(1 for m in members if m.get("category") == "预备党员")
    return counts


@dataclass
class AppraisalRow:
    branch_id: str
    org_name: str
    counts: dict[str, int]
    notes: list[str] = field(default_factory=list)

    @property
    def excellent_share(self) -> float | None:
        rated = self.counts.get("参评人数") or sum(self.counts.get(g, 0) for g in GRADES)
        return self.counts.get("优秀", 0) / rated if rated else None


def rows_from_collect(result: CollectResult) -> list[AppraisalRow]:
    """One row per reported branch of a collect result, with the rules' findings as notes.

    At a roll-up, the branches that came in a lower committee's 汇总表 are one row for
    that committee, their counts summed, as the paper goes up a level: a province's
    table would otherwise list 100,000 branches (thousands of pages, and gigabytes of
    document tree to build). Its branches, one by one, are in 汇总表's 民主评议汇总.
    """
    out: list[AppraisalRow] = []
    committee_of = {s.file: s.committee for s in result.lower}
    lower: dict[str, tuple[AppraisalRow, Counter]] = {}
    for rec in result.branches:
        row = _branch_row(rec)
        name = committee_of.get(rec.via) if rec.via else None
        if name is None:
            out.append(row)
            continue
        if name not in lower:
            lower[name] = (AppraisalRow("", name, Counter()), Counter())
            out.append(lower[name][0])
        total, found = lower[name]
        total.counts.update(row.counts)
        found.update(_findings(rec))
        found["支部"] += 1
    for total, found in lower.values():
        total.counts = dict(total.counts)
        total.notes = [f"{found['支部']}个支部合计"]
        if found[IssueCode.TOO_MANY_EXCELLENT]:
            total.notes.append(f"{found[IssueCode.TOO_MANY_EXCELLENT]}个支部优秀超过参评人数的三分之一")
        if found[IssueCode.PROBATIONARY_GRADED]:
            total.notes.append(f"{found[IssueCode.PROBATIONARY_GRADED]}名预备党员评定了等次")
        if total.counts.get(BLANK):
            total.notes.append(f"{total.counts[BLANK]}人未填等次")
    return out


def _findings(rec) -> Counter:
    codes = Counter(i.code for i in rec.issues)
    return Counter({IssueCode.TOO_MANY_EXCELLENT: 1 if codes[IssueCode.TOO_MANY_EXCELLENT] else 0,
                    IssueCode.PROBATIONARY_GRADED: codes[IssueCode.PROBATIONARY_GRADED]})


def _branch_row(rec) -> AppraisalRow:
    c = rec.counts
    counts = {a: c.get(a, 0) for a in APPRAISALS}
    counts[BLANK] = c.get("评议未填", 0)
    counts["党员人数"] = c.get("应到", 0)
    counts["参评人数"] = sum(counts[g] for g in GRADES)
    notes = []
    codes = Counter(i.code for i in rec.issues)
    if codes[IssueCode.TOO_MANY_EXCELLENT]:
        notes.append("优秀超过参评人数的三分之一")
    if codes[IssueCode.PROBATIONARY_GRADED]:
        notes.append(f"{codes[IssueCode.PROBATIONARY_GRADED]}名预备党员评定了等次")
    if counts[BLANK]:
        notes.append(f"{counts[BLANK]}人未填等次")
    return AppraisalRow(rec.branch_id or "", rec.org_name or "", counts, notes)


def write_appraisal_table(rows: list[AppraisalRow], path: str | os.PathLike, *, title_prefix: str = "",
                          as_of: dt.date | None = None, missing: Iterable[str] = (), unit: str = "") -> Path:
    """民主评议情况汇总表.docx: a landscape GB/T 9704 table, one row per branch and a total."""
    from toolkit.writers.docx_format import STYLE, gbt9704_table, new_gbt9704_document

    path = Path(path)
    doc = new_gbt9704_document(landscape=True)
    doc.add_paragraph(f"{title_prefix}{HEADING}", style=STYLE.title)
    # 填报单位 left, 统计日期 after it: who compiled the table and as of when
    stamp = "　　".join(t for t in (f"填报单位：{unit}" if unit else "",
                                   f"统计日期：{format_date(as_of)}" if as_of else "") if t)
    if stamp:
        doc.add_paragraph(stamp, style=STYLE.no_indent)
    headers = ["序号", "党组织名称", "党员人数", "参评人数", "优秀", "优秀占比", "合格", "基本合格", "不合格",
               "不评定（预备党员）", "未填", "备注"]
    widths = [10, 52, 15, 15, 13, 18, 13, 15, 13, 20, 12, 29]  # 225 mm: the landscape 版心
    table = gbt9704_table(doc, headers, widths)
    total = Counter()
    body = []
    for n, row in enumerate(rows, start=1):
        c = row.counts
        for key in ("党员人数", "参评人数", *APPRAISALS, BLANK):
            total[key] += c.get(key, 0)
        body.append([str(n), row.org_name or row.branch_id, str(c["党员人数"]), str(c["参评人数"]),
                     str(c["优秀"]), percent(c["优秀"], c["参评人数"]), str(c["合格"]), str(c["基本合格"]),
                     str(c["不合格"]), str(c[NOT_GRADED]), str(c[BLANK]), "；".join(row.notes)])
    body.append(["", "合计", str(total["党员人数"]), str(total["参评人数"]), str(total["优秀"]),
                 percent(total["优秀"], total["参评人数"]), str(total["合格"]), str(total["基本合格"]),
                 str(total["不合格"]), str(total[NOT_GRADED]), str(total[BLANK]), ""])
    _fill(doc, table, body, STYLE)
    missing = list(missing)
    if missing:
        doc.add_paragraph(f"未报送的支部（{len(missing)}个，未列入本表）：" + "、".join(missing) + "。",
                          style=STYLE.body)
    doc.add_paragraph("说明：预备党员参加评议，不评定等次；评为优秀的一般不超过参评党员的三分之一。",
                      style=STYLE.body)
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
    return path


def _fill(doc, table, body: list[list[str]], style) -> None:
    """Rows from one styled template row, copied as XML.

    python-docx finds a new row's cells by walking the whole table, so adding
    10,000 rows through its API takes minutes; copying the row element is linear.
    """
    from copy import deepcopy

    from docx.oxml.ns import qn

    template = table.add_row()
    for cell in template.cells:
        para = cell.paragraphs[0]
        para.style = doc.styles[style.table]
        para.add_run("-")
    tr = template._tr
    tbl = tr.getparent()
    tbl.remove(tr)
    for values in body:
        row = deepcopy(tr)
        for t, value in zip(row.iter(qn("w:t")), values):
            t.text = value
        tbl.append(row)


def write_for_collect(result: CollectResult, out_dir: str | os.PathLike) -> Path:
    """The committee's 民主评议情况汇总表 beside 汇总表.xlsx."""
    info = result.cycle_info or {}
    prefix = f"{info['year']}年度" if info.get("year") else ""
    return write_appraisal_table(rows_from_collect(result), Path(out_dir) / f"{TITLE}.docx",
                                 title_prefix=prefix, as_of=result.as_of, unit=info.get("superior") or "",
                                 missing=[m.get("org_name") or m.get("branch_id") or "" for m in result.missing])
