"""Branch records -> the three Word documents (情况报告, 对照检查材料, 整改清单).

``build_context(branch)`` turns a checked Branch into plain values (strings,
numbers, lists of dicts): every count is computed from the rows, so the text
and the tables can never disagree. The docxtpl templates in ``docx_templates/``
hold the fixed wording; ``VARIABLES`` declares every name they may use (the
Chinese reference 变量说明.md is generated from it).

Rendering is always sandboxed (``SandboxedEnvironment``), autoescaped (a cell
holding ``A&B<C>`` or ``{{ 7*7 }}`` appears literally) and strict (an unknown
name is an error naming the name and the template). Templates a unit supplies
(``templates=DIR``) are rendered in a child process with a time and memory
limit, because the sandbox bounds what code can reach but not how long it runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.resources
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from toolkit.errors import InputError, Report, TemplateError, UsageError
from toolkit.io.fsutil import atomic_path, ensure_dir, inside, safe_filename
from toolkit.branch.read import Branch
from toolkit.schema.workbooks import (
    CAUSES,
    DIRECTIONS,
    GUESTS,
    LONG_TERM,
    MEASURES,
    MEMBERS,
    OPINIONS,
    PREVIOUS,
    PROBLEMS,
    STUDIES,
    TALKS,
)
from toolkit.core.values import format_date



def _template_dir() -> Path:
    # Package data (setup.cfg maps toolkit.templates onto docx_templates/), so an
    # installed wheel finds them as well as the source tree.
    try:
        return Path(str(importlib.resources.files("toolkit.templates")))
    except ModuleNotFoundError:  # a source checkout that was never installed
        return Path(__file__).resolve().parents[2] / "docx_templates"


TEMPLATE_DIR = _template_dir()
# (document name used in output files, template file name)
DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("情况报告", "情况报告.docx"),
    ("对照检查材料", "对照检查材料.docx"),
    ("整改清单", "整改清单.docx"),
)

# Limits for a unit's own templates, rendered in a child process.
UNTRUSTED_TIME_LIMIT = 30  # seconds for all three documents
UNTRUSTED_MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes of address space


# --- numbers and text -------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """Chinese numeral for headings and leads: 1 -> 一, 10 -> 十, 21 -> 二十一, 105 -> 一百零五."""
    if n < 0:
        raise ValueError(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    units = ((1000, "千"), (100, "百"), (10, "十"))
    out, zero = "", False
    for value, name in units:
        digit, n = divmod(n, value)
        if digit:
            if zero:
                out += "零"
            out += _DIGITS[digit] + name
            zero = False
        elif out:
            zero = True
    if n:
        out += ("零" if zero else "") + _DIGITS[n]
    return out


def lead(n: int) -> str:
    """一是 / 二是 … for the n-th point inside a paragraph."""
    return f"{cn_number(n)}是"


_END = "。！？!?…"
_SOFT_END = "；;，,、：:．."


def bare(text: Any) -> str:
    """One-line text that the template continues (a heading, a 一是 lead): no closing punctuation."""
    text = _text(text)
    return text.rstrip(_END + _SOFT_END + " ")


def sentence(text: Any) -> str:
    """Running text ending in a full stop; lines after the first become paragraphs of their own."""
    text = _text(text)
    if not text:
        return ""
    lines = [line for line in text.split("\n") if line.strip()]
    last = lines[-1]
    if last[-1] in _SOFT_END:
        last = last[:-1] + "。"
    elif last[-1] not in _END and not last.endswith(("。”", "！”", "？”", "。）")):
        last += "。"
    lines[-1] = last
    # "\a" is docxtpl's paragraph break: the new paragraph keeps this one's style.
    return "\a".join(lines)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return format_date(value)
    return str(value).strip()


def _lines(value: Any) -> list[str]:
    return [line.strip() for line in _text(value).split("\n") if line.strip()]


def _join(items: list[str], sep: str = "、") -> str:
    return sep.join(i for i in items if i)


def _unique(items) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen


_AGENDA_NUMBER = re.compile(r"^\s*(?:[（(]?[0-9０-９一二三四五六七八九十]+[)）.、．]|[一二三四五六七八九十]+是)\s*")


# A 二号 title on the 156 mm line holds about 20 full-width characters; a title
# that long or longer wraps wherever the line ends ("…情况的报" / "告").
TITLE_LINE_WIDTH = 19


def title_width(text: str) -> float:
    """Width of a title in full-width characters: ASCII (the year's digits) counts half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def category_heading(name: str) -> str:
    """理论学习 -> 理论学习方面; a long 对照 aspect stays as it is."""
    name = bare(name)
    if name.endswith("方面") or len(name) > 8:
        return name
    return name + "方面"


# --- the variables templates may use ----------------------------------------------------

@dataclass(frozen=True)
class Var:
    name: str
    description: str
    example: Any = ""
    fields: tuple["Var", ...] = ()  # for lists and dicts: the keys of each item

    @property
    def example_value(self) -> Any:
        if not self.fields:
            return self.example
        item = {f.name: f.example_value for f in self.fields}
        return item if self.example == "dict" else [item, item]


V = Var
_PROBLEM_FIELDS = (
    V("lead", "在本类别中的序号引语：一是、二是……（本类只有一个问题时为空）", "一是"),
    V("pid", "问题编号", "P01"),
    V("level", "层级：支部班子 / 党员个人", "支部班子"),
    V("owner", "责任主体（党员个人问题为本人姓名，否则为空）", ""),
    V("category", "问题类别", "理论学习"),
    V("summary", "问题概述（不带句末标点）", "理论学习系统性不够"),
    V("detail", "具体表现（以句号结尾；多行时后续各行另起一段）", "比如，今年集中学习12次，结合业务研讨仅2次。"),
    V("source", "问题来源", "自我检视"),
)

VARIABLES: tuple[Var, ...] = (
    V("org", "党组织名称", "办公室党支部"),
    V("superior", "上级党组织（情况报告的主送机关）", "市水务局机关党委"),
    V("year", "年度（阿拉伯数字）", 2023),
    V("meeting_type", "会议类型", "专题组织生活会"),
    V("theme", "会议主题", "学习贯彻习近平新时代中国特色社会主义思想主题教育"),
    V("basis_title", "依据文件名称（不带书名号；未填为空）", "关于认真开好2023年度专题组织生活会的通知"),
    V("basis_number", "依据文件文号（未填为空）", "市水党〔2023〕12号"),
    V("basis", "依据文件的引用：《名称》（文号）；未填名称时为空", "《关于认真开好2023年度专题组织生活会的通知》（市水党〔2023〕12号）"),
    V("meeting_date", "召开日期，如 2023年8月25日", "2023年8月25日"),
    V("place", "召开地点（未填为空）", "机关三楼会议室"),
    V("host", "主持人", "王建国"),
    V("report_date", "报告日期（未填为生成当天）", "2023年8月28日"),
    V("title_break", "标题是否过长、需分两行排（约20字一行）：report 情况报告、check 对照检查材料", "dict",
      fields=(V("report", "情况报告标题在年度后换行", True), V("check", "对照检查材料标题在党组织名称后换行", True))),
    V("studies", "会前学习研讨，每次一项", fields=(
        V("date", "日期", "2023年8月10日"), V("form", "形式", "集中学习"),
        V("content", "学习内容（不带句末标点）", "学习党章"), V("participants", "参加人数（未填为空）", 9))),
    V("study_count", "学习研讨次数", 3),
    V("study_forms", "学习形式，按出现顺序用顿号连接（不含“其他”）", "集中学习、专题党课"),
    V("study_topics", "各次学习内容，用分号连接", "学习党章；学习《中国共产党支部工作条例（试行）》"),
    V("study_participants", "各次参加人数之和（人次；都未填时为0）", 25),
    V("opinions", "征求到的意见建议，每条一项", fields=(
        V("source", "意见来源", "群众"), V("method", "征求方式", "征求意见表"),
        V("content", "意见内容（以句号结尾）", "希望简化报销审批流程。"),
        V("adopted", "是否纳入问题清单（是/否/空）", "是"))),
    V("opinion_count", "征求到的意见建议条数", 12),
    V("opinion_adopted", "其中纳入问题清单的条数", 5),
    V("opinion_sources", "意见来源，用顿号连接（不含“其他”）", "党员、群众"),
    V("opinion_methods", "征求方式，用顿号连接（不含“其他”；都未填时为空）", "征求意见表、座谈会"),
    V("talks", "谈心谈话，每次一项", fields=(
        V("date", "日期（未填为空）", "2023年8月15日"), V("talker", "谈话人", "王建国"),
        V("talkee", "谈话对象", "陈思雨"), V("content", "主要内容（以句号结尾）", "交流学习体会。"))),
    V("talk_count", "谈心谈话人次", 10),
    V("prep_lead", "会前准备各项的引语（一是、二是……），只含有内容的项：study 学习研讨、opinion 征求意见、talk 谈心谈话、material 撰写材料",
      "dict", fields=(V("study", "学习研讨", "一是"), V("opinion", "征求意见", "二是"),
                      V("talk", "谈心谈话", "三是"), V("material", "撰写材料", "四是"))),
    V("prep_extra", "会前准备补充，每段一项（文字列表）", ["另外，支部还组织党员参观了廉政教育基地。"]),
    V("meeting_extra", "会议情况补充，每段一项（文字列表）", ["会后，支部及时向机关党委报送了会议材料。"]),
    V("expected", "应到人数（参会人员表的人数）", 10),
    V("present", "实到人数", 9),
    V("absent_count", "缺席人数", 1),
    V("absentees", "缺席人员，每人一项", fields=(V("name", "姓名", "赵六"), V("reason", "缺席原因（去掉开头的“因”）", "公出差"))),
    V("absent_text", "缺席情况的句子，如“赵六同志因公出差未参会”；无人缺席为空", "赵六同志因公出差未参会"),
    V("guests", "列席指导人员，每人一项", fields=(
        V("name", "姓名", "李卫东"), V("title", "职务", "机关党委副书记"), V("mode", "参会方式", "出席指导"))),
    V("guest_text", "列席指导情况的句子（不带句号）；无人列席为空", "机关党委副书记李卫东同志到会指导"),
    V("agenda", "会议议程，每项一项（已去掉原有的编号）", fields=(
        V("lead", "引语：一是、二是……", "一是"), V("text", "议程内容（不带句末标点）", "通报上一次组织生活会整改情况"))),
    V("agenda_count", "议程项数", 4),
    V("agenda_count_cn", "议程项数（中文数字）", "四"),
    V("appraisal", "民主评议结果；没有填写评议等次时为空（用 {% if appraisal %} 判断）", "dict", fields=(
        V("rated", "参加评定等次的党员人数", 9), V("excellent", "优秀人数", 2), V("qualified", "合格人数", 7),
        V("basic", "基本合格人数", 0), V("unqualified", "不合格人数", 0),
        V("not_rated", "不评定等次的人数（预备党员等）", 1),
        V("text", "结果的句子，如“参加评定的党员9人，其中优秀2人、合格7人，另有1人不评定等次”",
          "参加评定的党员9人，其中优秀2人、合格7人，另有1人不评定等次"))),
    V("problem_count", "查摆问题总数", 8),
    V("branch_problem_count", "其中支部班子问题数", 5),
    V("personal_problem_count", "其中党员个人问题数", 3),
    V("problems", "全部问题，按问题清单顺序", fields=_PROBLEM_FIELDS),
    V("categories", "按问题类别分组的问题（类别顺序同“选项”中的问题类别，只含有问题的类别）", fields=(
        V("num", "中文序号：一、二……", "一"), V("index", "阿拉伯数字序号", 1), V("name", "问题类别", "理论学习"),
        V("heading", "小标题，如“理论学习方面”", "理论学习方面"), V("count", "本类问题数", 2),
        V("problems", "本类问题（字段同 problems）", fields=_PROBLEM_FIELDS))),
    V("category_count", "有问题的类别数", 4),
    V("category_count_cn", "有问题的类别数（中文数字）", "四"),
    V("causes", "原因剖析，每个方面一项", fields=(
        V("num", "中文序号", "一"), V("aspect", "方面（不带句末标点）", "理论武装有所松懈"),
        V("content", "剖析内容（以句号结尾）", "满足于完成规定动作。"))),
    V("directions", "努力方向，每条一项", fields=(
        V("num", "中文序号", "一"), V("lead", "引语：一是、二是……", "一是"),
        V("title", "标题（不带句末标点）", "坚持不懈强化理论武装"), V("content", "具体内容（以句号结尾）", "制定年度学习计划。"))),
    V("measures", "整改措施（整改台账），按问题顺序", fields=(
        V("seq", "序号", 1), V("pid", "问题编号", "P01"), V("category", "问题类别", "理论学习"),
        V("summary", "问题概述", "理论学习系统性不够"), V("measure", "整改措施（以句号结尾）", "每月开展1次专题研讨。"),
        V("owner", "责任人", "王建国"), V("deadline", "整改时限：日期或“长期坚持”", "2023年12月31日"),
        V("status", "完成状态（未填为空）", "推进中"), V("done_date", "完成日期（未填为空）", ""))),
    V("measure_count", "整改措施条数", 12),
    V("long_term_count", "整改时限为“长期坚持”的措施条数", 2),
    V("done_count", "完成状态为“已完成”的措施条数", 3),
    V("previous", "上一次组织生活会问题的整改情况，每个问题一项（同一问题的多条措施合在一起）", fields=(
        V("index", "序号", 1), V("pid", "问题编号", "P01"), V("category", "问题类别", "理论学习"),
        V("summary", "问题概述（不带句末标点）", "学习不够系统"),
        V("status", "整改进度：各条措施中进度最慢的一个（有措施未注明时为空）", "已完成"),
        V("measures", "该问题的各条整改措施", fields=(
            V("measure", "整改措施（以句号结尾）", "制定学习计划。"), V("status", "完成状态", "已完成"),
            V("effect", "整改成效（以句号结尾）", "全年集中学习12次。"))))),
    V("previous_count", "上一次组织生活会查摆的问题数", 3),
    V("previous_text", "上一次问题的整改进度，如“已完成整改2条、正在推进1条”", "已完成整改2条、正在推进1条"),
    V("sec", "对照检查材料各部分的中文序号（没有内容的部分不编号）：previous 上次整改情况（无上次整改情况时没有此项）、problems 存在的问题、causes 原因剖析、directions 整改措施和努力方向",
      "dict", fields=(V("previous", "上次整改情况", "一"), V("problems", "存在的问题", "二"),
                      V("causes", "原因剖析", "三"), V("directions", "整改措施和努力方向", "四"))),
)

PROVIDED = frozenset(v.name for v in VARIABLES)


def example_context() -> dict[str, Any]:
    """A context with every declared variable, for trying out a template."""
    return {v.name: v.example_value for v in VARIABLES}


def variable_reference() -> str:
    """变量说明.md: every variable the toolkit provides, generated from VARIABLES."""
    out = [
        "# 模板变量说明",
        "",
        "本文件由 `scripts/build_docx_templates.py` 根据 `toolkit/render.py` 中的变量声明自动生成，请勿手工修改。",
        "",
        "模板使用 docxtpl（Jinja2 语法）：`{{ 变量 }}` 插入内容，`{%p if 条件 %}…{%p endif %}` 按条件保留整段，",
        "`{%p for x in 列表 %}…{%p endfor %}` 每项一段，表格行用 `{%tr for … %}`。引用未提供的变量会报错；",
        "用 `orglife check-template 模板.docx` 检查自己修改的模板。所有数字都由填报表中的行数计算得出。",
        "",
        "| 变量 | 说明 | 示例 |",
        "|---|---|---|",
    ]

    def cell(value: Any) -> str:
        if isinstance(value, list):
            value = "；".join(str(v) for v in value)
        return str(value).replace("|", "\\|").replace("\n", " ")

    for var in VARIABLES:
        if var.fields:
            kind = "（对象）" if var.example == "dict" else "（列表，每项的字段见下）"
            out.append(f"| `{var.name}` | {cell(var.description)}{kind} | |")
            for f in var.fields:
                sub = "（列表）" if f.fields else ""
                out.append(f"| `{var.name}` · `{f.name}` | {cell(f.description)}{sub} | {cell(f.example if not f.fields else '')} |")
        else:
            out.append(f"| `{var.name}` | {cell(var.description)} | {cell(var.example)} |")
    out.append("")
    return "\n".join(out)


# --- context --------------------------------------------------------------------

def build_context(branch: Branch, today: dt.date | None = None) -> dict[str, Any]:
    """Every value the templates use, computed from the rows of a checked branch."""
    info = branch.info
    rows = branch.rows
    ctx: dict[str, Any] = {}
    ctx["org"] = _text(info.get("org_name"))
    ctx["superior"] = _text(info.get("superior"))
    ctx["year"] = info.get("year") or ""
    ctx["meeting_type"] = _text(info.get("meeting_type"))
    ctx["theme"] = bare(info.get("theme"))
    ctx["basis_title"] = bare(info.get("basis_title")).strip("《》")
    ctx["basis_number"] = _text(info.get("basis_number"))
    ctx["basis"] = (f"《{ctx['basis_title']}》" + (f"（{ctx['basis_number']}）" if ctx["basis_number"] else "")
                    if ctx["basis_title"] else "")
    ctx["meeting_date"] = _text(info.get("meeting_date"))
    ctx["place"] = bare(info.get("place"))
    ctx["host"] = _text(info.get("host"))
    ctx["report_date"] = format_date(info.get("report_date") or today or dt.date.today())
    # The templates break a long title into two lines at a fixed meaning boundary
    # (GB/T 9704 梯形 title): after the year for 情况报告, after the branch's name for 对照检查材料.
    ctx["title_break"] = {
        "report": title_width(f"关于召开{ctx['year']}年度{ctx['meeting_type']}情况的报告") > TITLE_LINE_WIDTH,
        "check": title_width(f"{ctx['org']}{ctx['year']}年度{ctx['meeting_type']}对照检查材料") > TITLE_LINE_WIDTH,
    }

    studies = rows(STUDIES.key)
    ctx["studies"] = [{"date": _text(r.get("date")), "form": _text(r.get("form")),
                       "content": bare(r.get("content")), "participants": r.get("participants") or ""}
                      for r in studies]
    ctx["study_count"] = len(studies)
    ctx["study_forms"] = _join(_unique(_text(r.get("form")) for r in studies if r.get("form") != "其他"))
    ctx["study_topics"] = _join([bare(r.get("content")).replace("\n", "，") for r in studies], "；")
    ctx["study_participants"] = sum(r.get("participants") or 0 for r in studies)

    opinions = rows(OPINIONS.key)
    ctx["opinions"] = [{"source": _text(r.get("source")), "method": _text(r.get("method")),
                        "content": sentence(r.get("content")),
                        "adopted": "" if r.get("adopted") is None else ("是" if r["adopted"] else "否")}
                       for r in opinions]
    ctx["opinion_count"] = len(opinions)
    ctx["opinion_adopted"] = sum(1 for r in opinions if r.get("adopted") is True)
    # "其他" reads badly in a list of ways and sources ("采取其他、座谈会等方式"): left out
    ctx["opinion_sources"] = _join(_unique(_text(r.get("source")) for r in opinions if r.get("source") != "其他"))
    ctx["opinion_methods"] = _join(_unique(_text(r.get("method")) for r in opinions if r.get("method") != "其他"))

    talks = rows(TALKS.key)
    ctx["talks"] = [{"date": _text(r.get("date")), "talker": _text(r.get("talker")),
                     "talkee": _text(r.get("talkee")), "content": sentence(r.get("content"))}
                    for r in talks]
    ctx["talk_count"] = len(talks)

    present_prep = [k for k, has in (("study", studies), ("opinion", opinions), ("talk", talks),
                                     ("material", True)) if has]
    ctx["prep_lead"] = {k: lead(i) for i, k in enumerate(present_prep, start=1)}
    ctx["prep_extra"] = _lines(info.get("prep_extra"))
    ctx["meeting_extra"] = _lines(info.get("meeting_extra"))

    members = rows(MEMBERS.key)
    absent = [r for r in members if r.get("present") is False]
    ctx["expected"] = len(members)
    ctx["present"] = sum(1 for r in members if r.get("present") is True)
    ctx["absent_count"] = len(absent)
    ctx["absentees"] = [{"name": _text(r.get("name")), "reason": bare(r.get("absence_reason")).lstrip("因")}
                        for r in absent]
    ctx["absent_text"] = (
        _join([f"{a['name']}同志因{a['reason']}" if a["reason"] else f"{a['name']}同志"
               for a in ctx["absentees"]])
        + "未参会") if absent else ""

    guests = rows(GUESTS.key)
    ctx["guests"] = [{"name": _text(r.get("name")), "title": bare(r.get("title")), "mode": _text(r.get("mode"))}
                     for r in guests]
    ctx["guest_text"] = _guest_text(ctx["guests"])

    agenda = [_AGENDA_NUMBER.sub("", line) for line in _lines(info.get("agenda"))]
    agenda = [bare(a) for a in agenda if bare(a)]
    ctx["agenda"] = [{"lead": lead(i), "text": a} for i, a in enumerate(agenda, start=1)]
    ctx["agenda_count"] = len(agenda)
    ctx["agenda_count_cn"] = cn_number(len(agenda))
    ctx["appraisal"] = _appraisal(members)

    problems = rows(PROBLEMS.key)
    ctx["problem_count"] = len(problems)
    ctx["branch_problem_count"] = sum(1 for r in problems if r.get("level") == "支部班子")
    ctx["personal_problem_count"] = sum(1 for r in problems if r.get("level") == "党员个人")
    by_category: dict[str, list[dict]] = {}
    for r in problems:
        by_category.setdefault(_text(r.get("category")), []).append(r)
    order = [c for c in branch.categories if c in by_category]
    order += [c for c in by_category if c not in order]  # categories not in the list keep their order
    ctx["problems"] = []
    ctx["categories"] = []
    for index, name in enumerate(order, start=1):
        items = [_problem(r, i) for i, r in enumerate(by_category[name], start=1)]
        if len(items) == 1:  # "一是" with no "二是" after it reads as an unfinished list
            items[0]["lead"] = ""
        ctx["categories"].append({"num": cn_number(index), "index": index, "name": name,
                                  "heading": category_heading(name), "count": len(items),
                                  "problems": items})
    ctx["problems"] = [_problem(r, i) for i, r in enumerate(problems, start=1)]
    ctx["category_count"] = len(order)
    ctx["category_count_cn"] = cn_number(len(order))

    ctx["causes"] = [{"num": cn_number(i), "aspect": bare(r.get("aspect")), "content": sentence(r.get("content"))}
                     for i, r in enumerate(rows(CAUSES.key), start=1)]
    ctx["directions"] = [{"num": cn_number(i), "lead": lead(i), "title": bare(r.get("title")),
                          "content": sentence(r.get("content"))}
                         for i, r in enumerate(rows(DIRECTIONS.key), start=1)]

    problem_of = {r.get("pid"): r for r in problems}
    position = {r.get("pid"): i for i, r in enumerate(problems)}
    measures = sorted(rows(MEASURES.key), key=lambda r: position.get(r.get("pid"), len(problems)))
    ctx["measures"] = []
    for seq, r in enumerate(measures, start=1):
        prob = problem_of.get(r.get("pid"), {})
        deadline = r.get("deadline")
        ctx["measures"].append({
            "seq": seq, "pid": _text(r.get("pid")), "category": _text(prob.get("category")),
            "summary": bare(prob.get("summary")), "measure": sentence(r.get("measure")),
            "owner": _text(r.get("owner")),
            "deadline": LONG_TERM if deadline == LONG_TERM else _text(deadline),
            "status": _text(r.get("status")), "done_date": _text(r.get("done_date")),
        })
    ctx["measure_count"] = len(measures)
    ctx["long_term_count"] = sum(1 for r in measures if r.get("deadline") == LONG_TERM)
    ctx["done_count"] = sum(1 for r in measures if r.get("status") == "已完成")

    previous = _previous_items(rows(PREVIOUS.key))
    ctx["previous"] = previous
    ctx["previous_count"] = len(previous)
    ctx["previous_text"] = _previous_text(previous)

    sections = (["previous"] if previous else []) + ["problems"] + (["causes"] if ctx["causes"] else []) \
        + (["directions"] if ctx["directions"] else [])
    ctx["sec"] = {k: cn_number(i) for i, k in enumerate(sections, start=1)}
    return ctx


def _problem(r: dict, n: int) -> dict[str, Any]:
    return {"lead": lead(n), "pid": _text(r.get("pid")), "level": _text(r.get("level")),
            "owner": _text(r.get("owner")) if r.get("level") == "党员个人" else "",
            "category": _text(r.get("category")), "summary": bare(r.get("summary")),
            "detail": sentence(r.get("detail")), "source": _text(r.get("source"))}


_GUEST_VERBS = {"出席指导": "到会指导", "列席": "列席会议", "以普通党员身份参加": "以普通党员身份参加会议"}


def _guest_text(guests: list[dict]) -> str:
    parts = []
    for mode, verb in _GUEST_VERBS.items():
        people = [f"{g['title']}{g['name']}同志" for g in guests if g["mode"] == mode]
        if people:
            parts.append(_join(people) + verb)
    return "，".join(parts)


_GRADES = (("excellent", "优秀"), ("qualified", "合格"), ("basic", "基本合格"), ("unqualified", "不合格"))


def _appraisal(members: list[dict]) -> dict[str, Any] | None:
    grades = [r.get("appraisal") for r in members if r.get("appraisal")]
    if not grades:
        return None
    result: dict[str, Any] = {key: grades.count(word) for key, word in _GRADES}
    result["not_rated"] = grades.count("不评定")
    result["rated"] = sum(result[key] for key, _ in _GRADES)
    text = f"参加评定的党员{result['rated']}人"
    shown = [f"{word}{result[key]}人" for key, word in _GRADES if result[key]]
    if shown:
        text += "，其中" + _join(shown)
    if result["not_rated"]:
        # "；不评定等次1人" after a semicolon had no subject; "另有" ties it to the sentence
        text += f"，另有{result['not_rated']}人不评定等次"
    result["text"] = text
    return result


# Progress of a problem with several measures: the least advanced measure decides.
_PROGRESS = ("未启动", "推进中", LONG_TERM, "已完成")
_PROGRESS_TEXT = {"已完成": "已完成整改{}条", "推进中": "正在推进{}条", LONG_TERM: "需长期坚持{}条",
                  "未启动": "尚未启动{}条", "": "未注明进度{}条"}


def _previous_items(rows: list[dict]) -> list[dict[str, Any]]:
    """上次整改情况 rows are one per measure: group them by problem (编号, else 概述)."""
    items: list[dict[str, Any]] = []
    by_key: dict[str, dict[str, Any]] = {}
    for r in rows:
        key = _text(r.get("pid")) or bare(r.get("summary"))
        item = by_key.get(key) if key else None
        if item is None:
            item = {"index": len(items) + 1, "pid": _text(r.get("pid")), "category": _text(r.get("category")),
                    "summary": bare(r.get("summary")), "status": "", "measures": []}
            items.append(item)
            if key:
                by_key[key] = item
        item["measures"].append({"measure": sentence(r.get("measure")), "status": _text(r.get("status")),
                                 "effect": sentence(r.get("effect"))})
    for item in items:
        states = [m["status"] for m in item["measures"]]
        known = [s for s in states if s in _PROGRESS]
        item["status"] = min(known, key=_PROGRESS.index) if known and len(known) == len(states) else ""
    return items


def _previous_text(items: list[dict]) -> str:
    return _join([text.format(n) for status, text in _PROGRESS_TEXT.items()
                  if (n := sum(1 for i in items if i["status"] == status))])


# --- rendering ------------------------------------------------------------------------

class _Env(SandboxedEnvironment):
    """Sandboxed, autoescaping, strict, and caching what it compiles.

    docxtpl compiles the whole document XML on every render; the XML of an
    unchanged template is the same string every time, so the compiled template
    is kept (about half of the render time otherwise).
    """

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - jinja API
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        hit = self._compiled.get(source)
        if hit is None:
            if len(self._compiled) > 64:
                self._compiled.clear()
            hit = self._compiled[source] = super().from_string(source)
        return hit


_ENV: _Env | None = None


def jinja_env() -> _Env:
    global _ENV
    if _ENV is None:
        _ENV = _Env()
    return _ENV


_PATCHED: dict[str, str] = {}
_TEMPLATE_BYTES: dict[str, tuple[tuple[int, int], bytes]] = {}


def _docx_template_class():
    from docxtpl import DocxTemplate

    class CachedTemplate(DocxTemplate):
        """docxtpl's regex clean-up of the template XML, done once per template."""

        def patch_xml(self, src_xml):
            hit = _PATCHED.get(src_xml)
            if hit is None:
                if len(_PATCHED) > 64:
                    _PATCHED.clear()
                hit = _PATCHED[src_xml] = super().patch_xml(src_xml)
            return hit

    return CachedTemplate


_TEMPLATE_CLASS = None


def _template_bytes(path: Path) -> bytes:
    try:
        st = path.stat()
        key = (st.st_mtime_ns, st.st_size)
        cached = _TEMPLATE_BYTES.get(str(path))
        if cached and cached[0] == key:
            return cached[1]
        data = path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"无法读取模板 {path}：{exc.strerror or exc}") from exc
    _TEMPLATE_BYTES[str(path)] = (key, data)
    return data


