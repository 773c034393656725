"""What the Excel buttons run: the only module that imports xlwings.

``orglife-excel`` (console script, ``main``) is the interpreter that
``orglife excel-setup`` configures as xlwings' ``INTERPRETER_WIN``. xlwings'
``RunPython`` starts it exactly as it would start python::

    orglife-excel.exe -B -c "import xlwings.utils;xlwings.utils.prepare_sys_path(\\"<flag>;<full name>;<full name>;…\\"); import <file name>;<file name>.main()" --wb="<file name>" --from_xl=1 --app="…" --hwnd="…"

The code after ``-c`` is built from the workbook's file name by the
quickstart's ``SampleCall`` and breaks as soon as a branch renames its copy,
so for orglife's own workbooks (``_meta`` sheet says 支部填报表 or 汇总台) it
is never run: ``main`` takes the full name out of ``prepare_sys_path``'s
argument and dispatches by workbook kind and by the pressed button's caption
(``Application.Caller`` names the button). Every other workbook's code runs
as ``python -c`` would run it, so configuring this interpreter does not break
other xlwings workbooks. See toolkit/writers/excel_build.py and docs/宏按钮.md.

The buttons call the same library functions as the command line
(``workflows.branch.check_workbook``, ``render_workbook``, ``collect``) and show the same Chinese
messages, in the ``检查结果`` sheet and a message box instead of a console.
``check_button``/``render_button``/``collect_button`` can also be called from
a workbook's own VBA: ``RunPython "import toolkit.app.excel_entry as e;e.check_button()"``.
"""

from __future__ import annotations

import ast
import builtins
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.app.present import summary_line
from toolkit.errors import Report, Severity, ToolkitError, UsageError

TITLE = "组织生活会工作台"
RESULT_SHEET = "检查结果"
RESULT_HEADERS = ["工作表", "单元格", "类别", "问题说明"]
OUTPUT_SUFFIX = "_材料"  # documents go to <folder of the workbook>/<file name>_材料, like 生成材料.cmd

_SYS_PATH_ARG = re.compile(r'prepare_sys_path\(\s*("(?:[^"\\]|\\.)*")\s*\)')


# --- what xlwings passed ---------------------------------------------------------

@dataclass
class XlwingsCall:
    """python-style arguments as RunPython passes them."""

    code: str | None
    rest: list[str] = field(default_factory=list)  # what python would put in sys.argv[1:]

    @property
    def fullname(self) -> Path | None:
        """ThisWorkbook.FullName, the 3rd field of prepare_sys_path's argument."""
        if not self.code:
            return None
        match = _SYS_PATH_ARG.search(self.code)
        if not match:
            return None
        try:
            text = ast.literal_eval(match.group(1))
        except (SyntaxError, ValueError):
            return None
        fields = os.path.expandvars(text).split(";")
        for name in (fields[2:3] + fields[1:2]):
            if name and "://" not in name:
                return Path(name)
        return None

    @property
    def book_name(self) -> str | None:
        for arg in self.rest:
            if arg.startswith("--wb="):
                return arg.split("=", 1)[1].strip().strip('"')
        return None


def parse_call(argv: list[str]) -> XlwingsCall:
    """Split python's command line: interpreter options, ``-c CODE``, then the script's arguments."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "-c":
            if i + 1 >= len(argv):
                raise UsageError("参数错误：-c 后面缺少要运行的代码")
            return XlwingsCall(code=argv[i + 1], rest=argv[i + 2:])
        if arg.startswith("-c") and len(arg) > 2:
            return XlwingsCall(code=arg[2:], rest=argv[i + 1:])
        if not arg.startswith("-") or arg == "-":
            break
        i += 1
    return XlwingsCall(code=None, rest=argv[i:])


def workbook_kind(path: Path | None) -> str | None:
    """表类型 from an orglife workbook's _meta sheet, or None for any other file."""
    from toolkit.schema.workbooks import BRANCH_KIND
    from toolkit.writers.excel_build import DESK_KIND

    if path is None or not path.is_file():
        return None
    try:
        from toolkit.branch.read import open_workbook, read_meta
        from toolkit.schema.workbooks import META_SHEET

        wb = open_workbook(path)
        if META_SHEET not in wb.sheet_names:
            return None
        kind = read_meta(wb).get("表类型")
    except Exception:  # not ours or not readable: treat it as any other workbook
        return None
    return kind if kind in (BRANCH_KIND, DESK_KIND) else None


