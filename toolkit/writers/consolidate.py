"""Collected branch records -> 汇总表.xlsx.

XlsxWriter in constant_memory mode: each row goes to disk as soon as the next
one starts and strings are written inline, so 300,000 ledger rows cost time
proportional to the rows and almost no memory. That mode needs every sheet
written top to bottom, which is why each sheet below is built in row order.

Sheets and headers come from schema/summary.py, which previous, marks and
remind read back through: the committee's marks (党委销号, 备注) are carried
over from the previous 汇总表 by marks.ledger_marks, handed in by the workflow.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from toolkit.committee.marks import LedgerMarks
from toolkit.committee.model import (
    APPRAISALS,
    OTHER_CATEGORY,
    OUTCOMES,
    UNREADABLE,
    BranchRecord,
    CollectResult,
    branch_state,
)
from toolkit.core.status import (
    ST_DONE,
    ST_DUE_SOON,
    ST_LONG,
    ST_NO_DEADLINE,
    ST_NORMAL,
    ST_OVERDUE,
    measure_status,
)
from toolkit.core.values import format_date
from toolkit.errors import Severity
from toolkit.io.fsutil import atomic_path
from toolkit.schema.summary import (
    APPRAISAL,
    APPRAISAL_TOTAL,
    BRANCHES_NAME,
    FILES,
    ISSUES,
    LEDGER,
    LOWER,
    META_KEYS,
    META_KIND,
    META_SHEET,
    META_VERSION,
    MISSING,
    OVERVIEW,
    OVERVIEW_CATEGORY,
    OVERVIEW_STATUS_NAME,
    PARENT,
    PROBLEMS,
    SHEETS,
    branch_headers,
    branch_widths,
    summary_hash,
)
from toolkit.writers.sheet_xml import SheetRows, splice, xf

FONT = "宋体"
STATUS_ORDER = (ST_DONE, ST_LONG, ST_NORMAL, ST_DUE_SOON, ST_OVERDUE, ST_NO_DEADLINE)
STATUS_COLOURS = {ST_DONE: "#C6EFCE", ST_OVERDUE: "#FFC7CE", ST_DUE_SOON: "#FFEB9C",
                  ST_LONG: "#DDEBF7", ST_NO_DEADLINE: "#E7E6E6"}
CHART_COLOURS = {ST_DONE: "#4E9A44", ST_LONG: "#5B8DC9", ST_NORMAL: "#A5A5A5",
                 ST_DUE_SOON: "#E6A23C", ST_OVERDUE: "#C0392B", ST_NO_DEADLINE: "#7F7F7F"}
# A bar chart with thousands of branches says nothing: chart the ones that need attention.
CHART_MAX_BRANCHES = 30

_EPOCH = dt.date(1899, 12, 30)


def serial(d: dt.date) -> float:
    """Excel serial day; written as a number with a date format (much faster than write_datetime)."""
    if isinstance(d, dt.datetime):
        d = d.date()
    return float((d - _EPOCH).days)


class _Fmt:
    def __init__(self, wb):
        base = {"font_name": FONT, "font_size": 10, "valign": "top"}
        self.base = base
        self.header = wb.add_format({**base, "bold": True, "bg_color": "#9E1B1B", "font_color": "#FFFFFF",
                                     "text_wrap": True, "valign": "vcenter", "align": "center", "border": 1})
        # wrapped, so a long 整改措施 prints whole instead of being cut at the cell edge
        self.text = wb.add_format({**base, "text_wrap": True})
        self.wrap = wb.add_format({**base, "text_wrap": True})
        self.int = wb.add_format({**base, "num_format": "0"})
        self.pct = wb.add_format({**base, "num_format": "0.0%"})
        self.kb = wb.add_format({**base, "num_format": "0.0"})
        self.date = wb.add_format({**base, "num_format": "yyyy-m-d", "align": "left"})
        self.title = wb.add_format({**base, "bold": True, "font_size": 16, "valign": "vcenter"})
        self.sub = wb.add_format({**base, "bold": True, "font_size": 12, "valign": "vcenter"})
        self.note = wb.add_format({**base, "font_color": "#595959", "italic": True})
        self.key = wb.add_format({**base, "bold": True, "bg_color": "#F3E7D3", "border": 1})
        self.value = wb.add_format({**base, "border": 1, "num_format": "0", "align": "right"})
        self.value_pct = wb.add_format({**base, "border": 1, "num_format": "0.0%", "align": "right"})
        self.value_text = wb.add_format({**base, "border": 1})
        self.bold = wb.add_format({**base, "bold": True})
        self.total = wb.add_format({**base, "bold": True, "top": 1})
        self.status = {s: wb.add_format({"bg_color": c}) for s, c in STATUS_COLOURS.items()}


def _header(ws, headers: Sequence[str], widths: Sequence[float], fmt: _Fmt, *, filter_rows: int | None = None) -> None:
    for c, (h, w) in enumerate(zip(headers, widths)):
        ws.set_column(c, c, w)
        ws.write_string(0, c, h, fmt.header)
    ws.set_row(0, 30)
    ws.freeze_panes(1, 0)
    if filter_rows is not None:
        ws.autofilter(0, 0, max(filter_rows, 1), len(headers) - 1)
    print_setup(ws, sum(widths))


_LINE_PT = 13.5  # one line of 10 pt text
_CJK_UNITS = 1.9  # a 10 pt Chinese character in Excel column units (a digit is about 1)


_WIDE = re.compile("[\u2e80-\U0010ffff]")


@functools.lru_cache(maxsize=1 << 16)
def _units_tenths(text: str) -> tuple[int, int]:
    """Width of ``text`` in tenths of a column unit (a digit 10, a Chinese character 19), and its newlines."""
    wide = len(_WIDE.findall(text)) if not text.isascii() else 0
    return 10 * len(text) + round((_CJK_UNITS - 1) * 10) * wide, text.count("\n")


def row_height(cells) -> float | None:
    """The height row r needs for its wrapped texts: ((text, column width), …); None for one line.

    Excel and LibreOffice do not grow a row for wrapped text written by a program
    (LibreOffice prints one line and cuts the rest), so the height is written with
    the row. Widths are counted in whole tenths (no float sum drifting over a line).
    """
    lines = 1
    for text, width in cells:
        if text:
            tenths, breaks = _units_tenths(str(text))
            lines = max(lines, math.ceil(tenths / (10 * max(width - 1, 1))) + breaks)
    return lines * _LINE_PT if lines > 1 else None


# Printable width in Excel column units (about 5.3 pt each) with 13 mm margins:
# A4 portrait holds about 100, A4 landscape about 145, A3 landscape about 210.
_A4_PORTRAIT_UNITS, _A4_LANDSCAPE_UNITS = 100, 145
_PAPER_A4, _PAPER_A3 = 9, 8
# 总览: columns A–H (26 + 14 + 6 × 11) and a 480-pixel chart (about 69 units) beside them
# print at 145 / 175 = 83 %; chart labels of 11 pt print at 9 pt.
OVERVIEW_UNITS = 175
CHART_LABEL_PT = 11


def print_setup(ws, width_units: float, *, header_row: bool = True) -> None:
    """Print a sheet as a person expects: one page wide, header row on every page.

    Portrait when it fits, landscape when wide, A3 landscape when even that would
    shrink it below about 70 % (支部情况 has 30-odd columns); page numbers and the
    sheet's name in the footer, gridlines printed so the table reads as a table.
    """
    if width_units <= _A4_PORTRAIT_UNITS:
        ws.set_paper(_PAPER_A4)
        ws.set_portrait()
    else:
        ws.set_paper(_PAPER_A4 if width_units <= _A4_LANDSCAPE_UNITS / 0.7 else _PAPER_A3)
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.center_horizontally()
    if header_row:
        ws.repeat_rows(0)
        ws.hide_gridlines(0)
    ws.set_footer(f'&L&"{FONT}"&9&A&R&"{FONT}"&9第 &P 页，共 &N 页')


def _put(ws, r: int, c: int, value: Any, fmt: _Fmt, cell_fmt=None) -> None:
    """Write by type; text stays text (a value starting with "=" is not a formula)."""
    if value is None or value == "":
        return
    if isinstance(value, bool):
        ws.write_string(r, c, "是" if value else "否", cell_fmt or fmt.text)
    elif isinstance(value, dt.date):
        ws.write_number(r, c, serial(value), cell_fmt or fmt.date)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, cell_fmt or fmt.int)
    else:
        ws.write_string(r, c, str(value), cell_fmt or fmt.text)


def write_summary(result: CollectResult, path: str | os.PathLike, *, marks: LedgerMarks | None = None,
                  clock: dict[str, float] | None = None) -> Path:
    """Write 汇总表.xlsx (sheets fixed by section 4 of the workbook contract).

    ``marks``: the committee's marks (党委销号, 销号日期, 备注, its own columns) from
    the last 汇总表, already placed on this ledger's rows by marks.ledger_marks.
    ``clock``: filled with the seconds each sheet took (and 打包, the package), for benchmarks.
    """
    path = Path(path)
    lap = _Lap(clock)
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_numbers": False,
                                            "strings_to_formulas": False, "strings_to_urls": False})
        wb.set_properties({"title": "组织生活会汇总表", "author": "orglife"})
        fmt = _Fmt(wb)
        names = list(SHEETS)
        if rolled_up(result):
            names.insert(1, LOWER.name)
        split = split_sheets(result, marks)
        for base, parts in split.items():
            names[names.index(base) + 1:names.index(base) + 1] = parts[1:]
        sheets = {name: wb.add_worksheet(name) for name in names}
        _overview(wb, sheets[OVERVIEW.name], result, fmt, split)
        if rolled_up(result):
            _lower(sheets[LOWER.name], result, fmt)
        lap(OVERVIEW.name)
        long_rows = [_branches(sheets[BRANCHES_NAME], result, fmt)]
        lap(BRANCHES_NAME)
        long_rows += _problems([sheets[n] for n in split[PROBLEMS.name]], result, fmt)
        lap(PROBLEMS.name)
        long_rows += _ledger([sheets[n] for n in split[LEDGER.name]], result, fmt, marks)
        lap(LEDGER.name)
        long_rows.append(_appraisal(sheets[APPRAISAL.name], result, fmt))
        lap(APPRAISAL.name)
        _missing(sheets[MISSING.name], result, fmt)
        _files(sheets[FILES.name], result, fmt)
        _issues(sheets[ISSUES.name], result, fmt)
        _meta(wb.add_worksheet(META_SHEET), result)
        sheets[OVERVIEW.name].activate()
        lap("其他工作表")
        wb.close()
        splice(tmp, long_rows)  # the long sheets' rows, written as XML beside XlsxWriter (sheet_xml.py)
        lap("打包")
    return path


class _Lap:
    """Seconds since the last lap, into ``clock`` by name (nothing when clock is None)."""

    def __init__(self, clock: dict[str, float] | None):
        import time

        self.clock, self.now, self.last = clock, time.perf_counter, time.perf_counter()

    def __call__(self, name: str) -> None:
        if self.clock is not None:
            now = self.now()
            self.clock[name] = self.clock.get(name, 0.0) + now - self.last
            self.last = now


def split_plan(result: CollectResult, marks: LedgerMarks | None = None) -> dict[str, list[str]]:
    """The lists continued on numbered sheets past Excel's row limit: {sheet: its sheets}, only those split."""
    return {base: parts for base, parts in split_sheets(result, marks).items() if len(parts) > 1}