def render_docx(template: Path, context: dict[str, Any], out: Path) -> None:
    """Render one template into ``out`` (in this process: only for trusted templates)."""
    global _TEMPLATE_CLASS
    if _TEMPLATE_CLASS is None:
        _TEMPLATE_CLASS = _docx_template_class()
    name = template.name
    data = _template_bytes(template)
    try:
        tpl = _TEMPLATE_CLASS(io.BytesIO(data))
        tpl.render(context, jinja_env=jinja_env())
        tpl.save(str(out))
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(f"模板“{name}”含有不允许执行的代码（{exc}），已拒绝生成。"
                            f"模板中只能使用变量说明中列出的变量。") from exc
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"模板“{name}”{_undefined_text(str(exc))}") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"模板“{name}”的标记有语法错误：{exc.message}"
                            f"（检查 {{{{ }}}}、{{% %}} 是否成对、if/for 是否都有 endif/endfor）") from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"模板“{name}”无法生成：{exc}") from exc
    except (zipfile.BadZipFile, KeyError) as exc:
        raise TemplateError(f"模板“{name}”不是有效的 Word 文档（.docx），请用 Word 或 WPS 另存为 .docx") from exc
    except MemoryError as exc:
        raise TemplateError(f"模板“{name}”生成时占用内存过多，已停止。请检查模板中的循环。") from exc
    except Exception as exc:  # template code can fail in many ways (1 + "a", bad XML after render)
        if type(exc).__name__ == "PackageNotFoundError":
            raise TemplateError(f"模板“{name}”不是有效的 Word 文档（.docx），请用 Word 或 WPS 另存为 .docx") from exc
        raise TemplateError(f"模板“{name}”生成时出错：{type(exc).__name__}: {exc}") from exc


