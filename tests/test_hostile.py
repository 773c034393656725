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

from toolkit.cli import main
from toolkit.read import read_branch

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
    assert [(m["_row"], m["pid"]) for m in measures] == [(2, "P01"), (3, "P02"), (4, "P02"), (5, "P03")]


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
    folder, paths, hashes = corpus
    files = [str(paths[c.file]) for c in CASES] + [str(paths[VALID_NAME])]
    # cli.main in a fresh interpreter that reports its own peak memory afterwards.
    code = ("import resource, sys\nfrom toolkit.cli import main\nrc = main(sys.argv[1:])\n"
            "sys.stderr.write(f'\\nMAXRSS_KB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n')\n"
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