def rolled_up(result: CollectResult) -> bool:
    """Lower committees' 汇总表 were collected or expected: 下级党组织 and 所属党组织 are written."""
    return bool(result.lower or result.lower_roster)


def content_rows(result: CollectResult) -> list[tuple]:
    """What the content hash of _meta covers (schema.summary.summary_hash), in 支部情况 order."""
    return [(rec.branch_id or "", rec.org_name or "", per["问题"], per["措施"])
            for rec, per in zip(result.branches, result.figures["per_branch"])]


def meta_values(result: CollectResult) -> dict[str, str]:
    """The hidden _meta of a 汇总表: what a higher committee's collect recognises and checks."""
    fig = result.figures
    info = result.cycle_info
    return {
        "表类型": META_KIND, "模板版本": META_VERSION, "周期编号": result.cycle_id or "",
        "党组织": str(info.get("superior") or ""), "所属党组织": "",
        "统计日期": format_date(result.as_of) if result.as_of else "",
        "支部数": str(fig["支部数"]), "已报送": str(fig["已报送"]), "未报送": str(fig["未报送"]),
        "问题数": str(fig["问题"]), "整改措施数": str(fig["措施"]),
        "内容校验": summary_hash(content_rows(result)),
        "生成时间": dt.datetime.now().strftime("%Y-%m-%dT%H:%M:%S.%f"),
    }


