"""A 民主生活会 of a 领导班子: its own words and documents, from the sample 局党组 workbook."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from fixtures import load_script
from render_helpers import docx_lines

from toolkit.branch.leadership import build_leadership_context
from toolkit.branch.validate import check_file
from toolkit.core import sample_data
from toolkit.schema import meeting_kinds
from toolkit.schema.leadership_variables import LEADERSHIP_PROVIDED
from toolkit.schema.meeting_kinds import LEADERSHIP_DOCUMENTS, kind_of
from toolkit.schema.variables import PROVIDED
from toolkit.workflows.demo import leadership_content
from toolkit.writers.render import TEMPLATE_DIR, output_names, render_branch
from toolkit.writers.workbook import write_branch_workbook

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("ORGLIFE_UPDATE_GOLDEN") == "1"
DATA = sample_data.LEADERSHIP_MEETING
MEMBERS = [r["姓名"] for r in DATA["参会人员"]]
PREFIX = "中共临江市交通运输局党组_2023_"


@pytest.fixture(scope="module")
def branch(tmp_path_factory):
    path = tmp_path_factory.mktemp("党组") / "党组.xlsx"
    write_branch_workbook(path, leadership_content())
    branch, report = check_file(path)
    assert report.issues == [], [(i.location, i.message) for i in report.issues]
    return branch


@pytest.fixture(scope="module")
def docs(branch, tmp_path_factory):
    """{document name (个人对照检查材料_姓名 for each member): lines}"""
    out = tmp_path_factory.mktemp("材料")
    paths = render_branch(branch, out)
    return {p.stem.removeprefix(PREFIX): docx_lines(p) for p in paths}


def _text(lines: list[str]) -> str:
    return "\n".join(lines)


def test_the_kind_declares_the_documents(branch, docs):
    expected = ["民主生活会情况报告", "班子对照检查材料", "整改方案"] + [f"个人对照检查材料_{n}" for n in MEMBERS]
    assert list(docs) == expected
    assert [n.removeprefix(PREFIX).removesuffix(".docx") for n in output_names(branch)] == expected
    assert kind_of("民主生活会").appraisal is False and kind_of("组织生活会").appraisal is True
    assert kind_of("") is kind_of("组织生活会")


def _user_texts() -> list[str]:
    """Every text the sample's author typed, longest first."""
    texts = [v for v in DATA["基本信息"].values() if isinstance(v, str)]
    for rows in DATA.values():
        if isinstance(rows, list):
            texts += [v for r in rows for v in r.values() if isinstance(v, str)]
    lines = [line for t in texts for line in t.splitlines()]
    return sorted(set(lines), key=len, reverse=True)


def test_no_branch_wording_unless_the_user_typed_it(docs):
    words = kind_of("民主生活会").foreign_words
    assert {"支部", "党员大会", "民主评议党员"} <= set(words)
    user = _user_texts()
    for name, lines in docs.items():
        text = _text(lines)
        for t in user:
            text = text.replace(t, "")
        for word in (*words, "支委", "党员个人", "整改清单"):
            assert word not in text, (name, word, [line for line in lines if word in line])


def test_report_sections_as_a_leadership_team_writes_them(docs):
    lines = docs["民主生活会情况报告"]
    text = _text(lines)
    assert lines[0] == "中共临江市交通运输局党组关于召开2023年度民主生活会情况的报告"
    assert lines[2:4] == ["中共临江市纪委、", "中共临江市委组织部："]
    headings = ["一、会前准备情况", "（一）深入开展学习研讨", "（二）广泛征求意见建议", "（三）认真开展谈心谈话",
                "（四）认真撰写对照检查材料", "二、会议召开情况", "三、查摆问题情况", "四、整改措施", "五、下一步打算"]
    assert [line for line in lines if line in headings] == headings
    assert "共征求到意见建议4条，其中服务对象1条、群众1条、党员1条、上级党组织1条" in text
    assert "党组书记与班子成员谈心谈话6人次，班子成员之间1人次" in text
    assert "会议由党组书记、局长贺振邦同志主持。班子成员应到7人、实到7人。" in text
    assert "市委第三督导组组长邢国华同志、市委第三督导组副组长梅丽君同志到会督导" in text
    assert "市委组织部干部三科科长常宏伟同志列席会议" in text
    assert "党组书记、局长贺振邦同志代表班子作对照检查，从三个方面查摆班子存在的问题3条" in text
    start = lines.index("随后，班子成员逐一作个人对照检查，开展批评和自我批评：") + 1
    speeches = lines[start:start + len(MEMBERS)]
    assert [s.split("作个人对照检查")[0] for s in speeches] == [
        "党组书记、局长贺振邦同志", "党组副书记、副局长罗新民同志", "党组成员、副局长郑立群同志",
        "党组成员、副局长吴晓岚同志", "党组成员、总工程师郝建新同志", "党组成员、市纪委监委派驻第三纪检监察组组长范志诚同志",
        "党组成员、机关党委书记彭雅婷同志"]
    assert "党组副书记、副局长罗新民同志对其提出批评：主要负责同志对班子成员分管工作过问细" in speeches[0]
    assert "最后，督导组对会议进行了点评。" in text and "邢国华同志点评指出" in text
    assert "共查摆问题10条，其中班子3条、班子成员个人7条，涉及六个方面" in text
    assert "共制定整改措施10条，明确了责任领导和整改时限，形成整改方案（见附件）" in text
    assert lines[-5:] == ["", "附件：整改方案", "", "中共临江市交通运输局党组", "2024年1月25日"]


