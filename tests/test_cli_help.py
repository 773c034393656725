"""The command line people read (issue 15): Chinese help and errors, commands grouped by who uses
them, a folder where a file is expected (and the reverse) said so, progress on a terminal only."""

from __future__ import annotations

import argparse
import ast
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.app.cli import COMMANDS, build_parser, main
from toolkit.app.parser import MESSAGES, PLURALS, wrap

ROOT = Path(__file__).resolve().parents[1]

# Proper names and program words that stay as they are in Chinese text.
NAMES = {"orglife", "Excel", "WPS", "LibreOffice", "PDF", "JSON", "Word", "Windows", "Linux", "Python",
         "xlwings", "win_amd64", "linux", "INTERPRETER_WIN", "ORGLIFE_DEBUG", "zip"}


def english_words(text: str) -> list[str]:
    """ASCII words left in ``text`` besides command names, options, file extensions and proper names."""
    for name in sorted(COMMANDS, key=len, reverse=True):
        text = text.replace(name, " ")
    text = re.sub(r"(?<![\w-])--?[A-Za-z][\w-]*", " ", text)  # -o, --as-of
    text = re.sub(r"\.[A-Za-z]{2,4}\b", " ", text)  # .xlsx, .docx
    return [w for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]+", text) if w not in NAMES]