def _meta(ws, result: CollectResult) -> None:
    values = meta_values(result)
    for r, key in enumerate(META_KEYS):
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, values[key])
    ws.set_column(0, 1, 16)
    print_setup(ws, 32)  # hidden, but printed like every other sheet if someone unhides it
    ws.hide()


def _lower(ws, result: CollectResult, fmt: _Fmt) -> None:
    from toolkit.committee.rollup import lower_rows

    rows = lower_rows(result)
    _header(ws, LOWER.headers, LOWER.widths, fmt, filter_rows=len(rows))
    rate = LOWER.index("rate")
    for r, row in enumerate(rows, start=1):
        for c, col in enumerate(LOWER.columns):
            _put(ws, r, c, row.get(col.key), fmt, fmt.pct if c == rate else None)


# --- 总览 -------------------------------------------------------------------------

def _overview(wb, ws, result: CollectResult, fmt: _Fmt, split: dict[str, list[str]]) -> None:
    _overview_page(ws, result, fmt)
    r = _overview_figures(ws, result, fmt, split)
    r = _overview_categories(wb, ws, result, fmt, r + 2)
    _overview_status(wb, ws, result, fmt, r + 2)


CHART_ROW = 3  # both charts sit right of the tables, from this row down


def _overview_page(ws, result: CollectResult, fmt: _Fmt) -> None:
    info = result.cycle_info
    # A4 landscape, one page wide: the figures and both charts print together
    print_setup(ws, OVERVIEW_UNITS, header_row=False)
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 14)
    ws.set_column(2, 8, 11)
    title = f"{info.get('year') or ''}年度{info.get('meeting_type') or '组织生活会'}汇总".lstrip("年度")
    ws.write_string(0, 0, title, fmt.title)
    ws.set_row(0, 28)
    ws.write_string(1, 0, f"周期编号：{result.cycle_id or '未知'}    统计日期：{format_date(result.as_of)}"
                          f"    生成时间：{dt.datetime.now():%Y-%m-%d %H:%M}", fmt.note)