def run_as_python(call: XlwingsCall) -> int:
    """Behave like ``python -c CODE ARGS`` for workbooks that are not orglife's."""
    sys.argv = ["-c", *call.rest]
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    exec(compile(call.code, "<string>", "exec"), namespace)
    return 0


USAGE = ("orglife-excel 由 Excel 中的按钮通过 xlwings 调用，不需要手动运行。\n"
         "请先运行 orglife excel-setup 完成设置，然后在启用宏的工作簿中点按钮。")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        call = parse_call(argv)
    except UsageError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    if call.code is None:
        sys.stderr.write(USAGE + "\n")
        return 2
    kind = workbook_kind(call.fullname)
    if kind is None:
        return run_as_python(call)
    return run_button(kind)


# --- the buttons --------------------------------------------------------------------

def run_button(kind: str) -> int:
    """Dispatch an orglife workbook's button; every outcome ends in a message box."""
    from toolkit.writers.excel_build import DESK_KIND

    try:
        book = _caller()
    except Exception as exc:  # no Excel to talk to: xlwings shows stderr in its error box
        sys.stderr.write(f"无法连接调用按钮的 Excel 工作簿（{type(exc).__name__}: {exc}）。"
                         "请确认已安装 pywin32，并从 Excel 中点按钮运行。\n")
        return 1
    try:
        if kind == DESK_KIND:
            _collect(book)
        else:
            action = pressed_action(book)
            if action == "render":
                _render(book)
            else:
                _check(book)
    except ToolkitError as exc:
        return _tell(book, str(exc))
    except Exception as exc:  # a bug: say so in Chinese instead of xlwings' English traceback box
        if os.environ.get("ORGLIFE_DEBUG"):
            raise
        return _tell(book, f"程序内部错误（{type(exc).__name__}: {exc}）。请把这条信息和所用文件发给维护人员。")
    return 0


def check_button() -> None:
    _check(_caller())


def render_button() -> None:
    _render(_caller())


def collect_button() -> None:
    _collect(_caller())


def _caller():
    import xlwings as xw

    return xw.Book.caller()


def _tell(book, message: str) -> int:
    try:
        book.app.alert(message, title=TITLE)
        return 0
    except Exception:  # no message box: xlwings shows stderr when the exit status is not 0
        sys.stderr.write(message + "\n")
        return 1


def pressed_action(book) -> str:
    """"check" or "render", from the caption of the button Excel reports as Application.Caller."""
    from toolkit.schema.workbooks import INSTRUCTIONS_SHEET
    from toolkit.writers.excel_build import CHECK_CAPTION, RENDER_CAPTION

    caption = None
    try:
        caller = book.app.api.Caller
        if isinstance(caller, str):
            shape = book.sheets[INSTRUCTIONS_SHEET].api.Shapes(caller)
            caption = str(shape.TextFrame.Characters().Text).strip()
    except Exception:
        caption = None
    if caption == RENDER_CAPTION:
        return "render"
    if caption == CHECK_CAPTION:
        return "check"
    # The button could not be identified (another Excel version, a copied button): ask.
    answer = book.app.alert(f"检查后是否同时生成材料？\n“是”：{RENDER_CAPTION}；“否”：只{CHECK_CAPTION}。",
                            title=TITLE, buttons="yes_no")
    return "render" if answer == "yes" else "check"


def _saved_path(book) -> Path:
    """Save the open workbook, so the file on disk is what the user sees, and return its path."""
    try:
        book.save()
    except Exception as exc:
        raise UsageError(f"无法保存工作簿 {book.name}：{exc}。如果是从邮件或网页直接打开的，"
                         "请先另存到本机文件夹再点按钮。") from exc
    path = Path(book.fullname)
    if not path.is_file():
        raise UsageError(f"找不到工作簿文件 {path}。请先把工作簿保存到本机文件夹（不要直接在网盘或邮件中打开）。")
    return path


