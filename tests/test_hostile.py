"""Hostile and broken input: every file of the corpus ends in a Chinese message and an exit status.

The corpus (tests/corpus/make_corpus.py) is built once per module; each case
states its exit status, issue code, message fragment and cell. Every check here
goes through the real CLI, under a time limit, and hashes the input before and
after: inputs are never modified, nothing is written beside them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from corpus.make_corpus import CASES, INJECTIONS, INPUT_ERRORS, TRAVERSAL_NAME, VALID_NAME, build_corpus

from toolkit.app.cli import main
from toolkit.branch.read import read_branch

ROOT = Path(__file__).resolve().parent.parent
SECONDS_PER_FILE = 20


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextlib.contextmanager
def time_limit(seconds: int):
    """Fail instead of hanging (SIGALRM interrupts Python code between library calls)."""
    def expired(signum, frame):
        raise TimeoutError(f"took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    paths = build_corpus(folder)
    return folder, paths, {name: digest(p) for name, p in paths.items()}


def run_check(capsys, *args: str) -> tuple[int, str]:
    with time_limit(SECONDS_PER_FILE):
        status = main(["check", *args])
    out = capsys.readouterr()
    return status, out.out + out.err


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_each_case_ends_in_its_message_and_status(case, corpus, capsys):
    folder, paths, hashes = corpus
    path = paths[case.file]
    listing = sorted(os.listdir(folder))

    status, text = run_check(capsys, str(path))
    assert status == case.status, text
    assert path.name in text
    if not case.file_code:  # a file-level outcome is asserted by its code below, not its wording
        assert case.fragment in text, text
    if case.where:
        assert case.where in text, text
    assert "Traceback" not in text and "程序内部错误" not in text

    status_json, out = run_check(capsys, "--json", str(path))
    assert status_json == case.status
    report = json.loads(out)["files"][0]
    codes = [i["code"] for i in report["issues"]]
    errors = [i for i in report["issues"] if i["severity"] == "error"]
    if case.code:
        assert case.code in codes, codes
    if case.file_code:
        assert [i.get("file_code") for i in report["issues"]] == [case.file_code], report["issues"]
    else:
        assert not any(i.get("file_code") for i in report["issues"]), report["issues"]
    if case.status == 0:
        assert report["status"] == "ok" and errors == []
    else:
        assert errors and report["status"] in ("errors", "unreadable")
        if case.where:
            sheet, cell = case.where.split("!")
            assert any(i["sheet"] == sheet and i["cell"] == cell for i in errors), errors

    assert digest(path) == hashes[case.file], "the input was modified"
    assert sorted(os.listdir(folder)) == listing, "check wrote beside its input"


def test_valid_workbook_is_the_baseline(corpus, capsys):
    _, paths, _ = corpus
    status, text = run_check(capsys, str(paths[VALID_NAME]))
    assert status == 0 and "检查通过" in text


def rows(path: Path, key: str) -> list[dict]:
    return read_branch(path).rows(key)


def test_old_formats_and_wrong_names_read_the_same_rows(corpus):
    _, paths, _ = corpus
    valid = read_branch(paths[VALID_NAME])
    for name in ("旧格式.xls", "旧格式另存.xlsx", "WPS表格.et", "二进制.xlsb"):
        other = read_branch(paths[name])
        assert other.info == valid.info, name
        for key in ("members", "problems", "measures"):
            assert other.rows(key) == valid.rows(key), (name, key)


def test_merged_problem_id_belongs_to_every_merged_row(corpus):
    _, paths, _ = corpus
    measures = rows(paths["合并单元格.xlsx"], "measures")
    assert [(m["_row"], m["pid"]) for m in measures] == [(2, "P01"), (3, "P02"), (4, "P02"), (5, "P03"),
                                                          (6, "P04"), (7, "P05"), (8, "P06")]


def test_hidden_rows_and_moved_columns_lose_nothing(corpus):
    _, paths, _ = corpus
    valid = read_branch(paths[VALID_NAME])
    for name in ("隐藏行.xlsx", "调换列序.xlsx"):
        other = read_branch(paths[name])
        for key in ("members", "problems"):
            assert other.rows(key) == valid.rows(key), (name, key)


def test_control_characters_are_dropped_not_passed_on(corpus):
    _, paths, _ = corpus
    branch = read_branch(paths["控制字符.xlsx"])
    assert branch.info["org_name"] == "综合科党支部"
    assert branch.rows("problems")[0]["summary"] == "集中学习多照本宣科，研讨不够深入"
    assert branch.rows("members")[1]["name"] == "林晓雯"
    for key, table in branch.tables.items():
        for row in table:
            for value in row.values():
                if isinstance(value, str):
                    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in value), (key, value)


def test_template_syntax_and_xml_specials_are_read_verbatim(corpus):
    _, paths, _ = corpus
    branch = read_branch(paths["模板注入.xlsx"])
    texts = [v for v in branch.info.values() if isinstance(v, str)]
    texts += [v for table in branch.tables.values() for row in table for v in row.values() if isinstance(v, str)]
    joined = "\n".join(texts)
    for marker in INJECTIONS:
        assert marker in joined, marker
    assert branch.info["theme"].startswith(INJECTIONS[4] + "｜")


def test_path_separators_in_org_name_are_kept_as_text(corpus):
    _, paths, _ = corpus
    assert read_branch(paths["路径名称.xlsx"]).info["org_name"] == TRAVERSAL_NAME


def test_formula_errors_are_reported_where_they_are(corpus, capsys):
    _, paths, _ = corpus
    status, out = run_check(capsys, "--json", str(paths["公式错误.xlsx"]))
    cells = {(i["sheet"], i["cell"], i["code"]) for i in json.loads(out)["files"][0]["issues"]}
    assert {("问题清单", "E3", "formula-error"), ("整改台账", "D2", "formula-error")} <= cells
    assert status == INPUT_ERRORS


def test_whole_corpus_in_a_fresh_process_no_traceback_bounded_time_and_memory(corpus, tmp_path):
    """The real command line on every file at once; the work folder stays empty."""
    _folder, paths, hashes = corpus
    files = [str(paths[c.file]) for c in CASES] + [str(paths[VALID_NAME])]
    # cli.main in a fresh interpreter that reports its own peak memory afterwards.
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so it would report
    # the forking pytest process's size (300 MB in a full run), not this command's.
    code = ("import sys\nfrom toolkit.app.cli import main\nrc = main(sys.argv[1:])\n"
            "hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
            "sys.stderr.write(f'\\nMAXRSS_KB={hwm}\\n')\n"
            "raise SystemExit(rc)")
    work = tmp_path / "cwd"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ORGLIFE_DEBUG", None)
    started = dt.datetime.now()
    done = subprocess.run([sys.executable, "-c", code, "check", *files], cwd=work, env=env,
                          capture_output=True, text=True, timeout=120)
    elapsed = (dt.datetime.now() - started).total_seconds()
    text = done.stdout + done.stderr
    assert done.returncode == INPUT_ERRORS
    assert "Traceback" not in text and "程序内部错误" not in text
    for c in CASES:
        assert Path(paths[c.file]).name in done.stdout, c.file
    assert f"共检查 {len(files)} 个文件" in done.stdout
    peak_mb = int(text.rsplit("MAXRSS_KB=", 1)[1].split()[0]) // 1024
    # calamine alone needs ~360 MB for the million-row sheet: the row count must stop it first.
    assert peak_mb < 250, f"peak memory {peak_mb} MB"
    assert elapsed < 60, f"{elapsed:.1f} s for the corpus"
    assert list(work.iterdir()) == []
    assert {n: digest(p) for n, p in paths.items()} == hashes


def test_python_m_toolkit_on_a_broken_file(corpus, tmp_path):
    """`python -m toolkit` itself: exit 1, the message on stdout, nothing on stderr but text."""
    _, paths, _ = corpus
    done = subprocess.run([sys.executable, "-m", "toolkit", "check", str(paths["下载一半.xlsx"])],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == INPUT_ERRORS
    assert "下载一半.xlsx 文件已损坏" in done.stdout
    assert "Traceback" not in done.stderr


# --- collect: every input accounted for, nothing lost, interrupted runs leave no half files ---

FINAL_NAMES = ("汇总表.xlsx", "汇总报告.docx")


def run_cli(args: list[str], cwd: Path, tmpdir: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmpdir)}
    env.pop("ORGLIFE_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "toolkit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def file_list(summary: Path) -> list[tuple[str, str, str]]:
    import openpyxl

    ws = openpyxl.load_workbook(summary, read_only=True)["文件清单"]
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    at = {h: head.index(h) for h in ("文件", "结果", "说明")}
    return [(r[at["文件"]], r[at["结果"]], r[at["说明"]]) for r in rows[1:] if r[at["文件"]]]


def test_collect_lists_every_corpus_file_once_and_writes_only_its_output(corpus, tmp_path):
    from toolkit.committee.model import DONE, DUPLICATE, NOT_BRANCH, OUTCOMES, UNREADABLE

    folder, paths, hashes = corpus
    work, tmp, out = tmp_path / "cwd", tmp_path / "tmp", tmp_path / "汇总"
    work.mkdir()
    tmp.mkdir()
    done = run_cli(["collect", str(folder), "-o", str(out), "--jobs", "2"], work, tmp)
    text = done.stdout + done.stderr
    assert done.returncode == INPUT_ERRORS, text
    assert "Traceback" not in text and "程序内部错误" not in text

    listed = file_list(out / "汇总表.xlsx")
    names = [Path(shown).name for shown, _, _ in listed]
    assert sorted(names) == sorted(p.name for p in folder.iterdir())  # each input exactly once
    outcome = {Path(shown).name: (result, reason) for shown, result, reason in listed}
    assert all(result in OUTCOMES and reason for result, reason in outcome.values())
    for case in CASES:
        if case.code == "unreadable-file" and not case.file.startswith("~$"):
            assert outcome[case.file][0] == UNREADABLE, case.file
            assert case.fragment in outcome[case.file][1], case.file
    assert outcome["~$综合科党支部.xlsx"][0] == NOT_BRANCH
    assert outcome["周期设置.xlsx"][0] == NOT_BRANCH
    assert outcome["其他周期.xlsx"][0] == NOT_BRANCH and "其他周期" in outcome["其他周期.xlsx"][1]
    # every readable copy of the one branch: one is used, the rest are duplicates
    readable = [c.file for c in CASES if c.status == 0 and c.file != "其他周期.xlsx"] + [VALID_NAME]
    used = [n for n in readable if outcome[n][0] in (DONE, "有错误")]
    assert len(used) == 1 and all(outcome[n][0] == DUPLICATE for n in readable if n not in used)

    assert {p.name for p in out.iterdir()} >= set(FINAL_NAMES)
    assert not [p for p in out.iterdir() if p.name.startswith(".~orglife")]
    assert list(work.iterdir()) == [] and list(tmp.iterdir()) == []
    assert {n: digest(p) for n, p in paths.items()} == hashes


def _kill_when(proc: subprocess.Popen, ready, limit: float = 60) -> bool:
    """SIGKILL the process as soon as ``ready()``; False when it finished first."""
    import time

    end = time.monotonic() + limit
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        if ready():
            proc.kill()
            proc.wait(10)
            return True
        time.sleep(0.005)
    proc.kill()
    raise AssertionError("collect neither finished nor reached the point to interrupt")


@pytest.fixture(scope="module")
def many_returns(corpus, tmp_path_factory) -> Path:
    """60 copies of one valid workbook: enough reading to interrupt halfway."""
    import shutil

    _, paths, _ = corpus
    folder = tmp_path_factory.mktemp("returns")
    for i in range(60):
        shutil.copyfile(paths[VALID_NAME], folder / f"支部{i:02d}.xlsx")
    return folder


@pytest.mark.parametrize("moment", ["reading", "writing"])
def test_collect_killed_halfway_leaves_no_partial_output_and_a_rerun_succeeds(many_returns, tmp_path, moment):
    import zipfile

    work, tmp, out = tmp_path / "cwd", tmp_path / "tmp", tmp_path / "汇总"
    for d in (work, tmp):
        d.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "collect", str(many_returns), "-o", str(out),
                             "--jobs", "1"], cwd=work, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if moment == "reading":  # the temp copy folder exists once reading has begun
        ready = lambda: any(tmp.iterdir())  # noqa: E731
    else:  # the first output file (temporary name) has appeared
        ready = lambda: out.exists() and any(out.iterdir())  # noqa: E731
    assert _kill_when(proc, ready), "collect finished before it could be interrupted"
    left = sorted(p.name for p in out.iterdir()) if out.exists() else []

    if out.exists():
        for p in out.iterdir():
            # Only temporary names may be left; anything under a final name must be whole.
            if not p.name.startswith(".~orglife"):
                assert zipfile.ZipFile(p).testzip() is None, p.name
    if moment == "reading":
        assert not set(left) & set(FINAL_NAMES), left

    again = run_cli(["collect", str(many_returns), "-o", str(out), "--jobs", "1"], work, tmp)
    assert again.returncode == 0, again.stdout + again.stderr
    listed = file_list(out / "汇总表.xlsx")
    assert len(listed) == 60
    assert zipfile.ZipFile(out / "汇总报告.docx").testzip() is None


# --- render: hostile text stays text, names stay inside the folder, a unit's template is bounded ---

def docx_text(path: Path) -> str:
    import re
    import zipfile

    with zipfile.ZipFile(path) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    from xml.etree.ElementTree import fromstring

    fromstring(xml)  # well-formed: no injected markup broke the document
    return re.sub(r"<[^>]+>", "", xml).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_render_writes_injected_text_literally(corpus, tmp_path, capsys):
    _, paths, hashes = corpus
    out = tmp_path / "材料"
    with time_limit(60):
        status = main(["render", str(paths["模板注入.xlsx"]), "-o", str(out)])
    text = capsys.readouterr()
    assert status == 0, text.out + text.err
    docs = sorted(out.rglob("*.docx"))  # the meeting's other documents too
    assert len([d for d in docs if d.stem.endswith(("_情况报告", "_对照检查材料", "_整改清单"))]) == 3
    body = "\n".join(docx_text(d) for d in docs)
    for marker in ("{{ 7*7 }}", "A&B<C>", "]]>", "<w:p>", "{% for x in range(10**9) %}"):
        assert marker in body, marker
    assert "os.popen" in body  # printed as text, never run
    assert digest(paths["模板注入.xlsx"]) == hashes["模板注入.xlsx"]


def test_render_keeps_a_traversal_name_inside_the_output_folder(corpus, tmp_path, capsys):
    _, paths, _ = corpus
    root = tmp_path / "root"
    out = root / "a" / "b" / "材料"
    with time_limit(60):
        status = main(["render", str(paths["路径名称.xlsx"]), "-o", str(out)])
    capsys.readouterr()
    assert status == 0
    written = [p for p in root.rglob("*") if p.is_file()]
    # the three branch documents in the folder; the meeting's other documents there or in 个人材料/
    assert len([p for p in written if p.stem.endswith(("_情况报告", "_对照检查材料", "_整改清单"))]) == 3
    assert all(p.parent in (out, out / "个人材料") for p in written), written
    assert all(".." not in p.name and "/" not in p.name and "\\" not in p.name for p in written)


def unit_template(folder: Path, body: str) -> Path:
    """A unit's own 情况报告.docx whose only paragraph is ``body``."""
    import docx

    folder.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    document.add_paragraph(body)
    document.save(folder / "情况报告.docx")
    return folder


