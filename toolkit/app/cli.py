"""Command line: the only module that parses arguments, prints and exits.

Every command calls library functions and returns an exit status: 0 done
(warnings allowed), 1 the input has errors, 2 the command could not run. A
ToolkitError becomes its Chinese message; anything else is a bug and is
reported as one, still without a traceback unless ORGLIFE_DEBUG is set.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from toolkit import __version__
from toolkit.app.parser import DeprecatedAppend, Parser, positive_int
from toolkit.app.present import check_summary, console_progress, lock_note, report_json, report_lines
from toolkit.errors import Report, ToolkitError, UsageError, WorkbookError
from toolkit.schema.documents import stale_patterns

OK, INPUT_ERRORS, CANNOT_RUN = 0, 1, 2


def _existing(path: str) -> Path:
    p = Path(path)
    if not p.exists():
        raise UsageError(f"找不到文件或文件夹：{path}")
    return p


# --- paths: a folder where a file is expected says so, and the reverse --------

def _file(path: str, what: str, example: str) -> Path:
    """An existing file: a folder is refused naming what should be given instead."""
    p = _existing(path)
    if p.is_dir():
        raise UsageError(f"“{path}”是一个文件夹，请指定{what}文件（如 {p / example}）")
    return p


def _optional_file(path: str | None, what: str, example: str) -> Path | None:
    return _file(path, what, example) if path else None


def _inputs(paths: list[str], what: str) -> list[Path]:
    """Folders, .zip archives or workbooks; any other file is a file where a folder was meant."""
    from toolkit.io.inputs import UNSUPPORTED, WORKBOOK_SUFFIXES, ZIP_SUFFIXES

    known = (*WORKBOOK_SUFFIXES, *ZIP_SUFFIXES, *UNSUPPORTED)
    found = [_existing(p) for p in paths]
    for p in found:
        if not p.is_dir() and p.suffix.lower() not in known:
            raise UsageError(f"“{p}”是一个文件，不是文件夹或压缩包：请指定{what}所在的文件夹或 .zip 压缩包")
    return found


def _out_dir(path: str) -> str:
    """-o naming a folder: an existing file of that name is refused before anything is written."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise UsageError(f"“{path}”是一个文件，这里需要的是输出文件夹：请换一个文件夹名（如 {p.with_suffix('')}_输出）")
    return path


# --- output -------------------------------------------------------------------

def _out(text: str = "") -> None:
    try:
        print(text, flush=True)
    except BrokenPipeError:
        # The reader went away (orglife check … | head): the command still finishes, so its
        # exit status is the real one, and the rest of its output goes nowhere, silently.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def print_report(report: Report, summary: str = "") -> None:
    for line in report_lines(report, summary):
        _out(line)


# --- commands -----------------------------------------------------------------

def cmd_template(args) -> int:
    from toolkit.io.fsutil import output_file
    from toolkit.workflows.distribute import blank_branch_workbook

    suffixes = (".xlsm", ".xlsx") if args.macro else (".xlsx", ".xlsm")
    cycle = _optional_file(args.cycle, "周期设置表", "周期设置.xlsx")
    out = blank_branch_workbook(output_file(args.output, suffixes, "填报表"), cycle=cycle, macro=args.macro)
    _out(f"已生成支部填报表模板：{out}")
    return OK


def cmd_cycle_template(args) -> int:
    from toolkit.io.fsutil import output_file
    from toolkit.workflows.distribute import cycle_template

    out = cycle_template(output_file(args.output, (".xlsx",), "周期设置表"))
    _out(f"已生成周期设置表：{out}")
    return OK


def cmd_check(args) -> int:
    from toolkit.workflows.branch import check_paths

    result = check_paths([_existing(p) for p in args.files],
                         _inputs(args.previous_cycle, "上一周期的填报表") if args.previous_cycle else None,
                         progress=console_progress())
    if result.skipped_locks:
        sys.stderr.write(lock_note(result.skipped_locks) + "\n")
    files = result.files
    if args.json:
        _out(report_json([(f.report, f.status) for f in files]))
    else:
        for f in files:
            print_report(f.report, check_summary(f.figures))
        if len(files) > 1:
            bad = sum(1 for f in files if f.status != "ok")
            _out(f"共检查 {len(files)} 个文件，{len(files) - bad} 个通过，{bad} 个有错误。")
    if not files:
        raise UsageError("没有找到要检查的工作簿（.xlsx/.xlsm/.xls）")
    return OK if result.ok else INPUT_ERRORS