def check_report(path: Path) -> tuple[Report, dict | None]:
    from toolkit.workflows.branch import check_workbook

    checked = check_workbook(path)
    return checked.report, checked.figures


def result_rows(report: Report) -> list[list[str]]:
    """检查结果 rows: sheet, cell (a link to it), kind, message; a line of its own when clean."""
    rows = [list(RESULT_HEADERS)]
    for item in report.issues:
        kind = "错误" if item.severity is Severity.ERROR else "提醒"
        rows.append([item.sheet, _link(item.sheet, item.cell), kind, item.message])
    if not report.issues:
        rows.append(["", "", "", "检查通过，没有发现问题。"])
    return rows


def _link(sheet: str, cell: str) -> str:
    if not (sheet and cell):
        return cell or ""
    target = "#'" + sheet.replace("'", "''") + "'!" + cell
    # HYPERLINK works in Excel, WPS and LibreOffice alike and survives copying the sheet
    return f'=HYPERLINK("{target}","{cell}")'


def write_results(book, report: Report) -> None:
    names = [s.name for s in book.sheets]
    if RESULT_SHEET in names:
        sheet = book.sheets[RESULT_SHEET]
        sheet.clear()
    else:
        sheet = book.sheets.add(RESULT_SHEET, after=book.sheets[0])
    sheet.range("A1").value = result_rows(report)
    sheet.activate()


PROPOSED_HEADER = "拟定等次"
_HEADER_SCAN = 40  # columns of 参会人员 looked at for its headers
_ROW_LIMIT = 2000


def write_proposals(book, proposals: list[dict[str, str]]) -> None:
    """Each member's proposed 等次 (the tally of 民主评议计票) into a 拟定等次 column of 参会人员.

    Only the button writes into the open workbook; the command line never modifies its input.
    The column is found by its header, or added after the last header.
    """
    from toolkit.core.cells import a1
    from toolkit.core.values import clean_text
    from toolkit.schema.workbooks import MEMBERS

    if not proposals or MEMBERS.name not in [s.name for s in book.sheets]:
        return
    sheet = book.sheets[MEMBERS.name]

    def text(row: int, col: int) -> str:
        value = sheet.range(a1(row, col)).value
        return "" if value is None else clean_text(value)

    headers = [text(1, c) for c in range(1, _HEADER_SCAN + 1)]
    if "姓名" not in headers:
        return
    name_col = headers.index("姓名") + 1
    if PROPOSED_HEADER in headers:
        col = headers.index(PROPOSED_HEADER) + 1
    else:
        col = max(i for i, h in enumerate(headers, start=1) if h) + 1
        sheet.range(a1(1, col)).value = PROPOSED_HEADER
    proposed = {p["name"]: p["proposed"] for p in proposals}
    for row in range(2, _ROW_LIMIT):
        name = text(row, name_col)
        if not name and not text(row + 1, name_col):
            break
        if name:
            sheet.range(a1(row, col)).value = proposed.get(name.replace(" ", ""), "")


def _check(book) -> Report:
    path = _saved_path(book)
    report, figures = check_report(path)
    write_results(book, report)
    write_proposals(book, report.appraisal)
    errors, warnings = len(report.errors), len(report.warnings)
    if errors:
        book.app.alert(f"{path.name} 有 {errors} 个错误" + (f"、{warnings} 条提醒" if warnings else "")
                       + f"，已列在“{RESULT_SHEET}”工作表中（点单元格可跳到出错的位置）。改好后再点按钮。",
                       title=TITLE)
    else:
        text = f"{path.name} 检查通过。" + (summary_line(figures) if figures else "")
        if warnings:
            text += f"\n另有 {warnings} 条提醒，见“{RESULT_SHEET}”工作表，不影响生成材料。"
        book.app.alert(text, title=TITLE)
    return report


def output_dir(path: Path) -> Path:
    return path.parent / f"{path.stem}{OUTPUT_SUFFIX}"