def run_main(capsys, argv: list[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # --help and argparse's errors leave through SystemExit
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_help_is_chinese_and_ends_with_an_example(capsys, command):
    code, out, err = run_main(capsys, [command, "--help"] if command else ["--help"])
    assert code == 0, err
    assert english_words(out) == [], out
    for placeholder in ("OUTPUT", "FILE", "CYCLE", "AS_OF", "PATH", "DIR", "usage", "options", "positional"):
        assert placeholder not in out
    assert out.startswith("用法：orglife")
    assert "：：" not in out and ":\n" not in out  # section headings end with one Chinese colon
    if command:
        assert out.rstrip().splitlines()[-2:] == ["示例：", f"  {COMMANDS[command][2]}"]


def test_overview_groups_commands_by_who_uses_them_with_one_example_each(capsys):
    _code, out, _err = run_main(capsys, ["--help"])
    groups = [line for line in out.splitlines() if line.endswith("：") and not line.startswith(" ")]
    assert [g.split("（")[0].rstrip("：") for g in groups if g.startswith(("支部用", "党委用", "安装"))] == \
        ["支部用", "党委用", "安装与维护"]
    for name, (_group, _summary, example) in COMMANDS.items():
        assert re.search(rf"^  {re.escape(name)}\s", out, re.M), name
        assert f"例：{example}" in out
        assert example.startswith(f"orglife {name}")
    assert set(COMMANDS) == set(build_parser()._subparsers._group_actions[0].choices)


WRONG = [
    [],
    ["frobnicate"],
    ["collect"],
    ["collect", "x", "-o"],
    ["collect", "x", "-o", "y", "--jobs", "abc"],
    ["collect", "x", "-o", "y", "--jobs", "0"],
    ["demo", "--jobs", "-3"],
    ["bundle", "--platform", "mac"],
    ["bundle", "--python", "2.7"],
    ["check", "--bogus", "x.xlsx"],
    ["check"],
    ["render"],
    ["render", "a.xlsx", "b.xlsx", "-o", "out"],
    ["template", "-o"],
    ["template", "--macro=yes", "-o", "t.xlsx"],
    ["remind", "-o", "out"],
    ["--no-such-option"],
]


@pytest.mark.parametrize("argv", WRONG, ids=[" ".join(a) or "nothing" for a in WRONG])
def test_wrong_invocations_say_what_is_wrong_in_chinese(capsys, argv):
    code, out, err = run_main(capsys, argv)
    assert code == 2
    text = out + err
    for typed in (part for a in argv for part in a.split("=") if not part.startswith("-") and len(part) > 1):
        text = text.replace(typed, " ")  # what the user typed is quoted back as typed
    assert english_words(text) == [], text
    assert "Traceback" not in text
    if argv:
        assert "参数错误：" in err and "查看用法" in err


def test_every_message_argparse_can_show_a_person_is_translated():
    """Every msgid of this Python's argparse, except the errors only a programmer can make."""
    programmer = {"'required' is an invalid argument for positionals", "%r is not callable",
                  ".__call__() not defined", "cannot merge actions - two groups are named %r",
                  "conflicting subparser: %s", "conflicting subparser alias: %s", "dest= is required for options like %r",
                  "invalid conflict_resolution value: %r", "mutually exclusive arguments must be optional",
                  "cannot have multiple subparser arguments", 'argument "-" with mode %r',
                  "invalid option string %(option)r: must start with a character %(prefix_chars)r",
                  "conflicting option string: %s", "conflicting option strings: %s"}
    tree = ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    missing = found - programmer - set(MESSAGES) - set(PLURALS) - {"expected %s arguments"}
    assert missing == set()


def test_argparse_is_english_again_outside_our_parsers():
    build_parser().format_help()
    assert argparse._("usage: ") == "usage: "
    assert argparse.ArgumentParser(prog="x").format_usage().startswith("usage: ")


def test_wrap_counts_chinese_as_two_columns():
    lines = wrap("同时把汇总报告转换为 PDF（需要 LibreOffice）", 20)
    assert "".join(lines).replace(" ", "") == "同时把汇总报告转换为PDF（需要LibreOffice）"
    assert all(sum(2 if ord(c) > 0x2E80 else 1 for c in line) <= 20 for line in lines)
    assert "LibreOffice" in "".join(lines)  # ASCII words are not cut


# --- a folder where a file is expected, and the reverse ------------------------------------------


@pytest.fixture
def places(tmp_path):
    folder = tmp_path / "一个文件夹"
    folder.mkdir()
    (folder / "说明.txt").write_text("x", encoding="utf-8")
    text = tmp_path / "某文件.txt"
    text.write_text("x", encoding="utf-8")
    book = tmp_path / "填报表.xlsx"
    book.write_bytes(b"PK")  # never opened: the path is refused first
    return {"DIR": str(folder), "TXT": str(text), "XLSX": str(book), "OUT": str(tmp_path / "输出")}


FOLDER_FOR_FILE = [
    ["render", "DIR", "-o", "OUT"],
    ["distribute", "DIR", "-o", "OUT"],
    ["remind", "DIR", "-o", "OUT"],
    ["carry", "DIR", "--cycle", "DIR", "-o", "OUT"],
    ["collect", "DIR", "--cycle", "DIR", "-o", "OUT"],
    ["collect", "DIR", "--previous", "DIR", "-o", "OUT"],
    ["template", "--cycle", "DIR", "-o", "OUT"],
    ["template", "-o", "DIR"],
    ["cycle-template", "-o", "DIR"],
    ["committee-desk", "-o", "DIR"],
]
FILE_FOR_FOLDER = [
    ["collect", "TXT", "-o", "OUT"],
    ["collect", "DIR", "--previous-cycle", "TXT", "-o", "OUT"],
    ["check", "XLSX", "--previous-cycle", "TXT"],
    ["carry", "TXT", "--cycle", "XLSX", "-o", "OUT"],
    ["collect", "DIR", "-o", "TXT"],
    ["render", "XLSX", "-o", "TXT"],
    ["render", "XLSX", "--templates", "TXT", "-o", "OUT"],
    ["distribute", "XLSX", "-o", "TXT"],
    ["remind", "XLSX", "-o", "TXT"],
    ["carry", "DIR", "--cycle", "XLSX", "-o", "TXT"],
    ["demo", "-o", "TXT"],
    ["bundle", "-o", "TXT"],
]


@pytest.mark.parametrize("argv", FOLDER_FOR_FILE, ids=" ".join)
def test_a_folder_where_a_file_is_expected_says_so(capsys, places, argv):
    code, out, err = run_main(capsys, [places.get(a, a) for a in argv])
    assert code == 2, out + err
    assert "是一个文件夹" in err and "找不到" not in err, err
    assert not Path(places["OUT"]).exists()


@pytest.mark.parametrize("argv", FILE_FOR_FOLDER, ids=" ".join)
def test_a_file_where_a_folder_is_expected_says_so(capsys, places, argv):
    before = Path(places["TXT"]).read_bytes()
    code, out, err = run_main(capsys, [places.get(a, a) for a in argv])
    assert code == 2, out + err
    assert "是一个文件" in err and "是一个文件夹" not in err, err
    assert not Path(places["OUT"]).exists()
    assert Path(places["TXT"]).read_bytes() == before


# --- progress: on a terminal, one line per step; nothing drawn in a log --------------------------


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    from toolkit.committee.cycle import branch_content, load_cycle
    from toolkit.core import sample_data
    from toolkit.workflows.demo import cycle_content, filled_content
    from toolkit.writers.workbook import write_branch_workbook, write_cycle_workbook

    base = tmp_path_factory.mktemp("cli")
    cycle_path = base / "周期设置.xlsx"
    write_cycle_workbook(cycle_path, cycle_content())
    cycle = load_cycle(cycle_path)
    rows = {b["branch_id"]: b for b in cycle.branches}
    inbox = base / "回收"
    inbox.mkdir()
    for branch_id, filled in list(sample_data.BRANCHES.items())[:2]:
        write_branch_workbook(inbox / f"{branch_id}.xlsx", filled_content(branch_content(cycle, rows[branch_id]), filled))
    return base, cycle_path, inbox


PHASES = ("读取填报表", "写出汇总表", "写出汇总报告", "合成情况报告汇编", "转换 PDF")


def _collect_argv(corpus, out: str) -> list[str]:
    base, cycle, inbox = corpus
    return [sys.executable, "-m", "toolkit", "collect", str(inbox), "--cycle", str(cycle), "-o", str(base / out),
            "--as-of", "2023-12-01", "--book", "--pdf", "--jobs", "1"]


def _env() -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm", "PYTHONPATH": str(ROOT)}
    for setting in ("NO_COLOR", "FORCE_COLOR", "TTY_INTERACTIVE", "TTY_COMPATIBLE", "ORGLIFE_DEBUG"):
        env.pop(setting, None)  # the machine's own console settings do not decide the test
    return env


def _through_pty(argv: list[str], timeout: float = 300) -> tuple[int, str]:
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=_env(), cwd=ROOT)
    os.close(slave)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], timeout)
            if not ready:
                proc.kill()
                raise AssertionError("no output for too long")
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_on_a_terminal_every_long_step_shows_progress(small_corpus):
    code, text = _through_pty(_collect_argv(small_corpus, "终端"))
    assert code == 0, text
    for phase in PHASES:
        assert phase in text, (phase, text)
    assert "\x1b[" in text  # drawn as a live bar
    assert "已写出" in text


