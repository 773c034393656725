"""Write the branch and cycle workbooks from the schema.

XlsxWriter writes both the plain .xlsx templates and the macro-enabled .xlsm
ones (buttons and a VBA project), so there is one writer for every workbook a
person fills. Every value is written as what it is (text stays text: a cell
starting with "=" never becomes a formula).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import xlsxwriter

from toolkit.core.cells import col_letter
from toolkit.io.fsutil import atomic_path
from toolkit.schema.content import Content, branch_meta
from toolkit.schema.meeting_kinds import Terms, kind_of
from toolkit.schema.workbooks import (
    BRANCH_KIND,
    BRANCH_SHEETS,
    CYCLE_KIND,
    CYCLE_SHEETS,
    INSTRUCTIONS_SHEET,
    LONG_TERM,
    META_SHEET,
    OPTIONS_SHEET,
    TALLY_RULE_TEXT,
    TEMPLATE_VERSION,
    Column,
    Sheet,
    T,
    choice_lists,
)

# Rows prepared with validation on each list sheet. LibreOffice keeps validation
# only up to 1000 rows below the last used row when it saves, so more would not
# survive a round trip through LibreOffice or WPS.
INPUT_ROWS = 1000
# A number too large to be a date (20230825, as people type dates) shows as typed:
# with a plain date format Excel shows ##### and LibreOffice #FMT.
DATE_FORMAT = "[<=2958465]yyyy-m-d;0"
LAST_COLUMN = 16383  # XFD
FONT = "宋体"
HEADER_FILL = "#9E1B1B"
FORM_FILL = "#F3E7D3"

Rows = Sequence[Mapping[str, Any]]


@dataclass
class MacroParts:
    """A VBA project and the buttons that call it (see excel_build.py)."""

    vba_project: bytes
    buttons: Sequence[tuple[str, str, str]]  # (cell, caption, macro name)
    config: Mapping[str, str] = field(default_factory=dict)  # xlwings.conf sheet


def from_headers(sheet: Sheet, record: Mapping[str, Any]) -> dict[str, Any]:
    """A row keyed by Chinese headers -> keyed by column keys (unknown headers ignored)."""
    by_header = sheet.by_header
    return {by_header[h].key: v for h, v in record.items() if h in by_header}


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": FONT, "font_size": 11, "valign": "top"}
        self.title = wb.add_format({**base, "bold": True, "font_size": 16, "valign": "vcenter"})
        self.header = wb.add_format({**base, "bold": True, "font_color": "#FFFFFF",
                                     "bg_color": HEADER_FILL, "border": 1, "align": "center",
                                     "valign": "vcenter", "text_wrap": True, "locked": True})
        self.key = wb.add_format({**base, "bold": True, "bg_color": FORM_FILL, "border": 1,
                                  "locked": True, "valign": "vcenter"})
        self.help = wb.add_format({**base, "font_color": "#595959", "text_wrap": True,
                                   "border": 1, "locked": True, "valign": "vcenter"})
        self.text = wb.add_format({**base, "text_wrap": True, "border": 1, "border_color": "#BFBFBF",
                                   "locked": False, "num_format": "@"})
        self.number = wb.add_format({**base, "border": 1, "border_color": "#BFBFBF",
                                     "locked": False, "align": "center"})
        self.date = wb.add_format({**base, "border": 1, "border_color": "#BFBFBF", "locked": False,
                                   "num_format": DATE_FORMAT, "align": "center"})
        # right of a table: people add their own columns there, and a row can only
        # be inserted or deleted (Excel, WPS, LibreOffice) when none of its cells is locked
        self.free = wb.add_format({**base, "locked": False})
        self.plain = wb.add_format({**base, "text_wrap": True})
        self.bold = wb.add_format({**base, "bold": True, "text_wrap": True})
        self.table_header = wb.add_format({**base, "bold": True, "bg_color": FORM_FILL, "border": 1,
                                           "text_wrap": True, "valign": "vcenter"})
        self.table_cell = wb.add_format({**base, "border": 1, "text_wrap": True})

    def for_type(self, col_type: T):
        if col_type in (T.DATE, T.DEADLINE):
            return self.date
        if col_type is T.INT:
            return self.number
        return self.text


def _write_value(ws, row: int, col: int, value: Any, fmt) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, (dt.date, dt.datetime)):
        ws.write_datetime(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _range_of_list(lists: dict[str, tuple[str, ...]], name: str) -> str:
    col = col_letter(list(lists).index(name) + 1)
    return f"='{OPTIONS_SHEET}'!${col}$2:${col}${len(lists[name]) + 1}"


def _validation(col: Column, lists: dict[str, tuple[str, ...]]) -> dict | None:
    """Data validation for a column: dropdowns and dates warn but accept what people type."""
    title = col.header[:32]
    message = (col.help or f"请填写{col.header}")[:250]
    if col.choices:
        return {"validate": "list", "source": _range_of_list(lists, col.choices),
                "input_title": title, "input_message": message, "error_type": "warning",
                "error_title": "不在下拉选项中",
                "error_message": f"“{col.header}”请从下拉列表中选择。点“是”保留输入，点“否”重新填写。"}
    if col.type is T.DATE:
        return {"validate": "date", "criteria": "between", "minimum": dt.date(1950, 1, 1),
                "maximum": dt.date(2100, 12, 31), "input_title": title,
                "input_message": (message + "。日期如 2023-8-25 或 20230825")[:250],
                "error_type": "warning", "error_title": "日期格式",
                "error_message": "请填写日期，如 2023-8-25。写成 20230825 或 2023年8月25日 也能识别，点“是”保留输入。"}
    if col.type is T.DEADLINE:
        return {"validate": "any", "input_title": title,
                "input_message": f"填写日期（如 2023-12-31），或填写“{LONG_TERM}”"}
    if col.type is T.INT:
        return {"validate": "integer", "criteria": ">=", "value": 0, "input_title": title,
                "input_message": message, "error_type": "warning",
                "error_title": "请填写整数", "error_message": "请填写整数，如 12。"}
    if col.help:
        return {"validate": "any", "input_title": title, "input_message": message}
    return None


_PROTECT = {"format_cells": True, "format_columns": True, "format_rows": True,
            "insert_rows": True, "delete_rows": True, "insert_columns": True,
            "sort": True, "autofilter": True, "select_locked_cells": True,
            "select_unlocked_cells": True}


def _page_setup(ws, landscape: bool) -> None:
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.fit_to_pages(1, 0)
    ws.set_footer("&C第 &P 页，共 &N 页")


def _write_list(wb, ws, sheet: Sheet, rows: Rows, fmts: _Formats, lists) -> None:
    ncols = len(sheet.columns)
    for c, col in enumerate(sheet.columns):
        ws.set_column(c, c, col.width, fmts.for_type(col.type))
        header = col.header
        ws.write_string(0, c, header, fmts.header)
        note = col.help or ""
        if col.required:
            note = "【必填】" + note
        elif col.required_if:
            note = "【条件必填】" + note
        if col.choices:
            note += ("；" if note else "") + "可选：" + "、".join(lists[col.choices])
        if col.example not in ("", None):
            example = col.example.isoformat() if isinstance(col.example, dt.date) else col.example
            note += ("；" if note else "") + f"示例：{example}"
        if note:
            ws.write_comment(0, c, note, {"author": "orglife", "x_scale": 2.2, "y_scale": 1.6,
                                          "font_name": FONT})
        rule = _validation(col, lists)
        if rule:
            ws.data_validation(1, c, INPUT_ROWS, c, rule)
    # Cells right of the table are unlocked (LibreOffice cannot insert or delete rows
    # otherwise). XlsxWriter would stretch the sheet's <dimension> to column XFD for
    # that column format, and readers size their grid from it (rows × 16,384 cells):
    # the dimension keeps to the table.
    used = ws.dim_colmax
    ws.set_column(ncols, LAST_COLUMN, 10, fmts.free)
    ws.dim_colmax = used
    ws.set_row(0, 30)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, 0, ncols - 1)
    for r, record in enumerate(rows, start=1):
        for c, col in enumerate(sheet.columns):
            _write_value(ws, r, c, record.get(col.key), fmts.for_type(col.type))
    ws.repeat_rows(0)
    _page_setup(ws, landscape=sum(c.width for c in sheet.columns) > 95)
    ws.protect("", _PROTECT)


def _write_form(ws, sheet: Sheet, values: Mapping[str, Any], fmts: _Formats, lists) -> None:
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 60, fmts.text)
    ws.set_column(2, 2, 40)
    ws.write_string(0, 0, "项目", fmts.header)
    ws.write_string(0, 1, "内容", fmts.header)
    ws.write_string(0, 2, "填写说明", fmts.header)
    for r, col in enumerate(sheet.columns, start=1):
        ws.write_string(r, 0, col.header, fmts.key)
        _write_value(ws, r, 1, values.get(col.key), fmts.for_type(col.type))
        tip = ("【必填】" if col.required else "") + (col.help or "")
        ws.write_string(r, 2, tip, fmts.help)
        rule = _validation(col, lists)
        if rule:
            ws.data_validation(r, 1, r, 1, rule)
        tall = col.type is T.LONGTEXT
        ws.set_row(r, 48 if tall else 22)
    ws.freeze_panes(1, 0)
    ws.repeat_rows(0)
    _page_setup(ws, landscape=False)
    ws.protect("", _PROTECT)


def _write_options(ws, lists: dict[str, tuple[str, ...]], fmts: _Formats) -> None:
    for c, (name, values) in enumerate(lists.items()):
        ws.write_string(0, c, name, fmts.header)
        ws.set_column(c, c, 14)
        for r, value in enumerate(values, start=1):
            ws.write_string(r, c, value)
    ws.hide()


def _write_meta(ws, meta: Mapping[str, str]) -> None:
    for r, (k, v) in enumerate(meta.items()):
        ws.write_string(r, 0, k)
        ws.write_string(r, 1, str(v))
    ws.very_hidden()


def requirement_text(sheet: Sheet, col: Column) -> str:
    if col.required:
        return "必填"
    if col.required_if:
        other, value = col.required_if
        shown = {True: "是", False: "否"}.get(value, value) if isinstance(value, bool) else value
        return f"当“{sheet.column(other).header}”为“{shown}”时必填"
    return "选填"


def _type_text(col: Column, lists) -> str:
    if col.choices:
        return "下拉选择：" + "、".join(lists[col.choices])
    return col.type.value


INTRO = (
    "本表用于支部填报组织生活会相关材料。填好后可生成《情况报告》《对照检查材料》《整改清单》，"
    "并报送上级党组织汇总。",
    "一、请在白色单元格中填写，表头（深红色行）和“基本信息”的 A 列请勿改动；列的顺序可以调整，可以插入、删除行，可以在右侧增加自己的列。",
    "二、日期可以写成 2023-8-25、2023/8/25、2023.8.25、2023年8月25日 或 20230825；“是/否”可以写 √/×。",
    "三、带下拉箭头的单元格请从列表中选择；把鼠标停在表头上可以看到填写提示。",
    "四、填好后检查：在启用宏的版本（.xlsm）中点本页的“检查填写”按钮，检查结果写在“检查结果”工作表里，"
    "一次列出所有问题，并指明工作表和单元格。",
    "五、生成材料：点“生成材料”按钮，材料生成在本文件旁边的文件夹里。使用 WPS、LibreOffice 或不带按钮的 .xlsx 时，"
    "先保存并关闭本文件，再把它拖到随表下发的“生成材料.cmd”图标上：会先检查，没有错误就生成材料，效果与按钮相同。",
    "六、问题清单中的每个问题都应在整改台账中有至少一条整改措施，整改台账的“问题编号”须与问题清单一致。",
    "七、" + TALLY_RULE_TEXT,
)


LINE_HEIGHT = 15  # points per line of 11 pt 宋体 / Noto CJK, as LibreOffice and WPS lay it out


def _text_width(text: str) -> float:
    """Width in Excel column units: a CJK character takes about two."""
    return sum(2.1 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)


def _height_for(texts_and_widths: Sequence[tuple[str, float]], minimum: float = LINE_HEIGHT + 3) -> float:
    """A row height that shows every wrapped text whole. LibreOffice does not fit
    rows to wrapped text when it opens an .xlsx, and nobody fits merged cells."""
    lines = 1
    for text, width in texts_and_widths:
        usable = max(width - 1.5, 1)
        lines = max(lines, sum(max(1, math.ceil(_text_width(part) / usable)) for part in str(text).split("\n")))
    return max(minimum, lines * LINE_HEIGHT + 4)


def _write_instructions(ws, sheets: Sequence[Sheet], lists, fmts: _Formats, title: str,
                        intro: Sequence[str], extra: Sequence[tuple[str, str]] = ()) -> int:
    widths = (14, 16, 22, 34, 40, 26)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.write_string(0, 0, title, fmts.title)
    ws.set_row(0, 30)
    r = 1
    for line in intro:
        ws.merge_range(r, 0, r, len(widths) - 1, line, fmts.plain)
        ws.set_row(r, _height_for([(line, sum(widths))]))
        r += 1
    r += 1
    heads = ("工作表", "字段", "是否必填", "类型 / 可选值", "填写说明", "示例")
    for c, h in enumerate(heads):
        ws.write_string(r, c, h, fmts.table_header)
    header_row = r
    r += 1
    for sheet in sheets:
        if sheet.help:  # what the sheet is for, then its fields
            ws.write_string(r, 0, sheet.name, fmts.table_header)
            ws.merge_range(r, 1, r, len(widths) - 1,
                           sheet.help + ("可选工作表，不用可以空着。" if sheet.optional else ""), fmts.table_header)
            r += 1
        for col in sheet.columns:
            example = col.example
            if isinstance(example, dt.date):
                example = example.isoformat()
            cells = (sheet.name, col.header, requirement_text(sheet, col), _type_text(col, lists),
                     col.help, "" if example in (None, "") else str(example))
            for c, v in enumerate(cells):
                ws.write_string(r, c, v, fmts.table_cell)
            ws.set_row(r, _height_for(list(zip(cells, widths))))
            r += 1
    if extra:
        r += 1
        ws.merge_range(r, 0, r, len(widths) - 1, "材料质量提示（只提醒，不影响生成）", fmts.bold)
        r += 1
        for rule, why in extra:
            ws.merge_range(r, 0, r, 2, rule, fmts.table_cell)
            ws.merge_range(r, 3, r, len(widths) - 1, why, fmts.table_cell)
            ws.set_row(r, _height_for([(rule, sum(widths[:3])), (why, sum(widths[3:]))]))
            r += 1
    ws.repeat_rows(header_row)
    _page_setup(ws, landscape=True)
    ws.protect("", _PROTECT)
    ws.activate()
    return r


def _created(meta: Mapping[str, str]) -> dt.datetime:
    """The file's creation time is the 生成时间 in _meta, so a fixed stamp gives a stable file."""
    try:
        return dt.datetime.strptime(meta.get("生成时间", ""), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return dt.datetime.now()


def quality_rules() -> Sequence[tuple[str, str]]:
    """Quality hints stated in 填写说明 (provided by quality.py when present)."""
    try:
        from toolkit.branch.quality import RULE_TEXTS
    except ImportError:
        return ()
    return RULE_TEXTS


def write_branch_workbook(path: str | os.PathLike, content: Content | None = None, *,
                          macro: MacroParts | None = None) -> None:
    """A branch workbook: blank (template), pre-filled (distribute) or filled (demo)."""
    content = content or Content()
    meta = {**branch_meta(), **content.meta}
    lists = choice_lists(content.categories, content.sections)
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                            "strings_to_urls": False})
        wb.set_properties({"title": BRANCH_KIND, "author": "orglife", "comments": "组织生活会工作台生成",
                           "created": _created(meta)})
        if macro:
            wb.set_vba_name("ThisWorkbook")
            wb.add_vba_project(io.BytesIO(macro.vba_project), is_stream=True)
        fmts = _Formats(wb)
        guide = wb.add_worksheet(INSTRUCTIONS_SHEET)
        if macro:
            guide.set_vba_name("Sheet1")
        terms = kind_of(content.info.get("meeting_type")).terms
        sheets = [_in_words(sheet, terms) for sheet in BRANCH_SHEETS]
        end = _write_instructions(guide, sheets, lists, fmts, f"{terms.workbook} · 填写说明",
                                  [terms.speak(line) for line in INTRO],
                                  [(terms.speak(rule), terms.speak(why)) for rule, why in quality_rules()])
        for sheet in sheets:
            ws = wb.add_worksheet(sheet.name)
            if sheet.form:
                _write_form(ws, sheet, content.info, fmts, lists)
            else:
                _write_list(wb, ws, sheet, content.tables.get(sheet.key, []), fmts, lists)
        _write_options(wb.add_worksheet(OPTIONS_SHEET), lists, fmts)
        _write_meta(wb.add_worksheet(META_SHEET), meta)
        if macro:
            _add_macro_parts(wb, guide, macro, end)
        wb.close()