def cmd_carry(args) -> int:
    from toolkit.workflows.carry import carry

    result = carry(_inputs(args.previous, "上一周期的填报表"), _file(args.cycle, "新周期的周期设置表", "周期设置.xlsx"),
                   _out_dir(args.output), progress=console_progress())
    total = sum(result.carried.values())
    still_open = sum(result.open_items.values())
    _out(f"已生成 {len(result.written)} 个支部填报表到 {args.output}，"
         f"结转上次整改事项 {total} 条，其中未完成 {still_open} 条。")
    for name in result.without_previous:
        _out(f"  【提醒】{name}：上一周期没有找到该支部的材料，上次整改情况为空")
    for name in result.previous_unused:
        _out(f"  【提醒】{name}：上一周期有材料，但不在本周期支部名册中，未结转")
    for note in result.notes:
        _out(f"  【提醒】{note}")
    return OK


def cmd_distribute(args) -> int:
    from toolkit.workflows.distribute import distribute

    # WPS / LibreOffice users (and anyone without the macros) drop their workbook on the launcher
    result = distribute(_file(args.cycle, "周期设置表", "周期设置.xlsx"), _out_dir(args.output), macro=args.macro,
                        launcher=True, progress=console_progress())
    _out(f"已为 {len(result.written)} 个支部生成预填好的填报表，保存在 {args.output}（附拖放启动器 生成材料.cmd）")
    if result.notice:
        _out(f"已生成党委的通知：{result.notice}")
    for org, path in result.renamed:
        _out(f"  【提醒】{org}：文件名与另一个支部的相同（或只差大小写、全角半角），已另存为 {path.name}")
    return OK


def _as_of(text: str | None):
    if not text:
        return None
    from toolkit.core.values import BadValue, parse_date

    try:
        return parse_date(text)
    except BadValue as exc:
        raise UsageError(f"--as-of 的日期“{text}”无法识别：{exc.hint}") from exc


def cmd_remind(args) -> int:
    from toolkit.workflows.remind import remind

    result = remind(_file(args.summary, "汇总表", "汇总表.xlsx"), _out_dir(args.output), as_of=_as_of(args.as_of),
                    sender=args.sender or "")
    if not result.notices:
        _out(f"截至{result.as_of:%Y-%m-%d}，没有需要催办的支部（均已报送，没有逾期或10天内到期的整改措施）。")
        return OK
    for n in result.notices:
        parts = (["未报送"] if n.unreported else []) + ([f"逾期 {len(n.overdue)} 条"] if n.overdue else []) \
            + ([f"10天内到期 {len(n.due_soon)} 条"] if n.due_soon else [])
        _out(f"  {n.name}：{'，'.join(parts)}")
    _out(f"已为 {len(result.notices)} 个支部写出催办提醒（.docx 和 .txt）到 {args.output}")
    return OK


def cmd_collect(args) -> int:
    from toolkit.workflows.collect import collect

    result = collect(_inputs(args.paths, "回收的填报表"), _out_dir(args.output),
                     cycle=_optional_file(args.cycle, "周期设置表", "周期设置.xlsx"),
                     as_of=_as_of(args.as_of), pdf=args.pdf, jobs=args.jobs,
                     previous=_optional_file(args.previous, "上一次生成的汇总表", "汇总表.xlsx"),
                     previous_cycle=_inputs(args.previous_cycle or [], "上一周期的填报表"),
                     progress=console_progress(), book=args.book)
    _print_collected(result, compared=bool(args.previous_cycle))
    return OK if result.ok else INPUT_ERRORS