def test_team_material_holds_the_team_problems_only(docs):
    lines = docs["班子对照检查材料"]
    text = _text(lines)
    headings = ["一、上年度民主生活会整改落实情况", "二、存在的问题", "三、原因剖析", "四、整改措施和努力方向"]
    assert [line for line in lines if line in headings] == headings
    team = [p for p in DATA["问题清单"] if p["层级"] == "支部班子"]
    assert all(p["问题概述"] in text for p in team)
    assert not any(p["问题概述"] in text for p in DATA["问题清单"] if p not in team)
    assert "（详见整改方案）" in text and lines[-1] == "2024年1月18日"


def test_plan_lists_team_and_personal_measures_with_leaders(docs):
    text = _text(docs["整改方案"])
    assert docs["整改方案"][0] == "附件"
    assert all(m["整改措施"] in text for m in DATA["整改台账"])
    assert "责任领导：贺振邦；整改时限：2024年12月31日。" in text
    assert "二、班子成员个人整改事项" in text and "（7）党组成员、机关党委书记彭雅婷同志" in text


def test_personal_material_in_the_first_person(docs):
    lines = docs["个人对照检查材料_郝建新"]
    text = _text(lines)
    assert lines[0] == "2023年度民主生活会个人对照检查材料"
    assert lines[1] == "党组成员、总工程师　郝建新"
    assert "本人围绕" in text and "本人表态：深刻认识到问题的严重性" in text
    assert "对设计变更的技术审查把关不严" in text and "调研多看面上" not in text
    assert "党组成员、市纪委监委派驻第三纪检监察组组长范志诚同志指出" in text
    assert lines[-2:] == ["郝建新", "2024年1月18日"]


def test_context_matches_declaration(branch):
    ctx = build_leadership_context(branch)
    assert set(ctx) == PROVIDED | LEADERSHIP_PROVIDED
    assert ctx["terms"]["member"] == "班子成员"


def test_a_fourth_kind_is_one_declaration(branch, tmp_path, monkeypatch):
    """A 党委's own meeting in branch words: one entry in KINDS, nothing else."""
    kind = meeting_kinds.MeetingKind("党委组织生活会", meeting_kinds.BRANCH_TERMS, appraisal=True,
                                     documents=meeting_kinds.BRANCH_DOCUMENTS)
    monkeypatch.setitem(meeting_kinds.KINDS, kind.name, kind)
    monkeypatch.setitem(branch.info, "meeting_type", kind.name)
    names = [p.name for p in render_branch(branch, tmp_path)]
    assert names == [f"{PREFIX}{d.name}.docx" for d in meeting_kinds.BRANCH_DOCUMENTS]


@pytest.mark.parametrize("name", ["民主生活会情况报告", "班子对照检查材料", "整改方案", "个人对照检查材料_贺振邦"])
def test_golden_text(docs, name):
    text = _text(docs[name]) + "\n"
    golden = GOLDEN / f"党组_{name}.txt"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"{golden.name} missing: run ORGLIFE_UPDATE_GOLDEN=1 pytest tests/test_leadership.py"
    assert text == golden.read_text(encoding="utf-8"), \
        f"{golden.name} differs (if intended: ORGLIFE_UPDATE_GOLDEN=1 pytest tests/test_leadership.py)"


def _xml_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n.startswith("word/") or n == "[Content_Types].xml"}


def test_committed_templates_are_current(tmp_path):
    module = load_script("build_leadership_templates")
    module.build(tmp_path)
    for doc in LEADERSHIP_DOCUMENTS:
        committed, built = _xml_parts(TEMPLATE_DIR / doc.template), _xml_parts(tmp_path / doc.template)
        assert committed == built, f"{doc.template} is stale: run .venv/bin/python scripts/build_leadership_templates.py"


