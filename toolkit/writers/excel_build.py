"""The macro-enabled workbooks: buttons that run orglife through xlwings.

How a button click reaches the toolkit (xlwings 0.37.8, pinned in setup.cfg;
tests/test_macro.py reads the VBA of the installed package and fails when any
step below changes):

1. Every button calls ``SampleCall``, the only argument-less macro of the
   VBA project shipped in xlwings' ``quickstart_standalone.xlsm``. We take
   that project byte for byte from the installed package at build time; it is
   never edited and never committed.
2. ``SampleCall`` runs ``RunPython "import <file name>;<file name>.main()"``.
   The module name comes from the workbook's file name, so a renamed copy
   (``办公室党支部-组织生活会 (1).xlsm``) yields code that is not even valid
   Python. We therefore do not let Python run that code.
3. ``RunPython`` reads ``INTERPRETER_WIN`` (the workbook's ``xlwings.conf``
   sheet, then an ``xlwings.conf`` beside the workbook, then the user's
   ``%USERPROFILE%\\.xlwings\\xlwings.conf``) and starts
   ``"<INTERPRETER_WIN>" -B -c "<code>" --wb="<file name>" --from_xl=1 --app=… --hwnd=…``.
   ``orglife excel-setup`` writes the user file with ``INTERPRETER_WIN`` set to
   the toolkit's own console script ``orglife-excel.exe``
   (``toolkit.app.excel_entry:main``), which accepts python's arguments.
4. ``orglife-excel`` takes the workbook's full path from the code xlwings
   built (``prepare_sys_path("…;<full name>;<full name>;…")``), reads that
   file's ``_meta`` sheet and, for an orglife workbook, ignores the code and
   dispatches: a branch workbook by the caption of the pressed button
   (``Application.Caller`` names the button), the committee desk to collect.
   Any other workbook's code runs exactly as ``python -c`` would, so other
   xlwings workbooks on the same computer keep working.

The workbook's own ``xlwings.conf`` sheet pins the keys that would otherwise
bypass step 3 or 4 (see ``SHEET_CONFIG``); it deliberately has no
``INTERPRETER_WIN``, because the interpreter's path differs on every computer.

WPS and LibreOffice run no xlwings macros: the launchers in ``LAUNCHERS``
(``生成材料.cmd`` / ``汇总.cmd``) pass a dropped file or folder to ``orglife``.
"""

from __future__ import annotations

import importlib.util
import io
import os
import zipfile
from pathlib import Path

from toolkit.errors import UsageError
from toolkit.io.fsutil import atomic_path, ensure_dir
from toolkit.schema.workbooks import META_SHEET, TEMPLATE_VERSION
from toolkit.writers.workbook import FONT, MacroParts

XLWINGS_VERSION = "0.37.8"  # the VBA project (and its calling convention) we were built and tested with
QUICKSTART = "quickstart_standalone.xlsm"
BUTTON_MACRO = "SampleCall"  # the argument-less macro in that project that calls RunPython

CHECK_CAPTION = "检查填写"
RENDER_CAPTION = "生成材料"
COLLECT_CAPTION = "汇总回收文件"

DESK_KIND = "汇总台"
DESK_SHEET = "汇总台"
ENTRY_SCRIPT = "orglife-excel"  # console script: toolkit.app.excel_entry:main

# Keys of the workbook's xlwings.conf sheet (VBA upper-cases column A and reads down from A1).
# USE UDF SERVER=False keeps RunPython on the command-line path (ExecuteWindows) even when a
# user file turns the UDF server on: that path would run the file-name code in-process.
# ADD_WORKBOOK_TO_PYTHONPATH=False stops a stray .py beside a branch workbook from shadowing
# modules; the full name still reaches orglife-excel in the prepare_sys_path argument.
SHEET_CONFIG = {
    "USE UDF SERVER": "False",
    "ADD_WORKBOOK_TO_PYTHONPATH": "False",
    "SHOW CONSOLE": "False",
}