def _print_collected(result, compared: bool) -> None:
    fig, counts = result.figures, result.outcome_counts()
    _out(f"共收到 {len(result.files)} 个文件：" + "，".join(f"{k} {v}" for k, v in counts.items()) + "。")
    _out(f"已报送 {fig['已报送']} 个支部，未报送 {fig['未报送']} 个；问题 {fig['问题']} 条，"
         f"整改措施 {fig['措施']} 条，已逾期 {fig['逾期']} 条。")
    if compared:
        _out(_repeats_line(result.branches))
    _print_file_problems(result.files)
    _out(f"已写出 {result.summary_path} 和 {result.report_path}")
    if result.book:
        omitted = result.book.omitted
        _out(f"已写出 {result.book.path}：收入 {len(result.book.included)} 个支部的情况报告"
             + (f"，未收入 {len(omitted)} 个：" if omitted else "。"))
        for name, why in omitted:
            _out(f"  【未收入汇编】{name}：{why}")
    for pdf in result.pdf_paths:
        _out(f"已转换 {pdf}")


def _repeats_line(branches) -> str:
    per = [(r.org_name or r.branch_id, r.counts.get("重复问题", 0)) for r in branches]
    hit = [f"{name} {n} 条" for name, n in per if n]
    more = f"等 {len(hit)} 个支部" if len(hit) > 10 else ""
    return (f"与上一周期重复的问题 {sum(n for _, n in per)} 条" + ("：" + "，".join(hit[:10]) + more if hit else "")
            + "（详见“支部情况”和“校验问题”）。")


def _print_file_problems(files) -> None:
    from toolkit.committee.model import DUPLICATE, HAS_ERRORS, NOT_BRANCH, UNREADABLE

    for f in files:
        if f.outcome in (HAS_ERRORS, UNREADABLE, DUPLICATE, NOT_BRANCH):
            mark = "【错误】" if f.outcome in (HAS_ERRORS, UNREADABLE) else "【提醒】"
            # "无法读取，收到但无法读取：…" said it twice: the reason leads when it already names the outcome
            head = "" if f.reason.startswith(("收到但", f.outcome)) else f"{f.outcome}，"
            _out(f"  {mark}{f.shown}：{head}{f.reason}")


def cmd_excel_setup(args) -> int:
    from toolkit.app import excel_setup

    setup = excel_setup.plan()
    if not args.print and os.name != "nt":
        raise UsageError(excel_setup.not_windows_message())
    for check in setup.checks:
        _out(("✓ " if check.ok else "✗ ") + f"{check.name}：{check.detail}")
    if args.print:
        _out(f"将写入 xlwings 用户配置 {setup.config_path}：")
        _out(setup.text.rstrip())
        return OK
    path = excel_setup.write(setup)
    _out(f"已写入 xlwings 用户配置：{path}（INTERPRETER_WIN = {setup.interpreter}）")
    if setup.previous and setup.previous != str(setup.interpreter):
        _out(f"原来的 INTERPRETER_WIN 是 {setup.previous}；其他 xlwings 工作簿的代码仍会由 orglife-excel 按 python 的方式运行。")
    for line in excel_setup.INSTRUCTIONS:
        _out(line)
    return OK


def cmd_committee_desk(args) -> int:
    from toolkit.io.fsutil import output_file
    from toolkit.workflows.distribute import committee_desk

    desk = committee_desk(output_file(args.output, (".xlsm",), "汇总台"))
    _out(f"已生成汇总台：{desk.path}，以及拖放启动器 {desk.launcher}。")
    _out(f"把回收的填报表放进 {desk.inbox}，打开汇总台点“汇总回收文件”（需先运行 orglife excel-setup）。")
    return OK


