"""Macro-enabled workbooks: what is inside them, and the button's Python path end to end.

The command line is not typed in here: it is evaluated from the VBA source of
the generated workbook (oletools), statement by statement, as xlwings 0.37.8's
SampleCall -> RunPython -> ExecuteWindows build it, then split the way cmd.exe
and the C runtime split it, and run. Only the click inside Excel is not covered.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from fixtures import clone, meeting_content, valid_content
from oletools.olevba import VBA_Parser

from toolkit.app.cli import build_parser
from toolkit.app.cli import main as cli_main
from toolkit.app.excel_entry import OUTPUT_SUFFIX, RESULT_HEADERS, RESULT_SHEET, parse_call
from toolkit.writers import excel_build
from toolkit.writers.excel_build import (
    BUTTON_MACRO,
    CHECK_CAPTION,
    COLLECT_CAPTION,
    RENDER_CAPTION,
    SHEET_CONFIG,
    branch_macro_parts,
    write_committee_desk,
)
from toolkit.writers.workbook import write_branch_workbook

ROOT = Path(__file__).resolve().parent.parent
STANDIN = ROOT / "tests" / "xlwings_standin"
ENTRY = Path(sys.executable).parent / "orglife-excel"
RENAMED = "办公室党支部-组织生活会 (1).xlsm"  # what a branch's copy ends up called

# The statements of xlwings 0.37.8's VBA that build the command line (Windows branch).
# If an upgrade changes any of them, this list no longer matches and the pin must be revisited.
PINNED_VBA = {
    "mymodule": 'mymodule = Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", -1, vbTextCompare) - 1))',
    "PythonCommand": 'RunPython "import " & mymodule & ";" & mymodule & ".main()"',
    "interpreter": 'interpreter = GetConfig("INTERPRETER_WIN", "")',
    "AddExcelDir": 'AddExcelDir = GetConfig("ADD_WORKBOOK_TO_PYTHONPATH", "true")',
    "ThisFullName": "ThisFullName = ThisWorkbook.FullName",
    "ActiveFullName": "ActiveFullName = ThisWorkbook.FullName",
    "PYTHONPATH": 'PYTHONPATH = AddExcelDir & ";" & ActiveFullName & ";" & ThisFullName & ";" & '
                  'GetConfig("ONEDRIVE_CONSUMER_WIN") & ";" & GetConfig("ONEDRIVE_COMMERCIAL_WIN") & ";" & '
                  'GetConfig("SHAREPOINT_WIN") & ";" & GetConfig("PYTHONPATH")',
    "OPTIMIZED_CONNECTION": 'OPTIMIZED_CONNECTION = GetConfig("USE UDF SERVER", False)',
    "PythonInterpreter": "PythonInterpreter = Chr(34) & PYTHON_WIN & Chr(34)",
    "escape_amp": 'PYTHONPATH = Replace(PYTHONPATH, "&", "^&")',
    "escape_backslash": 'PYTHONPATH = Replace(PYTHONPATH, "\\", "\\\\")',
    "RunCommand": 'RunCommand = CondaCmd & PythonInterpreter & " -B -c ""import xlwings.utils;'
                  'xlwings.utils.prepare_sys_path(\\""" & PYTHONPATH & "\\""); " & PythonCommand & """ "',
    "WScript": 'ExitCode = WScript.Run("cmd.exe /C " & DriveCommand & _\n'
               '                       RunCommand & _\n'
               '                       " --wb=" & """" & ThisWorkbook.Name & """ --from_xl=1" & " --app=" & Chr(34) & _\n'
               '                       Application.Path & "\\" & Application.Name & Chr(34) & " --hwnd=" & Chr(34) & '
               'Application.Hwnd & Chr(34) & _\n'
               '                       " 2> """ & LOG_FILE & """ ", _',
}


# --- a tiny evaluator for the VBA string expressions above ---------------------------

_TOKEN = re.compile(r'\s*(?:("(?:[^"]|"")*")|(-?\d+)|([A-Za-z_][\w.$]*)|(&|\+|-|\(|\)|,))')