def test_in_a_log_nothing_is_drawn_and_the_summary_stays(small_corpus):
    done = subprocess.run(_collect_argv(small_corpus, "日志"), capture_output=True, env=_env(), cwd=ROOT,
                          timeout=300)
    text = (done.stdout + done.stderr).decode("utf-8")
    assert done.returncode == 0, text
    assert "\r" not in text and "\x1b" not in text
    assert not any(phase in text for phase in PHASES)
    assert "已写出" in text and "已转换" in text


# --- issue 11 leftover: a read failure's FileCode reaches 文件清单, as check --json reports it -----


def test_the_readers_file_code_is_listed_in_the_file_list_as_check_reports_it(tmp_path, capsys):
    import json

    import openpyxl

    inbox = tmp_path / "回收"
    inbox.mkdir()
    (inbox / "假的.xlsx").write_text("hello, not a workbook", encoding="utf-8")  # the reader finds out
    other = openpyxl.Workbook()
    other.active["A1"] = "x"
    other.save(inbox / "别的表.xlsx")  # a workbook, not a branch's
    (inbox / "说明.txt").write_text("x", encoding="utf-8")  # the walker decides by name
    code, _out, err = run_main(capsys, ["collect", str(inbox), "-o", str(tmp_path / "汇总"), "--as-of", "2023-12-01",
                                        "--jobs", "1"])
    assert code == 1, err
    sheet = openpyxl.load_workbook(tmp_path / "汇总" / "汇总表.xlsx", read_only=True)["文件清单"]
    rows = list(sheet.iter_rows(values_only=True))
    listed = {Path(r[rows[0].index("文件")]).name: r[rows[0].index("代码")] for r in rows[1:]}
    assert listed == {"假的.xlsx": "not-a-workbook", "别的表.xlsx": "not-branch-layout", "说明.txt": "not-a-workbook"}

    _code, out, _err = run_main(capsys, ["check", "--json", str(inbox / "假的.xlsx"), str(inbox / "别的表.xlsx")])
    checked = json.loads(out)
    assert {Path(f["path"]).name: f["issues"][0]["file_code"] for f in checked["files"]} == \
        {k: v for k, v in listed.items() if k.endswith(".xlsx")}