def _undefined_text(message: str) -> str:
    m = re.search(r"'([^']+)' is undefined", message)
    if m:
        return f"使用了未提供的变量“{m.group(1)}”。可用的变量见 docx_templates/变量说明.md。"
    m = re.search(r"has no attribute '([^']+)'", message)
    if m:
        return f"使用了不存在的字段“{m.group(1)}”（{message}）。可用的字段见 docx_templates/变量说明.md。"
    return f"使用了未提供的变量：{message}"


# --- templates in a child process --------------------------------------------------------

def _render_isolated(jobs: list[tuple[Path, Path]], context: dict[str, Any]) -> None:
    """Render untrusted templates in a child process with a time and memory limit."""
    payload = json.dumps({
        "jobs": [[str(t), str(o)] for t, o in jobs], "context": context,
        "time_limit": UNTRUSTED_TIME_LIMIT, "memory_limit": UNTRUSTED_MEMORY_LIMIT,
    }, ensure_ascii=False)
    names = "、".join(t.name for t, _ in jobs)
    try:
        proc = subprocess.run([sys.executable, "-m", "toolkit.writers.render", "--worker"], input=payload.encode(),
                              capture_output=True, timeout=UNTRUSTED_TIME_LIMIT + 10)
    except subprocess.TimeoutExpired as exc:
        raise TemplateError(f"模板（{names}）生成超时（超过 {UNTRUSTED_TIME_LIMIT} 秒），已停止。"
                            f"模板中可能有死循环或过大的循环。") from exc
    try:
        answer = json.loads(proc.stdout.decode("utf-8") or "{}")
    except ValueError:
        answer = {}
    if proc.returncode == 0 and answer.get("ok"):
        return
    if answer.get("error"):
        raise TemplateError(answer["error"])
    if proc.returncode in (-9, -24, 137, 152):  # SIGKILL / SIGXCPU: the CPU limit was reached
        raise TemplateError(f"模板（{names}）生成超时（超过 {UNTRUSTED_TIME_LIMIT} 秒），已停止。"
                            f"模板中可能有死循环或过大的循环。")
    raise TemplateError(f"模板（{names}）生成失败（子进程退出码 {proc.returncode}）。"
                        f"可能是模板占用内存过多，请检查模板中的循环。")