def vba_eval(expr: str, env: dict):
    """Evaluate a VBA expression of literals, names, & + -, and a few built-in functions."""
    tokens, pos = [], 0
    expr = expr.replace(" _\n", " ").strip()
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        assert m and m.end() > pos, f"cannot read VBA at {expr[pos:]!r}"
        tokens.append(m.groups())
        pos = m.end()
    funcs = {
        "Chr": chr,
        "Left": lambda s, n: s[:n],
        "InStrRev": lambda s, sub, start=-1, compare=None: s.rfind(sub) + 1,
        "Replace": lambda s, a, b: s.replace(a, b),
        "GetConfig": lambda key, default="": env["config"].get(key, default),
    }
    i = 0

    def atom():
        nonlocal i
        string, number, name, op = tokens[i]
        i += 1
        if string is not None:
            return string[1:-1].replace('""', '"')
        if number is not None:
            return int(number)
        if op == "(":
            value = concat()
            assert tokens[i][3] == ")"
            i += 1
            return value
        if op == "-":
            return -atom()
        if name in funcs and i < len(tokens) and tokens[i][3] == "(":
            i += 1
            args = []
            while tokens[i][3] != ")":
                args.append(concat())
                if tokens[i][3] == ",":
                    i += 1
            i += 1
            return funcs[name](*args)
        if name in ("False", "True"):
            return name == "True"
        return env[name]

    def concat():
        nonlocal i
        value = atom()
        while i < len(tokens) and tokens[i][3] in ("&", "+", "-"):
            op = tokens[i][3]
            i += 1
            right = atom()
            value = (str(value) + str(right)) if op == "&" else (value + right if op == "+" else value - right)
        return value

    result = concat()
    assert i == len(tokens), f"unread VBA: {tokens[i:]}"
    return result


def _rhs(statement: str) -> str:
    if statement.startswith("RunPython "):
        return statement[len("RunPython "):]
    if statement.startswith("ExitCode = WScript.Run("):
        return statement[len("ExitCode = WScript.Run("):].rsplit(",", 1)[0]
    return statement.split(" = ", 1)[1]


def runpython_command_line(vba: str, interpreter: Path, workbook: Path, sheet_config: dict) -> str:
    """The cmd.exe line RunPython starts for a SampleCall button, evaluated from the VBA source."""
    for key, statement in PINNED_VBA.items():
        assert statement in vba, f"xlwings VBA changed: {key}"
    config = {"INTERPRETER_WIN": str(interpreter), **sheet_config}
    env = {"config": config, "vbTextCompare": 1, "CondaCmd": "", "DriveCommand": "",
           "ThisWorkbook.Name": workbook.name, "ThisWorkbook.FullName": str(workbook),
           "Application.Path": r"C:\Program Files\Microsoft Office\root\Office16",
           "Application.Name": "Microsoft Excel", "Application.Hwnd": 1234, "LOG_FILE": "xlwings.log"}
    # DriveCommand stays empty: it only prefixes "C: & cd ..." for drive-letter paths (cmd runs it first)
    order = ["mymodule", "PythonCommand", "interpreter", "AddExcelDir", "ActiveFullName", "ThisFullName",
             "PYTHONPATH", "OPTIMIZED_CONNECTION"]
    for key in order:
        env[key] = vba_eval(_rhs(PINNED_VBA[key]), env)
    assert env["OPTIMIZED_CONNECTION"] in (False, "False"), "the UDF-server path would bypass orglife-excel"
    env["PYTHON_WIN"] = env["interpreter"]
    for key in ("PythonInterpreter", "escape_amp", "escape_backslash", "RunCommand"):
        target = "PYTHONPATH" if key.startswith("escape") else key
        env[target] = vba_eval(_rhs(PINNED_VBA[key]), env)
    return vba_eval(_rhs(PINNED_VBA["WScript"]), env)