def _render(book) -> None:
    from toolkit.branch.validate import unreadable_report
    from toolkit.errors import WorkbookError
    from toolkit.workflows.branch import WorkbookHasErrors, render_workbook

    path = _saved_path(book)
    out = output_dir(path)
    try:  # one read: the workflow checks, and renders only a workbook without errors
        result = render_workbook(path, out)
    except (WorkbookHasErrors, WorkbookError) as exc:
        report = exc.report if isinstance(exc, WorkbookHasErrors) else unreadable_report(path, exc)
        write_results(book, report)
        book.app.alert(f"{path.name} 有 {len(report.errors)} 个错误，没有生成材料。"
                       f"错误已列在“{RESULT_SHEET}”工作表中（点单元格可跳到出错的位置），改好后再点“生成材料”。",
                       title=TITLE)
        return
    report, figures = result.report, result.figures
    write_results(book, report)
    write_proposals(book, report.appraisal)
    names = "\n".join(f"  {Path(p).name}" for p in result.written)
    text = (f"{path.name} 检查通过。" + (summary_line(figures) if figures else "")
            + f"\n\n已生成 {len(result.written)} 份材料，保存在：\n{out}\n{names}")
    if report.warnings:
        text += f"\n\n另有 {len(report.warnings)} 条提醒，见“{RESULT_SHEET}”工作表。"
    book.app.alert(text, title=TITLE)


# --- the committee's desk ------------------------------------------------------------

def _desk_setting(book, row: int) -> str:
    from toolkit.writers.excel_build import DESK_SHEET

    value = book.sheets[DESK_SHEET].range(f"B{row}").value
    return "" if value is None else str(value).strip()


def _beside(base: Path, text: str) -> Path:
    path = Path(os.path.expandvars(text))
    return path if path.is_absolute() else base / path


def desk_paths(book) -> tuple[Path, Path | None, Path]:
    """(folder to collect, cycle workbook or None, output folder) from the desk's cells."""
    from toolkit.writers.excel_build import DESK_CYCLE_ROW, DESK_FIELDS, DESK_INPUT_ROW, DESK_OUTPUT_ROW

    defaults = {row: default for row, _label, default, _help in DESK_FIELDS}
    base = Path(book.fullname).parent
    folder = _beside(base, _desk_setting(book, DESK_INPUT_ROW) or defaults[DESK_INPUT_ROW])
    if not folder.exists():
        raise UsageError(f"找不到回收文件夹：{folder}。请新建这个文件夹并放入回收的填报表，"
                         f"或在“汇总台”工作表 B{DESK_INPUT_ROW} 单元格填写文件夹的位置。")
    cycle_text = _desk_setting(book, DESK_CYCLE_ROW)
    cycle = _beside(base, cycle_text) if cycle_text else None
    if cycle is not None and not cycle.is_file():
        if cycle_text != defaults[DESK_CYCLE_ROW]:
            raise UsageError(f"找不到周期设置文件：{cycle}（“汇总台”工作表 B{DESK_CYCLE_ROW} 单元格）。"
                             "不需要时请清空该单元格。")
        cycle = None  # the default name is only a suggestion
    out = _beside(base, _desk_setting(book, DESK_OUTPUT_ROW) or defaults[DESK_OUTPUT_ROW])
    return folder, cycle, out


def _collect(book) -> None:
    from toolkit.workflows.collect import collect

    folder, cycle, out = desk_paths(book)
    # One process: worker processes started from inside Excel's child are not worth the risk here.
    result = collect([folder], out, cycle=cycle, jobs=1, progress=False)
    counts = result.outcome_counts()
    parts = "，".join(f"{k} {v} 个" for k, v in sorted(counts.items()))
    text = (f"已汇总 {folder} 中的 {len(result.files)} 个文件（{parts}）。\n"
            f"汇总表：{result.summary_path}\n汇总报告：{result.report_path}")
    if result.missing:
        text += f"\n未报送的支部 {len(result.missing)} 个，见汇总表“未报送”工作表。"
    if not result.ok:
        text += "\n有文件存在错误或无法读取，见汇总表“文件清单”和“校验问题”工作表。"
    book.app.books.open(str(result.summary_path))
    book.app.alert(text, title=TITLE)