def cmd_render(args) -> int:
    from toolkit.branch.validate import unreadable_report
    from toolkit.workflows.branch import WorkbookHasErrors, render_progress_report, render_workbook

    path = _file(args.file, "支部填报表", "支部填报表.xlsx")
    _out_dir(args.output)
    if args.templates and not Path(args.templates).is_dir():
        _existing(args.templates)
        raise UsageError(f"“{args.templates}”是一个文件，--templates 需要的是存放模板的文件夹")
    if args.as_of and not args.progress:
        raise UsageError("--as-of 只和 --progress 一起使用（生成整改落实情况报告）")
    try:
        if args.progress:
            if not args.as_of:
                raise UsageError("--progress 需要 --as-of 日期，如 --as-of 2024-03-31")
            result = render_progress_report(path, Path(args.output), _as_of(args.as_of), pdf=args.pdf,
                                            templates=args.templates, progress=console_progress())
        else:
            result = render_workbook(path, Path(args.output), pdf=args.pdf, templates=args.templates,
                                     progress=console_progress())
    except WorkbookHasErrors as exc:
        print_report(exc.report)
        _out("有错误，未生成任何材料。请修改后重新运行。")
        return INPUT_ERRORS
    except WorkbookError as exc:
        print_report(unreadable_report(path, exc))
        return INPUT_ERRORS
    if result.report.issues:
        print_report(result.report)
    if result.own:
        _out(f"使用模板文件夹中的模板：{'、'.join(result.own)}。")
    if result.builtin:
        _out(f"模板文件夹中没有其余文档的模板，使用内置模板：{'、'.join(result.builtin)}。")
    for notice in result.skipped:
        _out(f"【提示】{notice}")
    for doc in [*result.written, *result.pdf]:
        _out(f"已生成：{doc}")
    return OK


def cmd_check_template(args) -> int:
    from toolkit.workflows.branch import check_template, template_folder

    failed = False
    for name in args.templates:
        path = _existing(name)
        files, rest = template_folder(path) if path.is_dir() else ([path], [])
        for file in files:
            result = check_template(file)
            if result.unknown:
                failed = True
                _out(f"✗ {result.path.name} 使用了工具没有提供的变量：{'、'.join(result.unknown)}")
                _out("  可用的变量见 docx_templates/变量说明.md。")
            else:
                _out(f"✓ {result.path.name} 检查通过：变量都由工具提供，试生成成功。")
        if rest:
            _out(f"{path} 中没有 {'、'.join(rest)}：生成时这些文档使用内置模板。")
    return INPUT_ERRORS if failed else OK


def cmd_demo(args) -> int:
    from toolkit.workflows.demo import run_demo

    return run_demo(Path(_out_dir(args.output)), _out, pdf=args.pdf, jobs=args.jobs, progress=console_progress())


def cmd_bundle(args) -> int:
    from toolkit.workflows.bundle import make_bundle

    _out("正在制作离线安装包（需要联网下载依赖包，约一两分钟）……")
    result = make_bundle(_out_dir(args.output), platform=args.platform, python=args.python, force=args.force)
    _out(f"已生成离线安装包：{result.folder}（{len(result.wheels)} 个安装包，适用于 {result.platform}、"
         f"Python {result.python}），以及压缩包 {result.archive}。")
    _out("把压缩包发给各支部，解压后双击“安装.cmd”（Linux：sh 安装.sh）即可安装，不需要联网。")
    return OK


# Who uses each command, what it does and one example: ``orglife --help`` lists
# them by group, and each command's own --help ends with its example.
BRANCH_GROUP, COMMITTEE_GROUP, SETUP_GROUP = "支部用（支部书记、组织委员）", "党委用（党委组织委员）", "安装与维护"
COMMANDS: dict[str, tuple[str, str, str]] = {
    "template": (BRANCH_GROUP, "生成空白的支部填报表", "orglife template -o 支部填报表.xlsx"),
    "check": (BRANCH_GROUP, "检查填报表，列出所有问题", "orglife check 第一党支部.xlsx"),
    "render": (BRANCH_GROUP, "检查填报表并生成情况报告、对照检查材料、整改清单和会议的其他材料",
               "orglife render 第一党支部.xlsx -o 材料"),
    "check-template": (BRANCH_GROUP, "检查修改过的 Word 模板：列出工具没有提供的变量和语法错误",
                       "orglife check-template 本单位模板/情况报告.docx"),
    "cycle-template": (COMMITTEE_GROUP, "生成空白的周期设置表", "orglife cycle-template -o 周期设置.xlsx"),
    "distribute": (COMMITTEE_GROUP, "按周期设置为每个支部生成预填的填报表", "orglife distribute 周期设置.xlsx -o 下发"),
    "collect": (COMMITTEE_GROUP, "汇总各支部报送的填报表（文件夹或压缩包）",
                "orglife collect 回收 --cycle 周期设置.xlsx -o 汇总 --book"),
    "remind": (COMMITTEE_GROUP, "根据汇总表给未报送、整改逾期或即将到期的支部写催办提醒",
               "orglife remind 汇总/汇总表.xlsx -o 催办"),
    "carry": (COMMITTEE_GROUP, "结转上次整改情况，生成下一周期的支部填报表",
              "orglife carry 上期回收 --cycle 新周期设置.xlsx -o 下发"),
    "committee-desk": (COMMITTEE_GROUP, "生成党委汇总台（启用宏的 汇总台.xlsm，按钮“汇总回收文件”）",
                       "orglife committee-desk -o 汇总台.xlsm"),
    "excel-setup": (SETUP_GROUP, "设置本机 Excel 按钮（Windows）：检查环境并写入 xlwings 用户配置",
                    "orglife excel-setup"),
    "bundle": (SETUP_GROUP, "制作离线安装包（给不能上网的电脑安装本工具）", "orglife bundle -o 安装包"),
    "demo": (SETUP_GROUP, "用内置示例演示完整流程", "orglife demo -o 演示"),
}