def cmd_to_argv(line: str) -> list[str]:
    """What cmd.exe /C and the C runtime make of the line (no drive command, stderr redirected)."""
    assert line.startswith("cmd.exe /C ")
    line = line[len("cmd.exe /C "):]
    redirect = re.search(r' 2> "[^"]*" $', line)
    assert redirect, "stderr is no longer redirected to the log xlwings shows"
    line = line[:redirect.start()]
    out, quoted = [], False
    i = 0
    while i < len(line):  # cmd: carets escape outside quotes
        ch = line[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "^" and not quoted:
            i += 1
            ch = line[i]
        out.append(ch)
        i += 1
    line = "".join(out)
    args, buf, quoted, i, have = [], [], False, 0, False
    while i < len(line):  # MSVCRT argument rules
        ch = line[i]
        if ch == "\\":
            n = 0
            while i < len(line) and line[i] == "\\":
                n += 1
                i += 1
            if i < len(line) and line[i] == '"':
                buf.append("\\" * (n // 2))
                if n % 2:
                    buf.append('"')
                    i += 1
            else:
                buf.append("\\" * n)
            have = True
            continue
        if ch == '"':
            quoted = not quoted
            have = True
        elif ch in " \t" and not quoted:
            if have:
                args.append("".join(buf))
                buf, have = [], False
        else:
            buf.append(ch)
            have = True
        i += 1
    if have:
        args.append("".join(buf))
    return args


# --- fixtures -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def parts():
    return branch_macro_parts()


@pytest.fixture(scope="module")
def books(tmp_path_factory, parts):
    folder = tmp_path_factory.mktemp("macro")
    good = folder / "ok" / RENAMED
    write_branch_workbook(good, valid_content(), macro=parts)
    broken = clone(valid_content())
    broken.tables["measures"][0]["pid"] = "P99"  # a measure for a problem that does not exist
    bad = folder / "bad" / RENAMED
    write_branch_workbook(bad, broken, macro=parts)
    desk = write_committee_desk(folder / "desk" / "汇总台.xlsm")
    inbox = folder / "desk" / "回收文件"
    inbox.mkdir()
    write_branch_workbook(inbox / "综合科党支部.xlsx", valid_content())
    return {"good": good, "bad": bad, "desk": desk}


@pytest.fixture(scope="module")
def vba(books):
    parser = VBA_Parser(str(books["good"]))
    try:
        assert parser.detect_vba_macros()
        return {name: code.replace("\r\n", "\n") for _f, _s, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _vml_buttons(path: Path) -> list[tuple[str, str, str]]:
    """(Excel's name, caption, macro) of every form button, from the VML in the file."""
    with zipfile.ZipFile(path) as zf:
        found = []
        for name in zf.namelist():
            if name.endswith(".vml"):
                vml = zf.read(name).decode()
                for m in re.finditer(r'<v:shape id="_x0000_s(\d+)"(.*?)</v:shape>', vml, re.S):
                    body = m.group(2)
                    if 'ObjectType="Button"' in body:
                        caption = re.sub(r"<[^>]+>", "", re.search(r"<v:textbox[^>]*>(.*?)</v:textbox>", body, re.S).group(1))
                        macro = re.search(r"<x:FmlaMacro>(.*?)</x:FmlaMacro>", body).group(1)
                        found.append((f"Button {int(m.group(1)) - 1024}", caption.strip(), macro))
    return found


def _press(book: Path, button: str | None, tmp_path: Path, vba_code: str, answer: str = "no",
           open_books: list[Path] | None = None) -> tuple[subprocess.CompletedProcess, dict]:
    """Run the exact RunPython command line with the stand-in Excel; return the process and its log."""
    all_code = "\n".join(vba_code.values())
    line = runpython_command_line(all_code, ENTRY, book, SHEET_CONFIG)
    argv = cmd_to_argv(line)
    log = tmp_path / f"log-{os.getpid()}-{button}.json"
    env = {**os.environ, "PYTHONPATH": str(STANDIN), "XLWINGS_STANDIN_LOG": str(log),
           "XLWINGS_STANDIN_OPEN": os.pathsep.join(map(str, open_books or [book])),
           "XLWINGS_STANDIN_ANSWER": answer}
    env.pop("XLWINGS_STANDIN_CALLER", None)
    if button:
        env["XLWINGS_STANDIN_CALLER"] = button
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=180, cwd=tmp_path)
    return proc, json.loads(log.read_text(encoding="utf-8"))


def _button_named(path: Path, caption: str) -> str:
    return next(name for name, cap, _m in _vml_buttons(path) if cap == caption)


# --- the files --------------------------------------------------------------------------

def test_vba_project_is_the_installed_quickstart_unchanged(books):
    with zipfile.ZipFile(excel_build.quickstart_path()) as zf:
        shipped = zf.read("xl/vbaProject.bin")
    for path in books.values():
        with zipfile.ZipFile(path) as zf:
            assert zf.read("xl/vbaProject.bin") == shipped
            types = zf.read("[Content_Types].xml").decode()
        assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
        assert re.search(r'(Extension="bin"|PartName="/xl/vbaProject.bin") '
                         r'ContentType="application/vnd.ms-office.vbaProject"', types)


def test_vba_holds_runpython_and_every_button_macro(books, vba):
    code = "\n".join(vba.values())
    assert "Public Function RunPython(PythonCommand As String)" in code
    assert f"Version: {excel_build.XLWINGS_VERSION}" in code
    for path, captions in ((books["good"], {CHECK_CAPTION, RENDER_CAPTION}), (books["desk"], {COLLECT_CAPTION})):
        buttons = _vml_buttons(path)
        assert {cap for _n, cap, _m in buttons} == captions
        for _name, _cap, macro in buttons:
            assert macro == f"[0]!{BUTTON_MACRO}"
            body = re.search(rf"^Sub {BUTTON_MACRO}\(\)\n(.*?)^End Sub", code, re.S | re.M)
            assert body and "RunPython" in body.group(1)


def test_config_sheet_and_protection_seen_by_openpyxl(books):
    for path in books.values():
        wb = openpyxl.load_workbook(path, keep_vba=True)
        conf = wb["xlwings.conf"]
        assert conf.sheet_state == "veryHidden"
        pairs = {conf.cell(r, 1).value: conf.cell(r, 2).value for r in range(1, conf.max_row + 1)}
        assert pairs == SHEET_CONFIG  # contiguous from A1, as the VBA reads it
        assert not any(k.upper().startswith("INTERPRETER") for k in pairs), "the user's file names the interpreter"
    wb = openpyxl.load_workbook(books["good"], keep_vba=True)
    assert wb["问题清单"].protection.sheet and wb["填写说明"].protection.sheet
    assert len(wb["问题清单"].data_validations.dataValidation) >= 3
    assert wb["_meta"].sheet_state == "veryHidden"
    desk = openpyxl.load_workbook(books["desk"], keep_vba=True)
    assert desk["汇总台"].protection.sheet and desk["汇总台"]["B3"].protection.locked is False


def test_renamed_file_breaks_samplecall_code_but_not_the_call(books, vba):
    argv = cmd_to_argv(runpython_command_line("\n".join(vba.values()), ENTRY, books["good"], SHEET_CONFIG))
    assert argv[0] == str(ENTRY)
    assert argv[1:3] == ["-B", "-c"]
    code = argv[3]
    assert code.endswith("import 办公室党支部-组织生活会 (1);办公室党支部-组织生活会 (1).main()")
    with pytest.raises(SyntaxError):
        compile(code, "<string>", "exec")  # why python itself cannot be the interpreter
    call = parse_call(argv[1:])
    assert call.fullname == books["good"]
    assert call.book_name == RENAMED
    assert argv[4:6] == [f"--wb={RENAMED}", "--from_xl=1"]


# --- pressing the buttons ---------------------------------------------------------------

def test_check_button_lists_problems_with_links(books, vba, tmp_path):
    book = books["bad"]
    proc, log = _press(book, _button_named(book, CHECK_CAPTION), tmp_path, vba)
    assert proc.returncode == 0, proc.stderr
    assert log["caller_args"][-4:-2] == [f"--wb={RENAMED}", "--from_xl=1"]
    assert log["saved"] == 1  # saved before reading, so the check sees what is on screen
    rows = log["sheets"][RESULT_SHEET]
    assert rows[0] == RESULT_HEADERS
    hit = [r for r in rows[1:] if r[0] == "整改台账" and r[2] == "错误"]
    assert hit and hit[0][1] == "=HYPERLINK(\"#'整改台账'!A2\",\"A2\")"
    assert "P99" in hit[0][3]
    assert log["active"] == RESULT_SHEET
    assert len(log["alerts"]) == 1 and "个错误" in log["alerts"][0]["prompt"]
    assert not (book.parent / (book.stem + OUTPUT_SUFFIX)).exists()
    saved = openpyxl.load_workbook(book, keep_vba=True)
    assert saved.sheetnames[0] == "填写说明" and "_meta" in saved.sheetnames


def test_render_button_writes_documents_beside_the_workbook(books, vba, tmp_path):
    from docx import Document

    book = books["good"]
    proc, log = _press(book, _button_named(book, RENDER_CAPTION), tmp_path, vba)
    assert proc.returncode == 0, proc.stderr
    out = book.parent / (book.stem + OUTPUT_SUFFIX)
    # the three branch documents (the meeting's other documents are written beside them)
    docs = sorted(d for d in out.glob("*.docx") if d.stem.endswith(("_情况报告", "_对照检查材料", "_整改清单")))
    assert [d.name for d in docs] == sorted(f"综合科党支部_2023_{k}.docx" for k in ("情况报告", "对照检查材料", "整改清单"))
    text = "\n".join(p.text for p in Document(str(docs[0])).paragraphs)
    assert "综合科党支部" in text
    prompt = log["alerts"][-1]["prompt"]
    assert "检查通过" in prompt and str(out) in prompt
    assert log["sheets"][RESULT_SHEET][1][3] == "检查通过，没有发现问题。"


def test_render_button_writes_the_proposed_grades_into_the_open_workbook(parts, vba, tmp_path):
    book = tmp_path / "ok" / RENAMED
    write_branch_workbook(book, meeting_content(), macro=parts)
    proc, log = _press(book, _button_named(book, RENDER_CAPTION), tmp_path, vba)
    assert proc.returncode == 0, proc.stderr
    rows = log["sheets"]["参会人员"]
    col = rows[0].index("拟定等次")
    name = rows[0].index("姓名")
    got = {r[name]: r[col] for r in rows[1:] if r[name]}
    assert got == {"周明远": "优秀", "林晓雯": "合格", "马国栋": "合格", "何雨桐": "不评定", "宋立新": "合格"}
    assert log["saved"] == 1  # saved before reading; the proposals are left for the user to save


def test_render_button_on_a_workbook_with_errors_lists_them_and_writes_nothing(books, vba, tmp_path):
    book = books["bad"]
    proc, log = _press(book, _button_named(book, RENDER_CAPTION), tmp_path, vba)
    assert proc.returncode == 0, proc.stderr
    assert len(log["alerts"]) == 1 and "没有生成材料" in log["alerts"][0]["prompt"]
    assert any(r[2] == "错误" for r in log["sheets"][RESULT_SHEET][1:])
    assert not list((book.parent / (book.stem + OUTPUT_SUFFIX)).glob("*.docx"))


def test_unknown_button_asks_and_check_is_the_safe_answer(books, vba, tmp_path):
    proc, log = _press(books["bad"], None, tmp_path, vba, answer="no")
    assert proc.returncode == 0, proc.stderr
    assert log["alerts"][0]["buttons"] == "yes_no"
    assert "个错误" in log["alerts"][1]["prompt"]


def test_desk_button_collects_the_folder_beside_it_and_opens_the_result(books, vba, tmp_path):
    desk = books["desk"]
    proc, log = _press(desk, _button_named(desk, COLLECT_CAPTION), tmp_path, vba)
    assert proc.returncode == 0, proc.stderr
    summary = desk.parent / "汇总结果" / "汇总表.xlsx"
    assert log["opened"] == [str(summary)]
    wb = openpyxl.load_workbook(summary, read_only=True)
    files = [row for row in wb["文件清单"].iter_rows(values_only=True) if row and any(row)]
    assert any("综合科党支部.xlsx" in str(c) for row in files for c in row)
    assert "汇总表" in log["alerts"][-1]["prompt"] and "失败" not in log["alerts"][-1]["prompt"]


def test_other_workbooks_code_runs_as_python(tmp_path):
    foreign = tmp_path / "report.xlsm"
    foreign.write_bytes(b"not an orglife workbook")
    out = tmp_path / "argv.txt"
    code = (f'import xlwings.utils;xlwings.utils.prepare_sys_path("true;{foreign};{foreign};;;;"); '
            f"import sys; open({str(out)!r}, 'w').write(repr(sys.argv))")
    proc = subprocess.run([str(ENTRY), "-B", "-c", code, "--wb=report.xlsm", "--from_xl=1"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert out.read_text() == repr(["-c", "--wb=report.xlsm", "--from_xl=1"])
    bad = subprocess.run([str(ENTRY), "-c", "raise SystemExit(3)"], capture_output=True, timeout=60)
    assert bad.returncode == 3


# --- set-up and the WPS / LibreOffice path ------------------------------------------------

def test_excel_setup(tmp_path, capsys, monkeypatch):
    from toolkit.app import excel_setup

    monkeypatch.setattr(os, "name", "posix")
    assert cli_main(["excel-setup"]) == 2
    assert "Windows" in capsys.readouterr().err
    assert cli_main(["excel-setup", "--print"]) == 0
    assert f'"INTERPRETER_WIN","{ENTRY}"' in capsys.readouterr().out
    conf = tmp_path / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir()
    conf.write_text('"INTERPRETER_WIN","C:\\old\\python.exe"\r\n"SHOW CONSOLE","True"\r\n', encoding="utf-8")
    setup = excel_setup.plan(home=tmp_path, scripts_dir=Path(r"C:\Py\Scripts"), windows=True)
    assert setup.previous == "C:\\old\\python.exe"
    assert setup.text == '"SHOW CONSOLE","True"\r\n"INTERPRETER_WIN","C:\\Py\\Scripts\\orglife-excel.exe"\r\n'
    assert {c.name for c in setup.checks} == {"Python", "xlwings", "pywin32", "orglife-excel"}


def test_launchers_pass_the_dropped_path_to_orglife(tmp_path):
    from toolkit.writers.excel_build import LAUNCHERS, launcher_bytes, write_launchers

    written = write_launchers(tmp_path)
    for path in written:
        raw = path.read_bytes()
        assert raw == launcher_bytes(path.name) == (ROOT / "workbook_templates" / path.name).read_bytes()
        assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
        raw.decode("gbk")
    dropped = r"D:\支部\办公室党支部-组织生活会 (1).xlsx"
    drive_path_name = dropped.rsplit(".", 1)[0]
    here = "D:\\党委\\"
    for name, text in LAUNCHERS.items():
        (line,) = [ln for ln in text.splitlines() if ln.startswith("orglife ")]
        line = (line.replace("%~dpn1", drive_path_name).replace("%~1", dropped).replace("%~dp0", here)
                .replace("%CYCLE%", f'--cycle "{here}周期设置.xlsx"'))
        args = build_parser().parse_args(cmd_to_argv("cmd.exe /C " + line + ' 2> "x" ')[1:])
        if name == "生成材料.cmd":
            assert (args.command, args.file, args.output) == ("render", dropped, drive_path_name + "_材料")
        else:
            assert args.command == "collect" and args.paths == [dropped] and args.output == here + "汇总结果"
            assert args.cycle == here + "周期设置.xlsx"


def test_distribute_and_template_with_macro(tmp_path, capsys):
    import datetime as dt

    from toolkit.writers.workbook import Content, write_cycle_workbook

    cycle = tmp_path / "周期设置.xlsx"
    write_cycle_workbook(cycle, Content(
        info={"superior": "市档案局机关党委", "meeting_type": "组织生活会", "year": 2023, "theme": "对照检视",
              "deadline": dt.date(2023, 9, 15)},
        tables={"branches": [{"branch_id": "ZB01", "org_name": "办公室党支部"},
                             {"branch_id": "ZB02", "org_name": "综合科党支部"}],
                "members": [{"org_name": "办公室党支部", "name": "王一鸣"}]}))
    out = tmp_path / "下发"
    assert cli_main(["distribute", str(cycle), "-o", str(out), "--macro"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["关于召开2023年度组织生活会的通知.docx", "办公室党支部.xlsm",
                                                     "生成材料.cmd", "综合科党支部.xlsm"]
    assert cli_main(["template", "--macro", "-o", str(tmp_path / "空白.xlsx")]) == 0
    assert "空白.xlsm" in capsys.readouterr().out
    for path in (out / "办公室党支部.xlsm", tmp_path / "空白.xlsm"):
        assert {(cap, macro) for _n, cap, macro in _vml_buttons(path)} == {
            (CHECK_CAPTION, "[0]!SampleCall"), (RENDER_CAPTION, "[0]!SampleCall")}
        assert "xlwings.conf" in openpyxl.load_workbook(path, keep_vba=True).sheetnames