def _worker_main() -> int:
    """Child process: read jobs as JSON on stdin, apply limits, render, answer on stdout."""
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    try:
        import resource

        cpu = int(request["time_limit"])
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        mem = int(request["memory_limit"])
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    except (ImportError, ValueError, OSError):
        pass  # no rlimits on this platform: the parent's wall-clock timeout still applies
    try:
        for template, out in request["jobs"]:
            render_docx(Path(template), request["context"], Path(out))
    except TemplateError as exc:
        sys.stdout.write(json.dumps({"error": str(exc)}, ensure_ascii=False))
        return 3
    except MemoryError:
        sys.stdout.write(json.dumps({"error": "模板生成时占用内存过多，已停止。请检查模板中的循环。"},
                                    ensure_ascii=False))
        return 3
    sys.stdout.write(json.dumps({"ok": True}))
    return 0


# --- public API ----------------------------------------------------------------------------

class WorkbookHasErrors(InputError):
    """The workbook has errors: nothing was rendered. ``report`` lists them."""

    def __init__(self, report: Report):
        super().__init__(f"{Path(report.path).name} 有 {len(report.errors)} 个错误，未生成任何材料。")
        self.report = report


@dataclass
class RenderResult:
    path: Path
    report: Report
    docx: list[Path] = field(default_factory=list)
    pdf: list[Path] = field(default_factory=list)
    builtin: list[str] = field(default_factory=list)  # documents that used the built-in template