def _overview() -> str:
    """The grouped command list with one example each, for ``orglife --help``."""
    width = max(len(name) for name in COMMANDS) + 2
    lines = []
    for group in (BRANCH_GROUP, COMMITTEE_GROUP, SETUP_GROUP):
        lines.append(f"{group}：")
        for name, (g, summary, example) in COMMANDS.items():
            if g == group:
                lines.append(f"  {name:<{width}}{summary}")
                lines.append(f"  {'':<{width}}例：{example}")
        lines.append("")
    lines.append("每个命令的详细用法：orglife 命令 -h，如 orglife collect -h")
    return "\n".join(lines)


def _command(sub, name: str, **kwargs) -> argparse.ArgumentParser:
    _group, summary, example = COMMANDS[name]
    return sub.add_parser(name, help=summary, description=summary, epilog=f"示例：\n  {example}", **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="orglife", usage="orglife 命令 [参数……]",
                    description="组织生活会工作台：支部填报表检查、材料生成与党委汇总。", epilog=_overview())
    parser.add_argument("--version", action="version", version=f"orglife {__version__}",
                        help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=Parser, help=argparse.SUPPRESS,
                               prog="orglife")

    p = _command(sub, "template")
    p.add_argument("-o", "--output", required=True, metavar="输出文件", help="输出文件，如 支部填报表.xlsx")
    p.add_argument("--cycle", metavar="周期设置表", help="周期设置.xlsx：使用其中的问题类别和基本设置")
    p.add_argument("--macro", action="store_true", help="生成带按钮的启用宏工作簿（.xlsm）")
    p.set_defaults(func=cmd_template)

    p = _command(sub, "check")
    p.add_argument("files", nargs="+", metavar="填报表", help="填报表文件或文件夹（可以给多个）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出检查结果")
    p.add_argument("--previous-cycle", action="append", metavar="上期材料",
                   help="上一周期的填报表文件夹、压缩包或汇总表.xlsx：提示与上次重复的问题（可多次使用）")
    # the old spelling: --previous means the previous 汇总表 in collect, so check's is renamed
    p.add_argument("--previous", action=DeprecatedAppend, dest="previous_cycle", metavar="上期材料",
                   new_name="--previous-cycle", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_check)

    p = _command(sub, "cycle-template")
    p.add_argument("-o", "--output", required=True, metavar="输出文件", help="输出文件，如 周期设置.xlsx")
    p.set_defaults(func=cmd_cycle_template)

    p = _command(sub, "carry")
    p.add_argument("previous", nargs="+", metavar="上期材料",
                   help="上一周期回收的填报表（文件夹、压缩包）或上期汇总表.xlsx")
    p.add_argument("--cycle", required=True, metavar="周期设置表", help="新周期的周期设置.xlsx")
    p.add_argument("-o", "--output", required=True, metavar="输出文件夹", help="输出文件夹")
    p.set_defaults(func=cmd_carry)

    p = _command(sub, "distribute")
    p.add_argument("cycle", metavar="周期设置表", help="党委填好的周期设置.xlsx")
    p.add_argument("-o", "--output", required=True, metavar="输出文件夹", help="输出文件夹")
    p.add_argument("--macro", action="store_true", help="生成带按钮的启用宏工作簿（.xlsm）")
    p.set_defaults(func=cmd_distribute)

    p = _command(sub, "collect")
    p.add_argument("paths", nargs="+", metavar="回收文件夹", help="文件夹（含子文件夹）或 .zip 压缩包（可以给多个）")
    p.add_argument("-o", "--output", required=True, metavar="输出文件夹",
                   help="输出文件夹：汇总表.xlsx 和 汇总报告.docx")
    p.add_argument("--cycle", metavar="周期设置表", help="周期设置.xlsx：核对周期编号、列出未报送的支部")
    p.add_argument("--as-of", metavar="日期", help="统计日期（默认今天），用于判断整改是否逾期，如 2023-09-30")
    p.add_argument("--pdf", action="store_true", help="同时把汇总报告转换为 PDF（需要 LibreOffice）")
    p.add_argument("--book", action="store_true",
                   help="另写情况报告汇编.docx：无错误支部的情况报告按支部顺序合成一册（与 --pdf 同用时也转 PDF）")
    p.add_argument("--jobs", type=positive_int, metavar="进程数", help="并行读取的进程数（默认：本机的处理器核数）")
    p.add_argument("--previous", metavar="上次汇总表",
                   help="上一次生成的汇总表.xlsx：保留其中党委填写的“党委销号”“备注”")
    p.add_argument("--previous-cycle", action="append", metavar="上期材料",
                   help="上一周期的填报表文件夹、压缩包或汇总表.xlsx：标出与上次重复的问题（可多次使用）")
    p.set_defaults(func=cmd_collect)

    p = _command(sub, "remind")
    p.add_argument("summary", metavar="汇总表", help="orglife collect 生成的汇总表.xlsx")
    p.add_argument("--as-of", metavar="日期", help="统计日期（默认今天），如 2024-01-15")
    p.add_argument("-o", "--output", required=True, metavar="输出文件夹", help="输出文件夹，如 催办")
    p.add_argument("--sender", metavar="落款单位", help="落款单位，如 临江市交通运输局机关党委（不填则只写日期）")
    p.set_defaults(func=cmd_remind)

    p = _command(sub, "excel-setup")
    p.add_argument("--print", action="store_true", help="只显示检查结果和将写入的配置，不写文件（任何系统可用）")
    p.set_defaults(func=cmd_excel_setup)

    p = _command(sub, "committee-desk")
    p.add_argument("-o", "--output", default="汇总台.xlsm", metavar="输出文件", help="输出文件（默认：汇总台.xlsm）")
    p.set_defaults(func=cmd_committee_desk)

    p = _command(sub, "render")
    p.add_argument("file", metavar="填报表", help="支部填报表（.xlsx）")
    p.add_argument("-o", "--output", required=True, metavar="输出文件夹", help="输出文件夹")
    p.add_argument("--progress", action="store_true", help="只生成整改落实情况报告（需同时给出 --as-of）")
    p.add_argument("--as-of", metavar="日期", help="整改落实情况报告的截至日期，如 2024-03-31")
    p.add_argument("--pdf", action="store_true", help="同时生成 PDF（需要 LibreOffice）")
    p.add_argument("--templates", metavar="模板文件夹", help="使用本单位修改过的模板所在的文件夹")
    p.set_defaults(func=cmd_render)

    p = _command(sub, "check-template")
    p.add_argument("templates", nargs="+", metavar="模板",
                   help="要检查的 Word 模板（.docx），或模板文件夹（检查其中的每个模板，并列出使用内置模板的文档）")
    p.set_defaults(func=cmd_check_template)

    p = _command(sub, "demo")
    p.add_argument("-o", "--output", default="演示", metavar="输出文件夹", help="输出文件夹（默认：演示）")
    p.add_argument("--pdf", action="store_true", help="同时生成 PDF（需要 LibreOffice）")
    p.add_argument("--jobs", type=positive_int, default=None, metavar="进程数",
                   help="汇总时并行读取的进程数（默认：本机的处理器核数）")
    p.set_defaults(func=cmd_demo)

    p = _command(sub, "bundle")
    p.add_argument("-o", "--output", default="安装包", metavar="输出文件夹", help="输出文件夹，另生成同名 .zip（默认：安装包）")
    p.add_argument("--platform", default="win_amd64", choices=("win_amd64", "linux"), metavar="平台",
                   help="目标电脑：win_amd64（默认，64 位 Windows）或 linux（与本机相同）")
    p.add_argument("--python", default=None, choices=("3.11", "3.12", "3.13"), metavar="版本",
                   help="目标电脑上的 Python 版本：3.11、3.12 或 3.13（默认与本机相同）")
    p.add_argument("--force", action="store_true", help="输出文件夹已存在时替换它")
    p.set_defaults(func=cmd_bundle)
    _add_force(sub)
    return parser