def xlwings_dir() -> Path:
    """The installed xlwings package folder, found without importing xlwings."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise UsageError("没有安装 xlwings，无法生成启用宏的工作簿。请运行 pip install xlwings=="
                         + XLWINGS_VERSION)
    return Path(next(iter(spec.submodule_search_locations)))


def installed_xlwings_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("xlwings")
    except PackageNotFoundError:
        return ""


def quickstart_path() -> Path:
    return xlwings_dir() / QUICKSTART


def vba_project() -> bytes:
    """xl/vbaProject.bin of the installed xlwings' standalone quickstart, unchanged."""
    path = quickstart_path()
    found = installed_xlwings_version()
    if found and found != XLWINGS_VERSION:
        raise UsageError(f"已安装的 xlwings 版本是 {found}，本工具的按钮按 {XLWINGS_VERSION} 的宏调用方式设计并测试过。"
                         f"请运行 pip install xlwings=={XLWINGS_VERSION}")
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.read("xl/vbaProject.bin")
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise UsageError(f"无法从 xlwings 安装包读取宏工程（{path}）：{exc}。请重新安装 xlwings=={XLWINGS_VERSION}") from exc


def branch_macro_parts() -> MacroParts:
    """VBA project, the two buttons on 填写说明 and the xlwings.conf sheet of a branch workbook."""
    return MacroParts(
        vba_project=vba_project(),
        buttons=[("D1", CHECK_CAPTION, BUTTON_MACRO), ("E1", RENDER_CAPTION, BUTTON_MACRO)],
        config=dict(SHEET_CONFIG),
    )


def desk_macro_parts() -> MacroParts:
    return MacroParts(vba_project=vba_project(), buttons=[("D3", COLLECT_CAPTION, BUTTON_MACRO)],
                      config=dict(SHEET_CONFIG))


# --- the committee's desk (汇总台.xlsm) ------------------------------------------

# (row, label, default, help) of the desk's settings; excel_entry reads column B by these rows.
DESK_INPUT_ROW = 3
DESK_CYCLE_ROW = 4
DESK_OUTPUT_ROW = 5
DESK_FIELDS = (
    (DESK_INPUT_ROW, "回收文件夹", "回收文件",
     "放回收的支部填报表（可含子文件夹和 .zip）。写相对路径时从本文件所在文件夹算起。"),
    (DESK_CYCLE_ROW, "周期设置文件", "周期设置.xlsx",
     "用于核对应报支部和问题类别；文件不存在时按未提供处理。"),
    (DESK_OUTPUT_ROW, "汇总结果文件夹", "汇总结果", "汇总表.xlsx 和 汇总报告.docx 写到这里。"),
)
DESK_INTRO = (
    "一、把各支部报送的填报表放进“回收文件夹”（默认是本文件旁边的“回收文件”文件夹），然后点“汇总回收文件”。",
    "二、汇总完成后自动打开汇总表；每个文件是否汇总、有什么问题，见汇总表的“文件清单”和“校验问题”。",
    "三、第一次使用前，请在本机运行一次 orglife excel-setup，并启用宏。",
    "四、使用 WPS 或 LibreOffice 时按钮不可用：请把回收文件夹拖到随本文件下发的“汇总.cmd”上，效果相同。",
)


def write_committee_desk(path: str | os.PathLike) -> Path:
    """The committee's 汇总台.xlsm: settings cells and one button that collects."""
    import datetime as dt

    import xlsxwriter

    path = Path(path)
    if path.suffix.lower() != ".xlsm":
        path = path.with_suffix(".xlsm")  # Excel refuses a macro workbook under another extension
    parts = desk_macro_parts()
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                            "strings_to_urls": False})
        wb.set_properties({"title": DESK_KIND, "author": "orglife"})
        wb.set_vba_name("ThisWorkbook")
        wb.add_vba_project(io.BytesIO(parts.vba_project), is_stream=True)
        base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}
        title = wb.add_format({**base, "bold": True, "font_size": 16})
        key = wb.add_format({**base, "bold": True, "bg_color": "#F3E7D3", "border": 1})
        value = wb.add_format({**base, "border": 1, "locked": False, "num_format": "@"})
        note = wb.add_format({**base, "font_color": "#595959", "text_wrap": True})
        ws = wb.add_worksheet(DESK_SHEET)
        ws.set_vba_name("Sheet1")
        ws.set_column(0, 0, 16)
        ws.set_column(1, 1, 36)
        ws.set_column(2, 2, 4)
        ws.set_column(3, 3, 24)
        ws.write_string(0, 0, "组织生活会 · 党委汇总台", title)
        ws.set_row(0, 30)
        for row, label, default, help_text in DESK_FIELDS:
            ws.write_string(row - 1, 0, label, key)
            ws.write_string(row - 1, 1, default, value)
            ws.write_string(row + 6, 0, label, key)
            ws.merge_range(row + 6, 1, row + 6, 5, help_text, note)
            ws.set_row(row - 1, 24)
        ws.write_string(7, 0, "说明", wb.add_format({**base, "bold": True}))
        for i, line in enumerate(DESK_INTRO):
            ws.merge_range(12 + i, 0, 12 + i, 5, line, note)
            ws.set_row(12 + i, 32)
        for cell, caption, macro in parts.buttons:
            ws.insert_button(cell, {"macro": macro, "caption": caption, "width": 150, "height": 40,
                                    "font": {"name": FONT, "size": 12, "bold": True}})
        ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
        ws.activate()
        meta = wb.add_worksheet(META_SHEET)
        stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        for r, (k, v) in enumerate({"模板版本": TEMPLATE_VERSION, "表类型": DESK_KIND,
                                     "生成时间": stamp}.items()):
            meta.write_string(r, 0, k)
            meta.write_string(r, 1, v)
        meta.very_hidden()
        conf = wb.add_worksheet("xlwings.conf")
        for r, (k, v) in enumerate(parts.config.items()):
            conf.write_string(r, 0, k)
            conf.write_string(r, 1, v)
        conf.very_hidden()
        wb.close()
    return path