def test_a_system_refusal_is_said_in_chinese_without_a_traceback(tmp_path, capsys, monkeypatch):
    import errno

    import toolkit.workflows.distribute as distribute

    def refused(out):
        raise PermissionError(errno.EACCES, "Permission denied", str(out))

    monkeypatch.setattr(distribute, "cycle_template", refused)
    code, _out, err = run_main(capsys, ["cycle-template", "-o", str(tmp_path / "周期设置.xlsx")])
    assert code == 2
    assert "周期设置.xlsx" in err and english_words(err.replace(str(tmp_path), "")) == [], err


def test_a_book_left_by_an_earlier_collect_is_moved_aside_and_listed(small_corpus, capsys):
    from toolkit.io.fsutil import ASIDE

    base, cycle, inbox = small_corpus
    out = base / "两次汇总"
    argv = ["collect", str(inbox), "--cycle", str(cycle), "-o", str(out), "--as-of", "2023-12-01", "--jobs", "1"]
    assert run_main(capsys, [*argv, "--book"])[0] == 0
    book = out / "情况报告汇编.docx"
    os.utime(book, (book.stat().st_mtime - 60,) * 2)  # from an earlier day, not from a second ago
    code, again, err = run_main(capsys, argv)  # its own unchanged outputs are rewritten without --force
    assert code == 0, err
    assert not (out / "情况报告汇编.docx").exists() and (out / ASIDE / "情况报告汇编.docx").is_file()
    assert "情况报告汇编.docx" in again and ASIDE in again


class _Recorder:
    """A workflow's progress that notes each step and how far it advanced."""

    def __init__(self):
        self.steps: list[tuple[str, int | None, int]] = []

    def __call__(self, label, total=None):
        import contextlib

        @contextlib.contextmanager
        def step():
            count = [0]
            yield lambda: count.__setitem__(0, count[0] + 1)
            self.steps.append((label, total, count[0]))
        return step()


def test_render_check_and_distribute_tell_their_steps(small_corpus, tmp_path):
    from toolkit.workflows.branch import check_paths, render_workbook
    from toolkit.workflows.distribute import distribute

    _base, cycle, inbox = small_corpus
    seen = _Recorder()
    render_workbook(next(inbox.glob("*.xlsx")), tmp_path / "材料", progress=seen)
    assert [label for label, _t, _n in seen.steps] == ["检查填报表", "生成全套材料（报告、会议材料和个人材料）"]
    seen = _Recorder()
    checked = check_paths([inbox], progress=seen)
    assert seen.steps == [("检查填报表", len(checked.files), len(checked.files))] and checked.files
    seen = _Recorder()
    result = distribute(cycle, tmp_path / "下发", progress=seen)
    assert seen.steps == [("写出支部填报表", len(result.written), len(result.written))]


def test_the_console_draws_on_a_terminal_only(monkeypatch):
    import io

    monkeypatch.setenv("TERM", "xterm")
    from toolkit.app.present import console_progress
    from toolkit.workflows.steps import quiet

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert console_progress(io.StringIO()) is quiet
    screen = Terminal()
    with console_progress(screen)("读取填报表", 3) as advance:
        for _ in range(3):
            advance()
    assert "读取填报表" in screen.getvalue() and "3/3" in screen.getvalue()