# Commands that write workbooks or documents: they refuse to replace a file they
# did not write in the same run unless --force, and move aside outputs of the
# same kind left in their folder by an earlier run (a renamed branch, a --book
# that is no longer asked for).
_STALE = {
    # every file this render writes (schema/documents.py: 个人材料/ too; with --progress only its report)
    "render": lambda args: stale_patterns(progress=bool(getattr(args, "progress", False))),
    "distribute": ("*.xlsx", "*.xlsm"),
    "carry": ("*.xlsx", "*.xlsm"),
    "collect": (*(f"{name}.{ext}" for name in ("汇总报告", "情况报告汇编", "民主评议情况汇总表") for ext in ("docx", "pdf")),
                "汇总表.xlsx"),
    "remind": ("*_催办提醒.docx",),
}
_GUARDED = (*_STALE, "template", "cycle-template", "committee-desk")


def _add_force(sub) -> None:
    for name in _GUARDED:
        sub.choices[name].add_argument("--force", action="store_true",
                                       help="允许替换已存在的同名文件（默认不覆盖，以免丢失已填写的内容）")


def _run_guarded(args) -> int:
    from toolkit.io.fsutil import ASIDE, output_run

    with output_run(force=args.force) as run:
        code = args.func(args)
        if code != CANNOT_RUN and args.command in _STALE:
            patterns = _STALE[args.command]
            moved = run.move_aside(args.output, patterns(args) if callable(patterns) else patterns)
            if moved:
                _out(f"输出文件夹里有 {len(moved)} 个以前生成、这次没有重新生成的同类文件，已移到 "
                     f"{Path(args.output) / ASIDE}：")
                for path in moved:
                    _out(f"  {path.name}")
    return code