# --- drag-and-drop launchers for WPS / LibreOffice ---------------------------------

# cmd.exe reads .cmd files in the ANSI code page (936 on Chinese Windows) and needs CRLF.
# Paths are only ever expanded inside quotes and outside ( ) blocks: a dropped
# "办公室党支部 (1).xlsx" would otherwise close a block early.
LAUNCHERS = {
    "生成材料.cmd": r"""@echo off
setlocal
rem orglife launcher: drop a branch workbook on this file (for WPS / LibreOffice users).
if "%~1"=="" goto usage
where orglife >nul 2>nul
if errorlevel 1 goto missing
orglife render "%~1" -o "%~dpn1_材料"
if errorlevel 1 goto failed
echo.
echo 材料已生成在："%~dpn1_材料"
pause
exit /b 0
:failed
echo.
echo 请按上面的提示修改填报表后，再把它拖到本文件上。
pause
exit /b 1
:usage
echo 请把填好的支部填报表（.xlsx 或 .xlsm）拖到“生成材料.cmd”的图标上。
pause
exit /b 2
:missing
echo 没有找到 orglife 命令：请先安装 Python 3.10 以上版本，再在本工具的文件夹里运行 pip install . 安装 orglife。
pause
exit /b 2
""",
    "汇总.cmd": r"""@echo off
setlocal
rem orglife launcher: drop the folder (or .zip) of returned workbooks on this file.
if "%~1"=="" goto usage
where orglife >nul 2>nul
if errorlevel 1 goto missing
set "CYCLE="
if exist "%~dp0周期设置.xlsx" set CYCLE=--cycle "%~dp0周期设置.xlsx"
orglife collect "%~1" %CYCLE% -o "%~dp0汇总结果"
if errorlevel 2 goto failed
if exist "%~dp0汇总结果\汇总表.xlsx" start "" "%~dp0汇总结果\汇总表.xlsx"
echo.
echo 汇总结果在："%~dp0汇总结果"
pause
exit /b 0
:failed
echo.
echo 汇总没有完成，请按上面的提示处理。
pause
exit /b 2
:usage
echo 请把放回收文件的文件夹（或 .zip）拖到“汇总.cmd”的图标上。
pause
exit /b 2
:missing
echo 没有找到 orglife 命令：请先安装 Python 3.10 以上版本，再在本工具的文件夹里运行 pip install . 安装 orglife。
pause
exit /b 2
""",
}
LAUNCHER_ENCODING = "gbk"


def launcher_bytes(name: str) -> bytes:
    return LAUNCHERS[name].replace("\r\n", "\n").replace("\n", "\r\n").encode(LAUNCHER_ENCODING)


def write_launchers(folder: str | os.PathLike, names: tuple[str, ...] = tuple(LAUNCHERS)) -> list[Path]:
    """Write the drag-and-drop launchers into folder (next to the workbooks they serve)."""
    folder = ensure_dir(folder)
    written = []
    for name in names:
        with atomic_path(folder / name) as tmp:
            tmp.write_bytes(launcher_bytes(name))
        written.append(folder / name)
    return written