def resolve_templates(templates: str | os.PathLike | None) -> tuple[list[Path], bool, list[str]]:
    """Template path per document, whether they need isolation, and which fell back to built-in."""
    if templates is None:
        return [TEMPLATE_DIR / f for _, f in DOCUMENTS], False, [d for d, _ in DOCUMENTS]
    folder = Path(templates)
    if not folder.is_dir():
        raise UsageError(f"找不到模板文件夹：{templates}")
    if folder.resolve() == TEMPLATE_DIR.resolve():
        return [TEMPLATE_DIR / f for _, f in DOCUMENTS], False, [d for d, _ in DOCUMENTS]
    found = [folder / f for _, f in DOCUMENTS]
    if not any(p.is_file() for p in found):
        raise UsageError(f"模板文件夹 {templates} 中没有 {'、'.join(f for _, f in DOCUMENTS)} 中的任何一个")
    builtin = [d for (d, _), p in zip(DOCUMENTS, found) if not p.is_file()]
    paths = [p if p.is_file() else TEMPLATE_DIR / f for (_, f), p in zip(DOCUMENTS, found)]
    return paths, True, builtin


def output_names(branch: Branch) -> list[str]:
    """<党组织名称>_<年度>_<文档>.docx, safe as a file name whatever the name holds."""
    org = safe_filename(_text(branch.info.get("org_name")) or Path(branch.path).stem)
    year = safe_filename(_text(branch.info.get("year")), fallback="年度")
    return [f"{org}_{year}_{doc}.docx" for doc, _ in DOCUMENTS]