# --- the workbook and check in 班子 words ----------------------------------------------------

def test_workbook_help_speaks_of_the_team(branch):
    import openpyxl

    wb = openpyxl.load_workbook(branch.path)
    guide = [v for row in wb["填写说明"].iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert guide[0] == "民主生活会填报表 · 填写说明"
    assert "查摆出的问题，班子和党员个人问题都列在这里。" in guide  # 党员个人 is the 层级 value, kept
    helps = [h for h in guide if "班子成员" in h]
    assert helps and not any("组织生活会支部填报表" in h for h in guide)


def test_branch_workbook_help_unchanged():
    terms = kind_of("组织生活会").terms
    text = "每名正式党员都应查摆出自己的问题，支部书记审阅"
    assert terms.speak(text) == text


def test_check_messages_speak_of_the_team(tmp_path):
    content = leadership_content()
    problems = content.tables["problems"]
    dropped = next(p for p in problems if p["owner"] == "彭雅婷")
    content.tables["problems"] = [p for p in problems if p is not dropped]
    content.tables["measures"] = [m for m in content.tables["measures"] if m["pid"] != dropped["pid"]]
    path = tmp_path / "党组.xlsx"
    write_branch_workbook(path, content)
    _, report = check_file(path)
    [warning] = [i for i in report.issues if i.code.value == "member-without-problem"]
    assert "班子成员彭雅婷" in warning.message and "党员个人" in warning.message
    assert "正式党员" not in warning.message


def test_speak_keeps_quoted_values_and_fixed_terms():
    speak = kind_of("民主生活会").terms.speak
    assert speak("各党支部共查摆问题，支部班子问题3条") == "各领导班子共查摆问题，班子问题3条"
    assert speak("层级为“党员个人”的问题") == "层级为“党员个人”的问题"
    assert speak("民主生活会不开展民主评议党员") == "民主生活会不开展民主评议党员"
    assert speak("预备党员填“不评定”") == "预备党员填“不评定”"


def test_render_workflow_and_template_check(branch, tmp_path):
    from toolkit.workflows.branch import render_workbook
    from toolkit.writers.render import check_template

    result = render_workbook(branch.path, tmp_path / "out")
    assert len(result.docx) == 3 + len(MEMBERS) and result.builtin == []
    for doc in LEADERSHIP_DOCUMENTS:
        assert check_template(TEMPLATE_DIR / doc.template).unknown == [], doc.template


def test_committee_report_says_team_and_keeps_the_teams_own_words(branch, tmp_path):
    import datetime as dt

    from toolkit.workflows.collect import collect

    result = collect([Path(branch.path)], tmp_path / "汇总", as_of=dt.date(2024, 3, 1), progress=False)
    text = _text(docx_lines(result.report_path))
    assert "共收到1个领导班子报送的会议材料" in text and "应参会班子成员7人" in text and "各党支部" not in text
    assert "学习与研究交通发展问题结合不紧" in text  # the 党组's own words, quoted as typed


# --- one personal material for every meeting kind ------------------------------------------------

def test_one_builder_for_both_kinds_personal_materials(branch, tmp_path):
    """branch/personal.py builds the branch member's and the 班子成员's material; only the words differ."""
    from fixtures import meeting_content
    from render_helpers import write_workbook

    from toolkit.branch.personal import member_material
    from toolkit.branch.read import read_branch
    from toolkit.schema.variables import MEMBER_FIELDS

    org = read_branch(write_workbook(meeting_content(), tmp_path / "b.xlsx"))
    mine = member_material(org, "宋立新")
    leader = member_material(branch, MEMBERS[0])
    assert set(mine) == set(leader) == {f.name for f in MEMBER_FIELDS}
    # the 班子 as critic, in each kind's words
    assert [c["critic_name"] for c in mine["criticisms"] if c["critic"] == "支部班子"] == ["支部班子"]
    content = leadership_content()
    content.tables["criticisms"].append({"seq": 99, "critic": "支部班子", "target": MEMBERS[1],
                                         "content": "分管领域的调研不够深入。"})
    lead = read_branch(write_workbook(content, tmp_path / "党组.xlsx"))
    [team] = [c for c in member_material(lead, MEMBERS[1])["criticisms"] if c["critic"] == "支部班子"]
    assert team["critic_name"] == team["critic_called"] == "班子"
    # a 班子成员 is called by title, as the 民主生活会 documents print him
    assert leader["called"].endswith(f"{MEMBERS[0]}同志") and leader["title"] in leader["called"]
    # the 民主生活会 context's members are the same builder's output
    assert build_leadership_context(branch)["members"][0] == leader