def _overview_figures(ws, result: CollectResult, fmt: _Fmt, split: dict[str, list[str]]) -> int:
    """The headline figures, from row 3; returns the last row written."""
    fig = result.figures
    rows: list[tuple[str, Any, str]] = [
        ("支部数", fig["支部数"], "支部名册中的支部" if result.roster else "收到填报表的支部（未提供周期设置表）"),
        ("已报送", fig["已报送"], "收到可读取的本周期填报表的支部"),
        ("未报送", fig["未报送"], "未报送的支部（支部数 = 已报送 + 未报送），见“未报送”工作表"),
        ("填报表有错误的支部", fig["有错误"], "数据已尽量汇总，错误见“校验问题”"),
        ("应到人数", fig["应到"], ""),
        ("实到人数", fig["实到"], ""),
        ("参会率", fig["参会率"], "实到人数 ÷ 应到人数"),
        ("问题数", fig["问题"], f"支部班子 {fig['支部班子问题']} 条，党员个人 {fig['党员个人问题']} 条"),
        ("整改措施数", fig["措施"], ""),
        ("已完成", fig["已完成"], ""),
        ("整改完成率", fig["整改完成率"], "已完成 ÷（整改措施数 − 长期坚持）"),
        ("已逾期", fig["逾期"], f"截至 {format_date(result.as_of)} 超过整改时限仍未完成"),
        ("10天内到期", fig["10天内到期"], ""),
        ("收到文件", len(result.files), "、".join(f"{o} {fig['文件'][o]}" for o in OUTCOMES)),
    ]
    if result.lower or result.lower_roster:
        rows.insert(3, ("下级党组织", fig.get("下级党组织", 0), "见“下级党组织”工作表；支部数含各下级党组织名册中的支部"))
        rows.insert(4, ("未报送汇总表的下级党组织", fig.get("未报送下级党组织", 0),
                        "其所属支部不在支部数中；见“未报送”工作表"))
    for base, parts in split.items():
        if len(parts) < 2:
            continue
        rows.append((f"{base}分表数", len(parts), f"超过 Excel 每表 1,048,576 行的上限，续写在"
                                                 f"“{'”“'.join(parts[1:])}”"))
    r = 3
    for c, head in enumerate(OVERVIEW.headers):
        ws.write_string(r, c, head, fmt.header)
    for label, value, note in rows:
        r += 1
        ws.write_string(r, 0, label, fmt.key)
        if value is None:
            ws.write_string(r, 1, "—", fmt.value_text)
        elif isinstance(value, float) and label.endswith("率"):
            ws.write_number(r, 1, value, fmt.value_pct)
        else:
            ws.write_number(r, 1, value, fmt.value)
        if note:
            ws.write_string(r, 2, note, fmt.note)
    return r


def _overview_categories(wb, ws, result: CollectResult, fmt: _Fmt, r: int) -> int:
    """Problems by category: the table the first chart reads, from row r; returns its last row."""
    fig = result.figures
    for c, head in enumerate(OVERVIEW_CATEGORY):
        ws.write_string(r, c, head, fmt.header)
    cats = [c for c in (*result.categories, OTHER_CATEGORY)
            if c != OTHER_CATEGORY or fig["类别"].get(OTHER_CATEGORY)]
    cat_first = r + 1
    for cat in cats:
        r += 1
        ws.write_string(r, 0, cat, fmt.key)
        ws.write_number(r, 1, fig["类别"].get(cat, 0), fmt.value)
    cat_last = r
    if cats:
        chart = wb.add_chart({"type": "column"})
        chart.add_series({
            "name": "问题数",
            "categories": [OVERVIEW.name, cat_first, 0, cat_last, 0],
            "values": [OVERVIEW.name, cat_first, 1, cat_last, 1],
            "fill": {"color": "#9E1B1B"},
            "data_labels": {"value": True, "font": {"name": FONT, "size": CHART_LABEL_PT}},
        })
        _style_chart(chart, "查摆问题按类别分布", "问题数")
        chart.set_legend({"none": True})
        ws.insert_chart(CHART_ROW, 8, chart, {"x_scale": 1.0, "y_scale": 1.1})
    return r