def render_branch(branch: Branch, out_dir: str | os.PathLike, *, templates: str | os.PathLike | None = None,
                  today: dt.date | None = None) -> list[Path]:
    """Write the three documents of a checked branch into ``out_dir``; all or none."""
    paths, isolate, _ = resolve_templates(templates)
    out = ensure_dir(out_dir)
    context = build_context(branch, today)
    finals = [inside(out, name) for name in output_names(branch)]
    with contextlib.ExitStack() as stack:
        tmps = [stack.enter_context(atomic_path(f)) for f in finals]
        if isolate:
            trusted = [(t, o) for t, o in zip(paths, tmps) if t.parent == TEMPLATE_DIR]
            untrusted = [(t, o) for t, o in zip(paths, tmps) if t.parent != TEMPLATE_DIR]
            _render_isolated(untrusted, context)
        else:
            trusted = list(zip(paths, tmps))
        for template, tmp in trusted:
            render_docx(template, context, tmp)
    return finals


def render_workbook(path: str | os.PathLike, out_dir: str | os.PathLike, *, pdf: bool = False,
                    templates: str | os.PathLike | None = None) -> RenderResult:
    """Check a branch workbook, then write its documents (and PDFs). Nothing is written on errors."""
    from toolkit.branch.validate import check_file

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"找不到文件：{path}")
    _, _, builtin = resolve_templates(templates)
    branch, report = check_file(path)
    if not report.ok:
        raise WorkbookHasErrors(report)
    docs = render_branch(branch, out_dir, templates=templates)
    result = RenderResult(path=path, report=report, docx=docs,
                          builtin=builtin if templates is not None else [])
    if pdf:
        from toolkit.io.pdf import convert_to_pdf

        result.pdf = convert_to_pdf(docs, out_dir)
    return result