@pytest.mark.parametrize("body, fragment", [
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "超时"),
    ("{{ 'x' * 4000000000 }}", "内存"),
])
def test_unit_template_with_runaway_loop_or_memory_fails_with_a_message_in_bounded_time(
        corpus, tmp_path, capsys, monkeypatch, body, fragment):
    import time

    from toolkit.writers import render

    monkeypatch.setattr(render, "UNTRUSTED_TIME_LIMIT", 3)  # the real limit is 30 s; same mechanism
    _, paths, _ = corpus
    templates = unit_template(tmp_path / "本单位模板", body)
    out = tmp_path / "材料"
    started = time.monotonic()
    with time_limit(40):
        status = main(["render", str(paths[VALID_NAME]), "-o", str(out), "--templates", str(templates)])
    elapsed = time.monotonic() - started
    text = capsys.readouterr()
    message = text.out + text.err
    assert status in (1, 2) and fragment in message, message
    assert "情况报告.docx" in message and "Traceback" not in message
    assert elapsed < 3 + 10 + 5
    assert not out.exists() or not list(out.glob("*.docx"))  # all or none: nothing half-written


# --- issue 11, one test per class: crafted files built here, codes and exit status asserted ---

MEMORY_LIMIT = 1024 ** 3  # address space for `orglife check` in a child: far above its 500 MB budget


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def check_json_limited(path: Path, tmp_path: Path, timeout: int = 30) -> tuple[subprocess.CompletedProcess, dict]:
    """`orglife check --json` in a child with an address-space limit; never killed by a signal."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)}
    env.pop("ORGLIFE_DEBUG", None)
    done = subprocess.run([sys.executable, "-m", "toolkit", "check", "--json", str(path)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=timeout, preexec_fn=_limit_memory)
    assert done.returncode >= 0, f"killed by signal {-done.returncode}: {done.stderr[-500:]}"
    assert "Traceback" not in done.stderr and "panicked" not in done.stderr, done.stderr[-500:]
    return done, json.loads(done.stdout)["files"][0]


@pytest.mark.parametrize("name", ["超大范围.xlsx", "远处单元格.xlsx", "字符串条数.xlsx"])
def test_native_crash_class_check_and_collect_refuse_with_the_same_message(corpus, tmp_path, name):
    """A small crafted workbook that would abort the reader library (SIGABRT) or take GBs:
    refused in the container scan, exit 1, the same Chinese message in check and in collect."""
    _, paths, hashes = corpus
    done, report = check_json_limited(paths[name], tmp_path)
    assert done.returncode == INPUT_ERRORS
    assert report["status"] == "unreadable"
    (problem,) = report["issues"]
    assert problem["file_code"] == "absurd-size"

    folder = tmp_path / "收到"
    folder.mkdir()
    (folder / name).write_bytes(paths[name].read_bytes())
    out = tmp_path / "汇总"
    run = subprocess.run([sys.executable, "-m", "toolkit", "collect", str(folder), "-o", str(out), "--jobs", "1"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120, preexec_fn=_limit_memory,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)})
    assert run.returncode == INPUT_ERRORS, run.stdout + run.stderr
    ((_shown, outcome, reason),) = file_list(out / "汇总表.xlsx")
    assert outcome == "无法读取" and reason == problem["message"]
    assert digest(paths[name]) == hashes[name]


def test_formula_without_cached_value_class_is_reported_by_cell(corpus, tmp_path):
    _, paths, _ = corpus
    done, report = check_json_limited(paths["未计算公式.xlsx"], tmp_path)
    assert done.returncode == INPUT_ERRORS
    cells = {(i["sheet"], i["cell"], i["code"]) for i in report["issues"]}
    assert ("问题清单", "E3", "formula-not-computed") in cells


def _zip_of(target: Path, entries: dict[str, bytes], level: int = 9) -> Path:
    import zipfile

    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return target


def test_zips_and_temporary_space_class_every_entry_and_every_input_is_bounded(corpus, tmp_path):
    """Entries just under the old 10 MB threshold, a ratio bomb of 5 MB, and a zip whose
    entries together inflate far past its size: refused by code, the temp folder empty after."""
    from toolkit.io.inputs import gather

    _, paths, _ = corpus
    valid = paths[VALID_NAME].read_bytes()
    entries = {"好的.xlsx": valid, "炸弹.xlsx": b"\0" * (5 * 1024 ** 2)}
    entries.update({f"填报{i:03d}.xlsx": b"\0" * (900 * 1024) for i in range(120)})  # ~1000:1 each, 105 MB
    archive = _zip_of(tmp_path / "收到.zip", entries)
    assert archive.stat().st_size < 1024 ** 2

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    files = gather([archive], scratch)
    assert len(files) == len(entries)  # each entry listed once, nothing dropped
    code = {Path(f.shown).name: f.code for f in files}
    assert code["好的.xlsx"] == "" and code["炸弹.xlsx"] == "zip-bomb"
    assert "zip-bomb" in {code[f"填报{i:03d}.xlsx"] for i in range(120)}
    extracted = sum(p.stat().st_size for p in scratch.iterdir())
    assert extracted < 64 * 1024 ** 2 + 20 * archive.stat().st_size + 1024 ** 2

    work, tmp, out = tmp_path / "cwd", tmp_path / "tmp", tmp_path / "汇总"
    work.mkdir()
    tmp.mkdir()
    done = run_cli(["collect", str(archive), "-o", str(out), "--jobs", "1"], work, tmp)
    assert done.returncode == INPUT_ERRORS, done.stdout + done.stderr
    assert len(file_list(out / "汇总表.xlsx")) == len(entries)
    assert list(tmp.iterdir()) == [], "temporary copies left behind"


def test_zips_and_temporary_space_class_sigterm_removes_the_temporary_folder(many_returns, tmp_path):
    import shutil
    import time

    archive = Path(shutil.make_archive(str(tmp_path / "收到"), "zip", many_returns))
    work, tmp, out = tmp_path / "cwd", tmp_path / "tmp", tmp_path / "汇总"
    for d in (work, tmp):
        d.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "collect", str(archive), "-o", str(out),
                             "--jobs", "1"], cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.monotonic() + 60
    while not any(p.is_dir() and any(p.iterdir()) for p in tmp.iterdir()):
        assert proc.poll() is None, "collect finished before it could be interrupted"
        assert time.monotonic() < end
        time.sleep(0.005)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) != 0
    assert list(tmp.iterdir()) == [], "SIGTERM left the temporary copies behind"


def test_zip_walker_class_names_paths_links_and_passwords(tmp_path):
    """One walker for every command: GBK and Info-ZIP unicode names, absolute and .. paths,
    links and encrypted entries, each listed with its code."""
    import stat as stat_mod
    import struct
    import zipfile

    from toolkit.io.inputs import gather

    archive = tmp_path / "收到.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a" * 12 + ".xlsx", b"PK")  # renamed to GBK bytes below, without the UTF-8 flag
        legacy = zipfile.ZipInfo("legacy.xlsx")
        name = "综合科党支部.xlsx".encode()
        legacy.extra = struct.pack("<HHB", 0x7075, 5 + len(name), 1) + struct.pack("<I", 0) + name
        zf.writestr(legacy, b"PK")
        zf.writestr("../越界.xlsx", b"PK")
        zf.writestr("/etc/绝对.xlsx", b"PK")
        link = zipfile.ZipInfo("链接.xlsx")
        link.external_attr = (stat_mod.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("加密.xlsx", b"PK")
    data = bytearray(archive.read_bytes().replace(b"a" * 12 + b".xlsx", "办公室党支部.xlsx".encode("gbk")))
    for sig, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):  # set the password flag
        at = data.find(sig + b"", 0)
        while at >= 0:
            if data[at + name_at:at + name_at + len("加密.xlsx".encode())] == "加密.xlsx".encode():
                data[at + flag_at] |= 0x1
            at = data.find(sig, at + 4)
    archive.write_bytes(bytes(data))
    scratch = tmp_path / "s"
    scratch.mkdir()
    code = {f.shown.split("/", 1)[1]: f.code for f in gather([archive], scratch)}
    assert code["办公室党支部.xlsx"] == "" and code["综合科党支部.xlsx"] == ""
    assert code["../越界.xlsx"] == code["/etc/绝对.xlsx"] == code["链接.xlsx"] == "unsafe-path"
    assert code["加密.xlsx"] == "encrypted"


def test_zip_walker_class_previous_cycle_refuses_what_collect_refuses(corpus, tmp_path):
    """carry / check --previous / collect --previous-cycle walk zips with the same walker:
    a bomb is refused and named in the notes, the good workbook is read."""
    from toolkit.committee.previous import load_previous

    _, paths, _ = corpus
    archive = _zip_of(tmp_path / "上期.zip", {"好的.xlsx": paths[VALID_NAME].read_bytes(),
                                               "炸弹.xlsx": b"\0" * (5 * 1024 ** 2), "../越界.xlsx": b"PK"})
    cycle = load_previous([archive])
    assert cycle.files_read == 1 and len(cycle.branches) == 1
    notes = "\n".join(cycle.notes)
    assert "炸弹.xlsx" in notes and "越界.xlsx" in notes


def test_nothing_lost_silently_class_fifo_broken_link_unreadable_and_foreign_formats(corpus, tmp_path, monkeypatch):
    """A FIFO (never opened: that would hang), a broken link, a file without read permission and
    formats the toolkit cannot read are each listed with a reason in 文件清单; nothing hangs."""
    from toolkit.io import inputs

    _, paths, _ = corpus
    folder = tmp_path / "收到"
    folder.mkdir()
    (folder / "有效.xlsx").write_bytes(paths[VALID_NAME].read_bytes())
    os.mkfifo(folder / "管道.xlsx")
    (folder / "失效链接.xlsx").symlink_to(tmp_path / "不存在.xlsx")
    (folder / "无权限.xlsx").write_bytes(paths[VALID_NAME].read_bytes())
    for name in ("表格.ods", "压缩.rar", "压缩.7z", "文档.wps"):
        (folder / name).write_bytes(b"x" * 10)

    real_access = os.access
    monkeypatch.setattr(inputs.os, "access", lambda p, mode: not str(p).endswith("无权限.xlsx")
                        and real_access(p, mode))  # root reads everything: ask as a user would be answered
    scratch = tmp_path / "s"
    scratch.mkdir()
    files = {Path(f.shown).name: f for f in inputs.gather([folder], scratch)}
    for f in files.values():
        inputs.classify_by_name(f)
    assert files["管道.xlsx"].code == "special-file" and files["管道.xlsx"].outcome == inputs.UNREADABLE
    assert files["失效链接.xlsx"].code == "unreadable"
    assert files["无权限.xlsx"].code == "unreadable"
    for name in ("表格.ods", "压缩.rar", "压缩.7z", "文档.wps"):
        assert files[name].code == "unsupported-format" and files[name].outcome == inputs.UNREADABLE, name
        assert "收到但无法读取" in files[name].reason

    # the real command, under a time limit: the FIFO must not hang it
    work, tmp, out = tmp_path / "cwd", tmp_path / "tmp", tmp_path / "汇总"
    work.mkdir()
    tmp.mkdir()
    done = run_cli(["collect", str(folder), "-o", str(out), "--jobs", "1"], work, tmp, timeout=60)
    assert done.returncode == INPUT_ERRORS, done.stdout + done.stderr
    listed = {Path(shown).name: (outcome, reason) for shown, outcome, reason in file_list(out / "汇总表.xlsx")}
    assert set(listed) == {p.name for p in folder.iterdir()}
    assert all(reason for name, (_, reason) in listed.items() if name != "有效.xlsx")
    assert listed["管道.xlsx"][0] == "无法读取" and listed["表格.ods"][0] == "无法读取"

    # check of the FIFO itself: a message and exit 1, never a hang
    done, report = check_json_limited(folder / "管道.xlsx", tmp_path)
    assert done.returncode == INPUT_ERRORS and report["issues"][0]["file_code"] == "special-file"


def _abort(path):
    os.abort()  # what the reader library does when an allocation fails


def _allocate(path):
    return b"x" * (4 * 1024 ** 3)


def _loop(path):
    while True:
        pass


@pytest.mark.parametrize("read", [_abort, _allocate, _loop], ids=["abort", "memory", "time"])
def test_native_crash_class_formats_the_scan_cannot_bound_are_tried_in_a_limited_child(tmp_path, read):
    """.xls/.et/.xlsb: a reader that aborts, allocates GBs or never ends costs a refusal, not the process."""
    import time

    from toolkit.errors import WorkbookError
    from toolkit.io.container import probe

    path = tmp_path / "老格式.xls"
    path.write_bytes(b"\0")
    started = time.monotonic()
    with pytest.raises(WorkbookError) as caught:
        probe(path, read, seconds=3)
    assert caught.value.code.value == "absurd-size" and "老格式.xls" in str(caught.value)
    assert time.monotonic() - started < 10
    probe(path, lambda p: None)  # a reader that succeeds: nothing to say


@pytest.mark.parametrize("size", [1, 3, 7, 64, 10_000])
@pytest.mark.parametrize("far", ['<c r="XFD20000"><v>1</v></c>', "<c r='ZZZ5'><v>1</v></c>",
                                 '<c r="A1048576"><v>1</v></c>'])
def test_native_crash_class_far_references_are_seen_across_chunk_borders(size, far):
    from toolkit.errors import WorkbookError
    from toolkit.io.container import _SheetScanner

    rows = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>{r}</v></c></row>' for r in range(1, 41))
    xml = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
           f'spreadsheetml/2006/main"><sheetData>{rows}<row r="41">{far}</row></sheetData></worksheet>').encode()
    scanner = _SheetScanner("问题清单", parse=False)
    with pytest.raises(WorkbookError) as caught:
        for i in range(0, len(xml), size):
            scanner.feed(Path("t.xlsx"), xml[i:i + size])
        scanner.check_size(Path("t.xlsx"))
    assert caught.value.code.value == "absurd-size"
