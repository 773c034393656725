"""How results read to a person: the wording the console and the Excel buttons share.

Functions here turn a workflow's result into Chinese text; they print nothing,
except ``console_progress``, the one progress display of the console.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path

from toolkit.errors import Report, Severity


def summary_line(counts: dict[str, int]) -> str:
    """参会 9 人（应到 10 人），问题 8 条（…），整改措施 12 条。 and the paperwork sheets when filled."""
    return (f"参会 {counts['实到']} 人（应到 {counts['应到']} 人），问题 {counts['问题']} 条"
            f"（支部班子 {counts['支部班子问题']} 条、党员个人 {counts['党员个人问题']} 条），"
            f"整改措施 {counts['整改措施']} 条。" + _new_sheets_line(counts))


def _new_sheets_line(counts: dict[str, int]) -> str:
    """相互批评, 专项剖析 and 民主评议计票 are counted when filled (older workbooks lack them)."""
    parts = [f"{key} {counts[key]} {unit}" for key, unit in (("相互批评", "条"), ("专项剖析", "项"), ("民主评议计票", "人"))
             if counts.get(key)]
    grades = [f"{key[2:]} {n} 人" for key, n in counts.items() if key.startswith("拟定") and n]
    if grades:
        parts.append("拟定等次：" + "、".join(grades))
    return "，".join(parts) + "。" if parts else ""


def check_summary(figures: dict | None) -> str:
    """The summary after ``✓ name 检查通过。``, with repeats when last cycle was compared."""
    if not figures:
        return ""
    line = summary_line(figures)
    if "重复问题" in figures:
        line += f"与上次重复的问题 {figures['重复问题']} 条。"
    return line


def report_lines(report: Report, summary: str = "") -> list[str]:
    """The head line of a checked file and one line per issue."""
    name = Path(report.path).name
    errors, warnings = report.errors, report.warnings
    if not report.issues:
        return [f"✓ {name} 检查通过。{summary}", *normalised_lines(report)]
    head = f"✗ {name} 有 {len(errors)} 个错误" if errors else f"✓ {name} 检查通过"
    if warnings:
        head += f"，{len(warnings)} 条提醒" if errors else f"，有 {len(warnings)} 条提醒"
    lines = [head + ("。" if errors else f"。{summary}")]
    for item in report.issues:
        mark = "【错误】" if item.severity is Severity.ERROR else "【提醒】"
        where = f"{item.location}  " if item.location else ""
        lines.append(f"  {mark}{where}{item.message}")
    return [*lines, *normalised_lines(report)]


NORMALISED_SHOWN = 10


def normalised_lines(report: Report) -> list[str]:
    """Values read in another form than typed are said, never changed silently."""
    items = report.normalised
    if not items:
        return []
    lines = [f"  已按统一写法读取 {len(items)} 处："]
    lines += [f"    {sheet}!{cell}  “{typed}”读作“{read_as}”" for sheet, cell, typed, read_as in items[:NORMALISED_SHOWN]]
    if len(items) > NORMALISED_SHOWN:
        lines.append(f"    ……另有 {len(items) - NORMALISED_SHOWN} 处")
    return lines


def report_json(reports: list[tuple[Report, str]]) -> str:
    files = [{"path": r.path, "status": status, "issues": [i.to_json() for i in r.issues],
              "appraisal": r.appraisal}
             for r, status in reports]
    return json.dumps({"files": files}, ensure_ascii=False, indent=2)


def lock_note(locks: list[Path]) -> str:
    shown = "、".join(f.name for f in locks[:5]) + ("等" if len(locks) > 5 else "")
    return f"已跳过 {len(locks)} 个 Excel/WPS 临时锁定文件（{shown}），它们不是填报表。"


def console_progress(stream=None):
    """The workflows' ``progress`` (workflows/steps.py) for the console: one rich line per step on stderr.

    A step with a total shows a bar and 已完成/总数, one without shows that it is
    working and for how long; each finished step stays as one line. When the
    stream is not a terminal (a log, a pipe, the Excel buttons) nothing is drawn:
    no bars, no control characters, only the command's own summary lines.
    """
    from toolkit.workflows.steps import quiet

    stream = stream or sys.stderr
    if not _is_terminal(stream):
        return quiet
    from rich.console import Console

    console = Console(file=stream)

    @contextlib.contextmanager
    def step(label: str, total: int | None = None):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        shown = (BarColumn(), MofNCompleteColumn()) if total else (SpinnerColumn(finished_text="✓"),)
        with Progress(TextColumn(label), *shown, TimeElapsedColumn(), console=console, transient=False) as bar:
            task = bar.add_task(label, total=total or 1)
            yield lambda: bar.advance(task)
            if not total:
                bar.update(task, completed=1)

    return step


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False
