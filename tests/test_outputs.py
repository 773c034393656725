"""Nothing a person made is overwritten by surprise.

Commands refuse to replace a workbook or document they did not write in the
same run unless --force; ``-o`` gets its extension added when missing and
refused when wrong; stale outputs of the same kind are moved aside and listed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fixtures import valid_content

from toolkit.app.cli import main
from toolkit.io.fsutil import ASIDE, OverwriteError, atomic_path, output_file, output_run
from toolkit.workflows.demo import cycle_content
from toolkit.writers.workbook import write_branch_workbook, write_cycle_workbook


@pytest.fixture(autouse=True)
def state(tmp_path, monkeypatch):
    """What orglife notes about the files it wrote stays in this test."""
    monkeypatch.setenv("ORGLIFE_STATE", str(tmp_path / "state"))


@pytest.fixture
def cycle(tmp_path) -> Path:
    path = tmp_path / "周期设置.xlsx"
    write_cycle_workbook(path, cycle_content())
    return path


def test_template_refuses_to_replace_a_filled_workbook(tmp_path, capsys):
    filled = tmp_path / "已填好的.xlsx"
    write_branch_workbook(filled, valid_content())
    before = filled.read_bytes()
    assert main(["template", "-o", str(filled)]) == 2
    assert filled.read_bytes() == before
    err = capsys.readouterr().err
    assert "已存在" in err and "--force" in err and "Traceback" not in err
    assert main(["template", "-o", str(filled), "--force"]) == 0
    assert filled.read_bytes() != before


def test_output_extension_is_added_or_refused(tmp_path, capsys):
    assert main(["template", "-o", str(tmp_path / "支部填报表")]) == 0
    assert (tmp_path / "支部填报表.xlsx").is_file() and not (tmp_path / "支部填报表").exists()
    assert main(["template", "-o", str(tmp_path / "t.docx")]) == 2
    assert not (tmp_path / "t.docx").exists()
    assert "扩展名" in capsys.readouterr().err
    assert main(["template", "--macro", "-o", str(tmp_path / "带按钮")]) == 0
    assert (tmp_path / "带按钮.xlsm").is_file()
    assert main(["cycle-template", "-o", str(tmp_path / "周期.v2")]) == 0
    assert (tmp_path / "周期.v2.xlsx").is_file()


def test_a_folder_where_a_file_is_expected_says_so(tmp_path, capsys):
    assert main(["template", "-o", str(tmp_path)]) == 2
    assert "是一个文件夹" in capsys.readouterr().err
    with pytest.raises(Exception, match="文件夹"):
        output_file(tmp_path, (".xlsx",))


def test_distribute_refuses_a_filled_file_and_moves_stale_ones_aside(tmp_path, cycle, capsys):
    out = tmp_path / "下发"
    assert main(["distribute", str(cycle), "-o", str(out)]) == 0
    first = sorted(p.name for p in out.glob("*.xlsx"))
    assert main(["distribute", str(cycle), "-o", str(out)]) == 0  # its own untouched files: replaced
    victim = out / first[0]
    write_branch_workbook(victim, valid_content())  # a secretary filled it in place
    filled = victim.read_bytes()
    capsys.readouterr()
    assert main(["distribute", str(cycle), "-o", str(out)]) == 2
    assert victim.read_bytes() == filled
    assert "--force" in capsys.readouterr().err
    old = out / "已改名的支部.xlsx"  # left by a branch renamed since
    write_branch_workbook(old)
    os.utime(old, (1e9, 1e9))
    assert main(["distribute", str(cycle), "-o", str(out), "--force"]) == 0
    text = capsys.readouterr().out
    assert sorted(p.name for p in out.glob("*.xlsx")) == first
    assert (out / ASIDE / old.name).is_file() and old.name in text and ASIDE in text


def test_a_run_may_rewrite_what_it_wrote_itself(tmp_path):
    target = tmp_path / "a.docx"
    with output_run() as run:
        for text in ("one", "two"):
            with atomic_path(target) as tmp:
                tmp.write_text(text, encoding="utf-8")
        assert run.written == {target.resolve()}
    assert target.read_text(encoding="utf-8") == "two"
    # the next run: orglife wrote it and nobody changed it since
    with output_run(), atomic_path(target) as tmp:
        tmp.write_text("three", encoding="utf-8")
    target.write_text("a person's edit", encoding="utf-8")
    with output_run(), pytest.raises(OverwriteError), atomic_path(target) as tmp:
        tmp.write_text("four", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "a person's edit"
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["a.docx"]  # no notes among the outputs


def test_move_aside_keeps_both_when_names_repeat(tmp_path):
    for round_ in range(2):
        (tmp_path / "x_情况报告.docx").write_text(str(round_), encoding="utf-8")
        os.utime(tmp_path / "x_情况报告.docx", (1e9, 1e9))  # from an earlier run
        with output_run() as run:
            moved = run.move_aside(tmp_path, ("*_情况报告.docx",))
        assert len(moved) == 1
    assert sorted(p.name for p in (tmp_path / ASIDE).iterdir()) == ["x_情况报告 (2).docx", "x_情况报告.docx"]


def test_a_rerun_right_after_the_last_one_moves_its_outputs_aside(tmp_path):
    """No grace window: the previous run's file written a moment ago is still stale."""
    old = tmp_path / "甲_情况报告.docx"
    with output_run(), atomic_path(old) as tmp:
        tmp.write_text("previous run", encoding="utf-8")
    with output_run() as run:
        with atomic_path(tmp_path / "乙_情况报告.docx") as tmp:
            tmp.write_text("this run", encoding="utf-8")
        moved = run.move_aside(tmp_path, ("*_情况报告.docx",))
    assert [p.name for p in moved] == [old.name] and (tmp_path / ASIDE / old.name).is_file()
    assert (tmp_path / "乙_情况报告.docx").is_file()


def test_a_file_another_process_wrote_for_the_run_stays_whatever_its_time(tmp_path):
    """The clock-skew case: a forked writer's file dated before the run's start is the run's own."""
    from toolkit.io.fsutil import note_written

    with output_run() as run:
        report = tmp_path / "汇总报告.docx"
        report.write_text("written by a child process", encoding="utf-8")
        os.utime(report, (1e9, 1e9))  # a network share's clock behind ours
        note_written(report)
        assert run.move_aside(tmp_path, ("汇总报告.docx",)) == []
    assert report.is_file()