def _overview_status(wb, ws, result: CollectResult, fmt: _Fmt, r: int) -> None:
    """Rectification status by branch: the table the second chart reads, from row r."""
    chosen, label = _chart_branches(result)
    ws.write_string(r, 0, label, fmt.sub)
    r += 1
    ws.write_string(r, 0, OVERVIEW_STATUS_NAME, fmt.header)
    for c, status in enumerate(STATUS_ORDER, start=1):
        ws.write_string(r, c, status, fmt.header)
    st_first = r + 1
    for rec, counts in chosen:
        r += 1
        ws.write_string(r, 0, rec.org_name or rec.branch_id or rec.file, fmt.key)
        for c, status in enumerate(STATUS_ORDER, start=1):
            ws.write_number(r, c, counts[status], fmt.value)
    st_last = r
    if chosen:
        chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
        for c, status in enumerate(STATUS_ORDER, start=1):
            chart.add_series({
                "name": [OVERVIEW.name, st_first - 1, c],
                "categories": [OVERVIEW.name, st_first, 0, st_last, 0],
                "values": [OVERVIEW.name, st_first, c, st_last, c],
                "fill": {"color": CHART_COLOURS[status]},
                "gap": 60,
            })
        _style_chart(chart, "各支部整改进度", "整改措施数")
        chart.set_y_axis({"reverse": True, "num_font": {"name": FONT, "size": CHART_LABEL_PT}})
        chart.set_legend({"position": "bottom", "font": {"name": FONT, "size": CHART_LABEL_PT}})
        height = max(1.2, min(4.0, 0.25 + 0.09 * len(chosen)))
        ws.insert_chart(CHART_ROW + 18, 8, chart, {"x_scale": 1.0, "y_scale": height})


def _style_chart(chart, title: str, value_axis: str) -> None:
    chart.set_title({"name": title, "name_font": {"name": FONT, "size": 12, "bold": True}})
    chart.set_x_axis({"num_font": {"name": FONT, "size": CHART_LABEL_PT}, "name_font": {"name": FONT}})
    chart.set_y_axis({"name": value_axis, "num_font": {"name": FONT, "size": CHART_LABEL_PT},
                      "name_font": {"name": FONT, "size": CHART_LABEL_PT}, "major_gridlines": {"visible": True}})
    chart.set_chartarea({"border": {"none": True}})


def _chart_branches(result: CollectResult):
    """Branches for the status chart: all of them, or the ones most overdue when there are many."""
    rows = []
    for rec, per in zip(result.branches, result.figures["per_branch"]):
        counts = {s: per[_fig_key(s)] for s in STATUS_ORDER}
        rows.append((rec, counts))
    if len(rows) <= CHART_MAX_BRANCHES:
        return rows, "各支部整改进度（措施条数，按统计日状态）"
    rows.sort(key=lambda rc: (-rc[1][ST_OVERDUE], -rc[1][ST_DUE_SOON], rc[0].branch_id))
    return rows[:CHART_MAX_BRANCHES], (f"逾期最多的 {CHART_MAX_BRANCHES} 个支部的整改进度"
                                       f"（共 {len(result.branches)} 个支部，全部见“支部情况”）")


def _fig_key(status: str) -> str:
    return {ST_DONE: "已完成", ST_LONG: "长期坚持", ST_NORMAL: "正常", ST_OVERDUE: "逾期",
            ST_NO_DEADLINE: "未填时限", ST_DUE_SOON: "10天内到期"}[status]


# --- list sheets ------------------------------------------------------------------

def guidance_text(rec: BranchRecord) -> str:
    return "；".join(f"{n}（{t}，{m}）" if t else f"{n}（{m}）" for n, t, m in rec.guests if n)


class _Styles:
    """The ``s`` attributes of the formats the long sheets use (sheet_xml.SheetRows cells)."""

    def __init__(self, fmt: _Fmt):
        self.text, self.wrap, self.int = xf(fmt.text), xf(fmt.wrap), xf(fmt.int)
        self.pct, self.date, self.total = xf(fmt.pct), xf(fmt.date), xf(fmt.total)

    def typed(self, values, override: dict[int, str] | None = None, start: int = 0) -> list[tuple[int, Any, str]]:
        """(column, value, style) as ``_put`` styles them: text, date or number, ``override`` by column."""
        out = []
        for c, v in enumerate(values, start=start):
            if v is None or v == "":
                continue
            if override and c in override:
                s = override[c]
            elif isinstance(v, dt.date):
                s = self.date
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                s = self.int
            else:
                s = self.text
            out.append((c, v, s))
        return out