def _utf8_stdio() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(encoding="utf-8", errors="replace")


def _quiet_unraisable(unraisable) -> None:
    """A file a library left open fails again when it is collected (disk full): already reported once."""
    if isinstance(unraisable.exc_value, OSError):
        return
    sys.__unraisablehook__(unraisable)


def main(argv: list[str] | None = None) -> int:
    _utf8_stdio()
    sys.unraisablehook = _quiet_unraisable
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return CANNOT_RUN
    try:
        if args.command in _GUARDED:
            return _run_guarded(args)
        return args.func(args)
    except ToolkitError as exc:
        sys.stderr.write(f"{exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        return CANNOT_RUN
    except OSError as exc:  # the system refused (a read-only or special file system): said in Chinese, no traceback
        if os.environ.get("ORGLIFE_DEBUG"):
            raise
        from toolkit.io.fsutil import os_message

        where = f" {exc.filename}" if exc.filename else ""
        sys.stderr.write(f"无法读写{where}：{os_message(exc)}。请换一个文件夹，或检查文件是否被其他程序占用。\n")
        return CANNOT_RUN
    except Exception as exc:  # a bug: say so plainly, keep the traceback for developers
        if os.environ.get("ORGLIFE_DEBUG"):
            raise
        sys.stderr.write(f"程序内部错误（{type(exc).__name__}: {exc}）。请把这条信息和所用文件发给维护人员；"
                         f"设置环境变量 ORGLIFE_DEBUG=1 可看到详细信息。\n")
        return CANNOT_RUN


if __name__ == "__main__":
    raise SystemExit(main())