@dataclass
class TemplateCheck:
    path: Path
    unknown: list[str]


def check_template(path: str | os.PathLike) -> TemplateCheck:
    """Variables a template uses that the toolkit does not provide; TemplateError when it is broken.

    After the static check the template is rendered once with example values
    in the limited child process, so forbidden code, runaway loops and unknown
    fields are found before a branch relies on the template.
    """
    from docxtpl import DocxTemplate

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"找不到模板文件：{path}")
    try:
        names = DocxTemplate(str(path)).get_undeclared_template_variables(jinja_env=jinja_env())
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"模板“{path.name}”的标记有语法错误：{exc.message}"
                            f"（检查 {{{{ }}}}、{{% %}} 是否成对、if/for 是否都有 endif/endfor）") from exc
    except Exception as exc:  # python-docx raises several types for files that are not .docx
        raise TemplateError(f"模板“{path.name}”不是有效的 Word 文档（.docx）：{type(exc).__name__}") from exc
    unknown = sorted(n for n in names if n not in PROVIDED and n not in jinja_env().globals)
    if not unknown:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="orglife_check_") as tmp:
            _render_isolated([(path, Path(tmp) / "试生成.docx")], example_context())
    return TemplateCheck(path=path, unknown=unknown)


if __name__ == "__main__" and sys.argv[1:] == ["--worker"]:
    raise SystemExit(_worker_main())
