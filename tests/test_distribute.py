"""distribute and render with names that collide as file names or are far too long for one."""

from __future__ import annotations

import copy
import unicodedata

from render_helpers import sample_content, write_workbook

from toolkit.app.cli import main
from toolkit.branch.read import read_branch
from toolkit.core import sample_data
from toolkit.io.fsutil import safe_filename
from toolkit.workflows.demo import cycle_content
from toolkit.workflows.distribute import distribute
from toolkit.writers.workbook import write_cycle_workbook

LONG = "临江市交通运输局综合行政执法支队" * 5  # 80 characters, 240 bytes in UTF-8

BRANCHES = [
    ("ZB01", "办公室党支部"),
    ("ZB02", "办公室/党支部"),       # made safe: 办公室_党支部
    ("ZB03", "办公室_党支部"),       # ... the same file name as ZB02
    ("ZB04", "ABC党支部"),
    ("ZB05", "abc党支部"),           # differs only in case: one file on Windows and macOS
    ("ZB06", "ＡＢＣ党支部"),         # differs only in width
    ("ZB07", "办公室党支部"),         # the same name twice
    ("ZB08", LONG + "第一党支部"),
    ("ZB09", LONG + "第二党支部"),   # the same first 80 characters
]


def cycle_with(tmp_path, branches):
    data = copy.deepcopy(sample_data.CYCLE)
    data["支部名册"] = [{"支部编号": bid, "党组织名称": name, "书记": "王建国"} for bid, name in branches]
    data["党员名册"] = [{"党组织名称": name, "姓名": "王建国", "性别": "男", "党内职务": "书记", "党员类别": "正式党员"}
                    for _, name in branches]
    path = tmp_path / "周期设置.xlsx"
    write_cycle_workbook(path, cycle_content(data))
    return path


def folded(path) -> str:
    return unicodedata.normalize("NFKC", path.name).casefold()


def test_branches_whose_file_names_collide_all_get_a_workbook_and_are_named(tmp_path, capsys):
    cycle = cycle_with(tmp_path, BRANCHES)
    out = tmp_path / "下发"
    assert main(["distribute", str(cycle), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    files = sorted(out.glob("*.xlsx"))
    assert len(files) == len(BRANCHES)
    assert len({folded(f) for f in files}) == len(BRANCHES)  # distinct even where case and width fold
    assert all(len(f.name.encode("utf-8")) <= 255 for f in files)
    # every branch's own workbook, carrying its own name and id
    assert sorted(read_branch(f).info["org_name"] for f in files) == sorted(name for _, name in BRANCHES)
    for org in ("办公室_党支部", "abc党支部", "ＡＢＣ党支部"):
        assert f"【提醒】{org}：文件名与另一个支部的相同" in text
    assert text.count("【提醒】办公室党支部：") == 1  # the second 办公室党支部, not the first
    assert "已为 9 个支部生成" in text


def test_distribute_reports_renamed_files_with_their_ids(tmp_path):
    cycle = cycle_with(tmp_path, BRANCHES[:5])
    result = distribute(cycle, tmp_path / "下发")
    assert [p.name for p in result.written] == [
        "办公室党支部.xlsx", "办公室_党支部.xlsx", "办公室_党支部_ZB03.xlsx", "ABC党支部.xlsx", "abc党支部_ZB05.xlsx"]
    assert [org for org, _ in result.renamed] == ["办公室_党支部", "abc党支部"]


def test_very_long_names_give_short_unique_file_names():
    a, b = safe_filename(LONG + "第一党支部"), safe_filename(LONG + "第二党支部")
    assert a != b and a.startswith(LONG[:30])
    assert len(a.encode("utf-8")) <= 120 and len(b.encode("utf-8")) <= 120
    assert safe_filename("办公室党支部") == "办公室党支部"  # ordinary names unchanged


def test_render_a_branch_with_a_very_long_name(tmp_path, capsys):
    content = sample_content("ZB01")
    content.info["org_name"] = LONG + "第一党支部"
    book = write_workbook(content, tmp_path / "长名称.xlsx")
    out = tmp_path / "材料"
    assert main(["render", str(book), "-o", str(out)]) == 0, capsys.readouterr()
    # the three branch documents (the meeting's other documents are written beside them)
    docs = sorted(d for d in out.glob("*.docx") if d.stem.endswith(("_情况报告", "_对照检查材料", "_整改清单")))
    assert len(docs) == 3
    assert all(len(d.name.encode("utf-8")) <= 255 and d.name.startswith(LONG[:30]) for d in docs)