def _in_words(sheet: Sheet, terms: Terms) -> Sheet:
    """A sheet whose help speaks the words of the workbook's meeting kind (班子 for a 民主生活会)."""
    if not terms.rewording:
        return sheet
    return replace(sheet, help=terms.speak(sheet.help),
                   columns=tuple(replace(c, help=terms.speak(c.help)) for c in sheet.columns))


def _add_macro_parts(wb, first_sheet, macro: MacroParts, end_row: int) -> None:
    for cell, caption, name in macro.buttons:
        first_sheet.insert_button(cell, {"macro": name, "caption": caption, "width": 150, "height": 36,
                                         "font": {"name": FONT, "size": 12, "bold": True}})
    if macro.config:
        conf = wb.add_worksheet("xlwings.conf")
        for r, (k, v) in enumerate(macro.config.items()):
            conf.write_string(r, 0, k)
            conf.write_string(r, 1, v)
        conf.very_hidden()


CYCLE_INTRO = (
    "本表由党委（党总支）组织部门填写，用于下发支部填报表和汇总支部报送的材料。",
    "一、“基本设置”填写本次会议的上级党组织、会议类型、年度、主题、依据文件和召开截止日期。",
    "二、“支部名册”每个支部一行，“支部编号”须唯一；“党员名册”列出各支部党员，下发时预填到各支部的参会人员表。",
    "三、“问题类别”一行一个，不填则使用默认的理论学习、政治素质、能力本领、担当作为、工作作风、廉洁自律六个方面。"
    "“专项剖析项目”列出各支部都要填写的专项检视剖析，下发后成为支部填报表“专项剖析”的下拉选项（典型案例剖析始终可选）。",
    "四、填好后交给管理本工具的同志，为每个支部生成预填好的填报表下发。回收后把放回收文件的文件夹（或邮箱下载的 .zip）"
    "拖到“汇总.cmd”图标上（把本文件放在“汇总.cmd”旁边），或在汇总台中点“汇总回收文件”按钮，即可汇总。",
)


def write_cycle_workbook(path: str | os.PathLike, content: Content | None = None) -> None:
    """The committee's cycle workbook (周期设置), blank or filled."""
    content = content or Content()
    meta = {"模板版本": TEMPLATE_VERSION, "表类型": CYCLE_KIND,
            "生成时间": dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S"), **content.meta}
    lists = choice_lists()
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                            "strings_to_urls": False})
        wb.set_properties({"title": CYCLE_KIND, "author": "orglife", "created": _created(meta)})
        fmts = _Formats(wb)
        _write_instructions(wb.add_worksheet(INSTRUCTIONS_SHEET), CYCLE_SHEETS, lists, fmts,
                            "组织生活会周期设置 · 填写说明", CYCLE_INTRO)
        for sheet in CYCLE_SHEETS:
            ws = wb.add_worksheet(sheet.name)
            if sheet.form:
                _write_form(ws, sheet, content.info, fmts, lists)
            else:
                rows = content.tables.get(sheet.key, [])
                _write_list(wb, ws, sheet, rows, fmts, lists)
        _write_options(wb.add_worksheet(OPTIONS_SHEET), lists, fmts)
        _write_meta(wb.add_worksheet(META_SHEET), meta)
        wb.close()