def _branches(ws, result: CollectResult, fmt: _Fmt) -> SheetRows:
    cats = list(result.categories)
    headers = branch_headers(cats, APPRAISALS)
    widths = branch_widths(cats, APPRAISALS)
    parent_col = len(headers) if rolled_up(result) else None
    if parent_col is not None:
        headers, widths = [*headers, PARENT.header], [*widths, PARENT.width]
    _header(ws, headers, widths, fmt, filter_rows=len(result.branches))
    out, st = SheetRows(ws), _Styles(fmt)
    pct = {6: st.pct}
    for r, (rec, per) in enumerate(zip(result.branches, result.figures["per_branch"]), start=1):
        values = [rec.branch_id, rec.org_name, rec.info.get("meeting_date"), per["应到"], per["实到"],
                  per["请假"], per["参会率"], guidance_text(rec), per["学习研讨"], per["谈心谈话"],
                  per["征求意见"], per["问题"], per.get("重复问题"),  # blank unless --previous-cycle
                  *(per["类别"][c] for c in cats), per["类别"][OTHER_CATEGORY],
                  per["措施"], per["已完成"], per["推进中"], per["逾期"], *(per[a] for a in APPRAISALS),
                  per["评议未填"], branch_state(rec), rec.errors, rec.warnings, rec.file]
        if parent_col is not None:
            values.append(rec.parent)
        out.add(r, st.typed(values, pct))
    return out


# Excel's last row is 1,048,576: a longer list goes on across numbered sheets (问题总表（2）, …),
# each with its header, and 总览 says so.
DATA_ROWS = 1_048_575


