"""Outputs that cannot be written: a Chinese message, exit status 2, nothing half-written, no traceback."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures import valid_content

from toolkit.workflows.demo import cycle_content
from toolkit.writers.workbook import write_branch_workbook, write_cycle_workbook

ROOT = Path(__file__).resolve().parent.parent


def orglife(*args, limit_bytes: int | None = None, **kw) -> subprocess.CompletedProcess:
    def limits():
        if limit_bytes is not None:
            # every file this process writes stops at limit_bytes: the disk is full for it
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run([sys.executable, "-m", "toolkit", *map(str, args)], cwd=ROOT, preexec_fn=limits,
                          capture_output=True, text=True, timeout=300, **kw)


@pytest.fixture
def workbook(tmp_path) -> Path:
    path = tmp_path / "in" / "支部.xlsx"
    path.parent.mkdir()
    write_branch_workbook(path, valid_content())
    return path


@pytest.mark.parametrize("command", ["render", "collect", "distribute"])
def test_a_full_disk_gives_a_message_and_leaves_nothing_half_written(tmp_path, workbook, command):
    out = tmp_path / "out"
    out.mkdir()
    if command == "render":
        args = ["render", workbook, "-o", out]
    elif command == "collect":
        args = ["collect", workbook.parent, "-o", out]
    else:
        cycle = tmp_path / "周期设置.xlsx"
        write_cycle_workbook(cycle, cycle_content())
        args = ["distribute", cycle, "-o", out]
    proc = orglife(*args, limit_bytes=4096)
    assert proc.returncode == 2, proc.stderr
    assert "无法写入" in proc.stderr and "超过系统允许的大小" in proc.stderr
    assert "Traceback" not in proc.stderr and "内部错误" not in proc.stderr
    assert [p.name for p in out.iterdir()] == []  # no partial file, no temporary file


def test_an_output_path_through_a_file_is_refused_in_chinese(tmp_path, workbook):
    blocker = tmp_path / "是文件"
    blocker.write_text("x")
    proc = orglife("render", workbook, "-o", blocker / "out")
    assert proc.returncode == 2
    assert "无法创建输出文件夹" in proc.stderr and "是文件而不是文件夹" in proc.stderr


def test_a_reader_that_goes_away_early_is_not_an_error(tmp_path, workbook):
    # orglife check … | head -1: the pipe closes after the first line
    files = [workbook] + [workbook.with_name(f"支部{i}.xlsx") for i in range(30)]
    for f in files[1:]:
        f.write_bytes(workbook.read_bytes())
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "check", *map(str, files)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0
    assert err.decode() == ""
