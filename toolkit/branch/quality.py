"""Material quality hints: warnings that make a self-examination worth reading.

None of these stop a document from being generated. They encode what
practitioners look for when a committee sends material back: problems that
name no facts (not 见人见事), measures nobody can check, and a self-examination
that is mostly promises. Each rule is stated once in ``RULE_TEXTS`` (shown in
the 填写说明 sheet) and implemented by one function in ``RULES``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from toolkit.branch.read import Branch
from toolkit.errors import Issue, IssueCode
from toolkit.messages import issue
from toolkit.schema.workbooks import CAUSES, DIRECTIONS, LONG_TERM, MEASURES, PROBLEMS

# (rule, why) as the 填写说明 sheet states them.
RULE_TEXTS: tuple[tuple[str, str], ...] = (
    ("问题清单的“具体表现”要有实例或数据（如“比如”“例如”、具体事件、次数、人数、日期）",
     "查摆问题要见人见事，只写概括性的话，读的人无法判断问题有多严重、整改后有没有改好。"),
    ("整改台账每条措施都要落实到具体的人和时间：责任人写姓名，不只写“全体党员”“支部”；"
     "整改时限为“长期坚持”的，措施中要写明频次或阶段节点",
     "没有具体的人和时间节点，整改就无从督促，也无法对账销号。"),
    ("问题清单和原因剖析合计的字数，应不少于问题、原因和努力方向三部分总字数的一半",
     "对照检查材料的重点是查摆问题、剖析根源，避免问题写得少、表态写得多。"),
    ("整改措施不能只写“加强”“提高”“进一步”等表述，要有可检查的内容：数量、时间、频次或成果"
     "（如“每月1次”“年底前形成调研报告”“修订《……制度》”）",
     "空泛的措施年年可写，也年年无法检查，是问题年年提、年年改、年年有的主要原因。"),
)

# Concrete facts: an example marker, an Arabic figure, or a Chinese numeral with
# a counter (三次, 两名, 十余篇). Plain 一 alone is everywhere in Chinese prose.
_EXAMPLE = re.compile(r"比如|例如|譬如|举例|如[:：]|以.{1,12}为例|典型的是"
                      # a situation told as it happened: when, where, who
                      r"|时[，,]|期间|过程中|去年|今年|年初|上半年|下半年|有一次|曾经|遇到|遇有|“[^”]{2,}”")
_FIGURE = re.compile(r"[0-9０-９]|[一二两三四五六七八九十百千万半几][余多]?"
                     r"(?:次|人|名|个|篇|项|件|份|条|天|周|月|年|期|场|批|轮|位|家|户|笔|元|小时|课时"
                     r"|章|节|遍|本|处|座|台|辆|公里|米|吨)")
# A checkable target: a figure, a time node, a frequency or a concrete deliverable.
_TIME_NODE = re.compile(r"[0-9０-９]|年底|年末|月底|月末|季末|上半年|下半年|年内|[一二三四五六七八九十]+月"
                       r"|[一二三四]季度|每[天日周旬月季年半]|每季度|每学期|逐月|按月|按季|按周|当日|当天|即日"
                       r"|定期[^，。；]{0,6}[0-9一二两三四]")
_DELIVERABLE = re.compile(r"《[^》]+》|(?:形成|制定|出台|建立|修订|完善|编制|印发|撰写|提交|完成|签订|开展|组织|参加)"
                          r"[^，。；]{0,16}(?:报告|制度|方案|清单|台账|办法|规定|细则|计划|机制|流程|手册|档案"
                          r"|规程|指引|标准|承诺书|记录|纪要|约定|说明|专项检查|培训|复盘|评估)")
_VAGUE = re.compile(r"加强|提高|提升|强化|增强|进一步|切实|认真|努力|不断|持续")
# Responsible "persons" that are nobody in particular.
_COLLECTIVE = re.compile(r"^(?:全体|各|所有|相关|有关)|^(?:支部|支委|支委会|党支部|班子|支部班子|党员|全体党员|"
                         r"大家|各党员|各位党员|本人|个人)$")


def _plain(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def concrete(text: str | None) -> bool:
    """Does a 具体表现 name an example or a figure?"""
    text = _plain(text)
    return bool(_EXAMPLE.search(text) or _FIGURE.search(text))


def checkable(text: str | None) -> bool:
    """Does a measure contain anything a committee could check afterwards?"""
    text = _plain(text)
    return bool(_FIGURE.search(text) or _TIME_NODE.search(text) or _DELIVERABLE.search(text))


def _hint(sheet: str, cell: str, value: object, reason: str) -> Issue:
    return issue(IssueCode.QUALITY_HINT, sheet, cell, value, reason=reason)


def concrete_problems(branch: Branch) -> Iterator[Issue]:
    for row in branch.rows(PROBLEMS.key):
        if not row.get("summary"):
            continue  # a missing 问题概述 is already an error
        detail = row.get("detail")
        if concrete(detail) or concrete(row.get("summary")):
            continue
        cell = branch.cell(PROBLEMS.key, row, "detail")
        pid = row.get("pid") or ""
        if not detail:
            reason = f"问题“{pid}”没有填写具体表现，请写出具体事例或数据，做到见人见事"
        else:
            reason = f"问题“{pid}”的具体表现没有实例或数据，建议补充“比如……”、次数、人数等具体内容"
        yield _hint(PROBLEMS.name, cell, pid, reason)


def accountable_measures(branch: Branch) -> Iterator[Issue]:
    """Owner and deadline that a committee can hold someone to.

    A blank 责任人 or 整改时限 is already an error (both are required); this rule
    catches the filled-in forms that still name nobody and no time.
    """
    for row in branch.rows(MEASURES.key):
        owner = _plain(row.get("owner"))
        if owner and _COLLECTIVE.search(owner):
            yield _hint(MEASURES.name, branch.cell(MEASURES.key, row, "owner"), owner,
                        f"责任人“{owner}”没有落实到具体的人，请填写牵头负责人的姓名")
        if row.get("deadline") == LONG_TERM and row.get("measure") \
                and not _TIME_NODE.search(_plain(row["measure"])):
            yield _hint(MEASURES.name, branch.cell(MEASURES.key, row, "deadline"), LONG_TERM,
                        "整改时限为“长期坚持”，但措施中没有频次或阶段节点（如“每季度1次”“年底前”），"
                        "建议写明便于检查的时间安排")


def checkable_measures(branch: Branch) -> Iterator[Issue]:
    """Measures made only of 加强/提高-style words, with nothing to check afterwards.

    A plain but concrete action (修订巡查标准, 实行双人验收) is not flagged:
    the rule is about promises, not about style.
    """
    for row in branch.rows(MEASURES.key):
        text = row.get("measure")
        words = list(dict.fromkeys(_VAGUE.findall(_plain(text))))[:3] if text else []
        if not words or checkable(text):
            continue
        shown = "、".join(f"“{w}”" for w in words)
        yield _hint(MEASURES.name, branch.cell(MEASURES.key, row, "measure"), text,
                    f"整改措施只有{shown}等表述，没有可检查的数量、时间、频次或成果，"
                    f"建议写明如“每月开展1次”“年底前形成……”等具体目标")


def _length(rows, keys) -> int:
    return sum(len(_plain(str(r.get(k) or ""))) for r in rows for k in keys)


def problem_share(branch: Branch) -> Iterator[Issue]:
    problems = _length(branch.rows(PROBLEMS.key), ("summary", "detail"))
    causes = _length(branch.rows(CAUSES.key), ("aspect", "content"))
    directions = _length(branch.rows(DIRECTIONS.key), ("title", "content"))
    total = problems + causes + directions
    if not problems or not directions or (problems + causes) * 2 >= total:
        return  # an empty list is reported elsewhere; nothing to weigh yet
    share = round((problems + causes) * 100 / total)
    yield _hint(DIRECTIONS.name, "", f"{share}%",
                f"问题清单和原因剖析合计 {problems + causes} 字，只占问题、原因、努力方向总字数"
                f"（{total} 字）的 {share}%，不到一半；建议充实问题的具体表现和原因剖析，精简表态性内容")


RULES = (concrete_problems, accountable_measures, checkable_measures, problem_share)