def split_sheets(result: CollectResult, marks: LedgerMarks | None) -> dict[str, list[str]]:
    """The sheets 问题总表 and 整改总台账 take: one, or numbered parts past Excel's row limit."""
    sizes = {PROBLEMS.name: sum(len(b.problems) for b in result.branches),
             LEDGER.name: sum(len(b.measures) for b in result.branches) + len(marks.leftovers if marks else [])}
    return {name: [name] + [f"{name}（{i}）" for i in range(2, -(-n // DATA_ROWS) + 1)] for name, n in sizes.items()}


class _Pages:
    """Rows of one long list over its sheets: ``advance()`` gives the next row, and True when
    it starts a new sheet (whose header ``start`` has then written). ``out``: each sheet's rows."""

    def __init__(self, sheets, start):
        self.sheets, self.start, self.i, self.r = list(sheets), start, 0, 0
        self.parts = [SheetRows(ws) for ws in self.sheets]
        start(self.sheets[0], 0)

    @property
    def ws(self):
        return self.sheets[self.i]

    @property
    def out(self) -> SheetRows:
        return self.parts[self.i]

    def advance(self) -> bool:
        new = self.r == DATA_ROWS and self.i + 1 < len(self.sheets)
        if new:
            self.i, self.r = self.i + 1, 0
            self.start(self.ws, self.i)
        self.r += 1
        return new


def _problems(wss, result: CollectResult, fmt: _Fmt) -> list[SheetRows]:
    total = sum(len(b.problems) for b in result.branches)
    widths = PROBLEMS.widths
    headers = PROBLEMS.headers
    parent_col = len(headers) if rolled_up(result) else None
    if parent_col is not None:
        headers, widths = (*headers, PARENT.header), (*widths, PARENT.width)
    pages = _Pages(wss, lambda ws, i: _header(ws, headers, widths, fmt,
                                                filter_rows=min(DATA_ROWS, total - i * DATA_ROWS)))
    # No cell format on the long sheets' text and numbers (as ever: it was 30% of a cell's
    # cost in XlsxWriter); the two long texts wrap.
    wrap, w_summary, w_detail = xf(fmt.wrap), widths[6], widths[7]
    for rec in result.branches:
        per_pid: dict[Any, int] = {}
        for m in rec.measures:
            per_pid[m.pid] = per_pid.get(m.pid, 0) + 1
        state = branch_state(rec)
        bid, org = rec.branch_id or "", rec.org_name or ""
        parent = rec.parent if parent_col is not None else None
        for pid, level, owner, category, summary, detail, source, row in rec.problems:  # Problem, unpacked
            pages.advance()
            cells = [(0, bid, ""), (1, org, ""),
                     (2, _str(pid), ""), (3, _str(level), ""), (4, _str(owner), ""), (5, _str(category), ""),
                     (6, _str(summary), wrap), (7, _str(detail), wrap), (8, _str(source), ""),
                     (9, per_pid.get(pid, 0), ""), (10, state, "")]
            # the row in the branch's own 问题清单 (its file is in 支部情况): a number costs less than text
            if row:
                cells.append((11, row, ""))
            if parent:
                cells.append((parent_col, parent, ""))
            pages.out.add(pages.r, cells, row_height(((summary, w_summary), (detail, w_detail))))
    return pages.parts


def _str(v: Any) -> str | None:
    return v if v is None or type(v) is str else str(v)


def _ledger(wss, result: CollectResult, fmt: _Fmt, notes: LedgerMarks | None) -> list[SheetRows]:
    total = sum(len(b.measures) for b in result.branches)
    parent = [PARENT.header] if rolled_up(result) else []
    headers = list(LEDGER.headers) + parent + [h for h in (notes.extra if notes else []) if h not in parent]
    leftovers = notes.leftovers if notes else []
    widths = LEDGER.widths + tuple(PARENT.width for _ in parent)
    parent_col = column_of(headers, PARENT.header)
    column = {h: c for c, h in enumerate(headers)}
    status_col = LEDGER.index("state")
    st = _Styles(fmt)
    row = _LedgerRow(fmt, result.as_of)

    def start(ws, i: int) -> None:
        rows = min(DATA_ROWS, total + len(leftovers) - i * DATA_ROWS)
        _header(ws, headers, widths + (16,) * (len(headers) - len(widths)), fmt, filter_rows=rows)
        if rows > 0:
            for status, cell_fmt in fmt.status.items():
                ws.conditional_format(1, status_col, rows, status_col,
                                      {"type": "cell", "criteria": "==", "value": f'"{status}"', "format": cell_fmt})
        ws.write_comment(0, status_col, f"截至 {format_date(result.as_of)}：已完成 / 已逾期 / 10天内到期 / 正常 / 长期坚持",
                         {"font_name": FONT})

    pages = _Pages(wss, start)
    g = 0  # the row over all parts: marks are placed by it
    for rec in result.branches:
        problems = {p.pid: p for p in rec.problems}
        for m in rec.measures:
            pages.advance()
            g += 1
            cells, height = row.cells(rec, m, problems.get(m.pid))
            if parent_col is not None and rec.parent:
                cells[parent_col] = (parent_col, rec.parent, "")
            if notes and g in notes.by_row:
                _marks_into(cells, notes.by_row[g], m, column, st)
            pages.out.add(pages.r, sorted(cells.values()), height)
    # Marks whose measure is no longer in any workbook stay visible at the end, with why.
    for mark in leftovers:
        pages.advance()
        pages.out.add(pages.r, _leftover(mark, column, st))
    return pages.parts


def _marks_into(cells: dict, kept: dict[str, Any], m, column: dict[str, int], st: _Styles) -> None:
    """The committee's marks carried over onto this measure's row."""
    for name, value in kept.items():
        if name == LEDGER.header("closed_date") and isinstance(m.closed_date, dt.date):
            continue  # the branch's own 销号日期 is the newer word
        for cell in st.typed((value,), start=column[name]):
            cells[cell[0]] = cell


def _leftover(mark, column: dict[str, int], st: _Styles) -> list[tuple[int, Any, str]]:
    cells = {}
    for key, value in (("branch_id", mark.branch_id), ("org_name", mark.org_name), ("pid", mark.pid),
                       ("measure", mark.measure)):
        for cell in st.typed((value,), start=LEDGER.index(key)):
            cells[cell[0]] = cell
    for name, value in mark.values.items():
        for cell in st.typed((value,), start=column[name]):
            cells[cell[0]] = cell
    cells[LEDGER.index("state")] = (LEDGER.index("state"), "未对应", "")
    cells[LEDGER.index("row")] = (LEDGER.index("row"), f"上次汇总表第{mark.row}行：本次报送中没有找到这条整改措施"
                                  f"（可能已被支部删除或改写），党委的标记保留在此，核实后可删除本行", "")
    return sorted(cells.values())


def column_of(headers, header: str) -> int | None:
    return headers.index(header) if header in headers else None


class _LedgerRow:
    """One measure's generated cells of 整改总台账: {column: (column, value, style)} and the row height.

    No cell format on text and numbers (as ever: the format lookup was 30% of a cell's cost
    in XlsxWriter); the long texts wrap and dates carry the date format.
    """

    _TEXT = ("pid", "measure", "owner", "status", "evidence")
    # only the long texts wrap: printed whole, on as many lines as they need
    _WRAPPED = ("summary", "measure", "evidence")

    def __init__(self, fmt: _Fmt, as_of: dt.date):
        self.date_fmt, self.as_of = xf(fmt.date), as_of
        self.col = {c.key: i for i, c in enumerate(LEDGER.columns)}
        self.width = {c.key: c.width for c in LEDGER.columns}
        wrap = xf(fmt.wrap)
        self.style = {k: (wrap if k in self._WRAPPED else "") for k in self.col}

    def cells(self, rec: BranchRecord, m, prob) -> tuple[dict[int, tuple[int, Any, str]], float | None]:
        col, width, style = self.col, self.width, self.style
        height = row_height(((prob.summary if prob else None, width["summary"]), (m.measure, width["measure"]),
                             (m.evidence, width["evidence"])))
        out: dict[int, tuple[int, Any, str]] = {}

        def text(key: str, value: Any) -> None:
            if value is not None:
                out[col[key]] = (col[key], _str(value), style[key])

        def date(key: str, value: Any) -> None:
            if isinstance(value, dt.date):
                out[col[key]] = (col[key], value, self.date_fmt)

        out[0] = (0, rec.branch_id or "", "")
        out[1] = (1, rec.org_name or "", "")
        if prob is not None:
            text("category", prob.category)
            text("summary", prob.summary)
        for key in self._TEXT:
            text(key, getattr(m, key))
        if isinstance(m.deadline, dt.date):
            date("deadline", m.deadline)
        else:
            text("deadline", m.deadline)
        date("done_date", m.done_date)
        date("closed_date", m.closed_date)
        state = measure_status(m.deadline, m.status, m.done_date, self.as_of)
        out[col["state"]] = (col["state"], state, "")
        if isinstance(m.deadline, dt.date) and state != ST_DONE:
            out[col["days_left"]] = (col["days_left"], (m.deadline - self.as_of).days, "")
        if m.row:
            out[col["row"]] = (col["row"], m.row, "")
        return out, height


def _appraisal(ws, result: CollectResult, fmt: _Fmt) -> SheetRows:
    _header(ws, APPRAISAL.headers, APPRAISAL.widths, fmt)
    out, st = SheetRows(ws), _Styles(fmt)
    sums = [0] * (len(APPRAISALS) + 3)
    r = 0
    for rec in result.branches:
        c = rec.counts
        rated = sum(c[a] for a in ("优秀", "合格", "基本合格", "不合格"))
        nums = [c["应到"], rated, *(c[a] for a in APPRAISALS), c["评议未填"]]
        r += 1
        cells = [(0, rec.branch_id or "", st.text), (1, rec.org_name or "", st.text)]
        for i, v in enumerate(nums):
            cells.append((2 + i, v, st.int))
            sums[i] += v
        if rated:
            cells.append((2 + len(nums), c["优秀"] / rated, st.pct))
        out.add(r, cells)
    r += 1
    cells = [(1, APPRAISAL_TOTAL, st.total), *((2 + i, v, st.total) for i, v in enumerate(sums))]
    if sums[1]:
        cells.append((2 + len(sums), sums[2] / sums[1], st.pct))
    out.add(r, cells)
    return out


def _missing(ws, result: CollectResult, fmt: _Fmt) -> None:
    columns = (*MISSING.columns, PARENT) if rolled_up(result) else MISSING.columns
    _header(ws, [c.header for c in columns], [c.width for c in columns], fmt, filter_rows=len(result.missing))
    for r, b in enumerate(result.missing, start=1):
        for c, key in enumerate(col.key for col in columns):
            _put(ws, r, c, b.get(key), fmt)
    if not result.roster:
        # Under 情况, never under 支部编号 or 党组织名称: whoever reads the sheet back
        # (remind) must not take the sentence for a branch.
        ws.write_string(1, MISSING.index("note"), "未提供周期设置表（--cycle），无法判断哪些支部未报送", fmt.note)


def _files(ws, result: CollectResult, fmt: _Fmt) -> None:
    _header(ws, FILES.headers, FILES.widths, fmt, filter_rows=len(result.files))
    for r, f in enumerate(result.files, start=1):
        ws.write_number(r, 0, r, fmt.int)
        ws.write_string(r, 1, f.shown, fmt.text)
        ws.write_string(r, 2, f.outcome, fmt.text)
        _put(ws, r, 3, f.reason, fmt)
        _put(ws, r, 4, f.org_name, fmt)
        _put(ws, r, 5, f.branch_id, fmt)
        ws.write_number(r, 6, round(f.size / 1024, 1), fmt.kb)
        if f.mtime:
            ws.write_string(r, 7, dt.datetime.fromtimestamp(f.mtime).strftime("%Y-%m-%d %H:%M"), fmt.text)
        _put(ws, r, FILES.index("code"), f.code, fmt)


def _record_issues(ws, r: int, shown: str, rec: BranchRecord, fmt: _Fmt) -> int:
    for i in rec.issues:
        r += 1
        level = "错误" if i.severity is Severity.ERROR else "提醒"
        for c, v in enumerate((shown, rec.org_name, rec.branch_id, level, i.code.value, i.sheet, i.cell, i.value,
                               i.message)):
            _put(ws, r, c, v, fmt)
    return r


def _issues(ws, result: CollectResult, fmt: _Fmt) -> None:
    headers = ISSUES.headers
    _header(ws, headers, ISSUES.widths, fmt)
    r = 0
    by_file = {rec.file: rec for rec in (*result.branches, *result.others)}
    lower = {s.file: s for s in result.lower}
    for f in result.files:
        rec = by_file.get(f.shown)
        if rec is not None:
            r = _record_issues(ws, r, f.shown, rec, fmt)
        elif f.shown in lower:  # a lower 汇总表: its branches' issues, each under the branch's own file
            for rec in lower[f.shown].branches:
                r = _record_issues(ws, r, rec.file, rec, fmt)
        elif f.outcome == UNREADABLE:
            r += 1
            for c, v in enumerate((f.shown, "", "", "错误", "unreadable-file", "", "", "", f.reason)):
                _put(ws, r, c, v, fmt)
    ws.autofilter(0, 0, max(r, 1), len(headers) - 1)
