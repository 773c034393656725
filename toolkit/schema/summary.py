"""The 汇总表.xlsx layout, declared once: sheets, column headers and widths, and
the names older versions (or committees renaming a column) used.

consolidate writes from this declaration; previous, marks and remind read a
汇总表 back through it (``SummarySheet.wanted`` given to core.headers.scan_header).
Headers of 整改总台账 are what a committee relies on across re-collects
(党委销号 and 备注 are theirs and carried over): change them here, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple


class Column(NamedTuple):
    key: str
    header: str
    width: float = 10
    aliases: tuple[str, ...] = ()  # other headers read back as this column


@dataclass(frozen=True)
class SummarySheet:
    name: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def widths(self) -> tuple[float, ...]:
        return tuple(c.width for c in self.columns)

    def header(self, key: str) -> str:
        return next(c.header for c in self.columns if c.key == key)

    def index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def wanted(self, keys: Sequence[str] | None = None) -> dict[str, str]:
        """header -> column key, for every header and alias (of ``keys`` only, when given),
        as core.headers.scan_header takes them."""
        return {h: c.key for c in self.columns if keys is None or c.key in keys for h in (c.header, *c.aliases)}


_ID = Column("branch_id", "支部编号", 10)
_ORG = Column("org_name", "党组织名称", 20, ("支部名称", "支部"))

OVERVIEW = SummarySheet("总览", (Column("item", "项目", 26), Column("value", "数值", 14), Column("note", "说明", 11)))
OVERVIEW_CATEGORY = ("问题类别", "问题数")  # the table the category chart reads
OVERVIEW_STATUS_NAME = "党组织名称"  # first header of the table the status chart reads; statuses follow

BRANCHES_NAME = "支部情况"  # its columns depend on the cycle's categories: see branch_headers

PROBLEMS = SummarySheet("问题总表", (
    _ID, _ORG,
    Column("pid", "问题编号", 9),
    Column("level", "层级", 9),
    Column("owner", "责任主体", 9),
    Column("category", "问题类别", 10),
    Column("summary", "问题概述", 36),
    Column("detail", "具体表现", 60),
    Column("source", "问题来源", 10),
    Column("measures", "整改措施数", 9),
    Column("state", "支部校验状态", 10),
    Column("row", "原表行号", 8),
))

LEDGER = SummarySheet("整改总台账", (
    _ID, _ORG,
    Column("pid", "问题编号", 9),
    Column("category", "问题类别", 10),
    Column("summary", "问题概述", 30),
    Column("measure", "整改措施", 44),
    Column("owner", "责任人", 10),
    Column("deadline", "整改时限", 11),
    Column("status", "完成状态", 9),
    Column("done_date", "完成日期", 11),
    Column("evidence", "整改成效及佐证", 30, ("整改成效",)),
    Column("closed_date", "销号日期", 11),
    Column("state", "统计日状态", 11),
    Column("days_left", "剩余天数", 8),
    Column("closed_by_committee", "党委销号", 11),
    Column("note", "备注", 20),
    Column("row", "原表行号", 8),
))
# The columns the committee fills; any column it added itself is kept too (marks.committee_columns).
COMMITTEE_KEYS = ("closed_by_committee", "closed_date", "note")
COMMITTEE_COLUMNS = tuple(LEDGER.header(k) for k in COMMITTEE_KEYS)

APPRAISAL = SummarySheet("民主评议汇总", (
    _ID, Column("org_name", "党组织名称", 22), Column("members", "党员人数", 9), Column("rated", "参评人数", 9),
    Column("优秀", "优秀", 8), Column("合格", "合格", 8), Column("基本合格", "基本合格", 9),
    Column("不合格", "不合格", 8), Column("不评定", "不评定", 8), Column("blank", "未填", 8),
    Column("share", "优秀占比", 9),
))
APPRAISAL_TOTAL = "合计"

MISSING = SummarySheet("未报送", (
    _ID, Column("org_name", "党组织名称", 24), Column("secretary", "书记", 10), Column("contact", "联系人", 10),
    Column("phone", "联系电话", 16), Column("note", "情况", 50),
))

FILES = SummarySheet("文件清单", (
    Column("n", "序号", 6), Column("shown", "文件", 50), Column("outcome", "结果", 9), Column("reason", "说明", 60),
    Column("org_name", "党组织名称", 20), Column("branch_id", "支部编号", 10), Column("kb", "大小(KB)", 9),
    Column("mtime", "修改时间", 17),
    # the FileCode of a file that gave no data (docs/异常文件.md), for machines; the reason says it in words
    Column("code", "代码", 18),
))

ISSUES = SummarySheet("校验问题", (
    Column("file", "文件", 40), Column("org_name", "党组织名称", 20), Column("branch_id", "支部编号", 10),
    Column("level", "级别", 6), Column("code", "代码", 22), Column("sheet", "工作表", 12), Column("cell", "单元格", 8),
    Column("value", "内容", 20), Column("message", "说明", 60),
))

# Multi-level roll-up. 所属党组织 (the committees above a branch, top first) is added after the
# declared columns of 支部情况, 问题总表 and 整改总台账 when lower committees' 汇总表 were collected.
PARENT = Column("parent", "所属党组织", 28)
PARENT_SEPARATOR = " > "

LOWER = SummarySheet("下级党组织", (
    Column("org_name", "党组织名称", 24), Column("parent", "所属党组织", 24), Column("branches", "支部数", 8),
    Column("reported", "已报送", 8), Column("missing", "未报送", 8), Column("problems", "问题数", 8),
    Column("measures", "整改措施数", 9), Column("done", "已完成", 8), Column("rate", "整改完成率", 9),
    Column("as_of", "统计日期", 11), Column("file", "来源文件", 36), Column("note", "情况", 50),
))

# The hidden sheet that makes a 汇总表 recognisable by content, like a branch workbook's _meta:
# key in A, value in B. 内容校验 is summary_hash over the rows the other sheets hold.
META_SHEET = "_meta"
META_KIND = "汇总表"
META_KEYS = ("表类型", "模板版本", "周期编号", "党组织", "所属党组织", "统计日期", "支部数", "已报送", "未报送",
             "问题数", "整改措施数", "内容校验", "生成时间")
META_VERSION = "1"

SHEETS = (OVERVIEW.name, BRANCHES_NAME, PROBLEMS.name, LEDGER.name, APPRAISAL.name, MISSING.name, FILES.name,
          ISSUES.name)


def summary_hash(rows) -> str:
    """A digest of (支部编号, 党组织名称, 问题数, 整改措施数, 已完成) per branch, in order:
    a 汇总表 edited by hand (a row added or deleted, a count changed) no longer matches it."""
    import hashlib

    h = hashlib.sha256()
    for row in rows:
        h.update(("\x1f".join(str(v) for v in row) + "\x1e").encode("utf-8"))
    return h.hexdigest()[:32]


def branch_headers(categories: Sequence[str], appraisals: Sequence[str]) -> list[str]:
    """支部情况's headers: one column per problem category and per appraisal grade of the cycle."""
    return ["支部编号", "党组织名称", "召开日期", "应到人数", "实到人数", "请假人数", "参会率", "上级指导",
            "学习研讨次数", "谈心谈话次数", "征求意见条数", "查摆问题数", "与上次重复问题数",
            *categories, "其他类别", "整改措施数", "已完成", "推进中", "逾期",
            *(f"评议{a}" for a in appraisals), "评议未填", "校验状态", "错误数", "提醒数", "来源文件"]


def branch_widths(categories: Sequence[str], appraisals: Sequence[str]) -> list[float]:
    return [10, 22, 11, 8, 8, 8, 8, 18, 8, 8, 8, 8, 8, *([8] * len(categories)), 8, 8, 8, 8, 8,
            *([8] * len(appraisals)), 8, 9, 7, 7, 24]
