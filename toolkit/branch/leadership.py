"""A checked 民主生活会 workbook -> the values of a leadership team's documents.

``build_leadership_context`` starts from the branch context (``context.build_context``:
counts, problems by category, measures, last time's rectification) and adds what a
领导班子's documents say besides: the 主送机关, each 班子成员 called by 党内职务 and
行政职务 ("党组书记、局长贺振邦同志"), the 督导组/指导组, opinions counted by source,
谈心谈话 among 班子成员 and with department heads, the 班子's own problems apart from
the members', each member's problems, criticisms received and measures in order (``members``,
from the one builder of the 个人对照检查材料, ``branch/personal.py``).
The names are declared in ``schema/leadership_variables.py``.
"""

from __future__ import annotations

import datetime as dt

from toolkit.branch.context import Context, build_context
from toolkit.branch.personal import called_by_name, member_material
from toolkit.branch.read import Branch
from toolkit.core.wording import (
    as_text,
    bare,
    cn_number,
    join,
    lead,
    text_lines,
    title_lines,
)
from toolkit.schema.meeting_kinds import kind_of
from toolkit.schema.workbooks import GUESTS, MEMBERS, OPINIONS, TALKS

# The 问题层级 values of the workbook (its vocabulary stays the branch's).
TEAM_LEVEL = "支部班子"
SUPERVISION_MODES = ("督导组", "指导组")


def build_leadership_context(branch: Branch, today: dt.date | None = None) -> Context:
    rows = branch.rows
    ctx = build_context(branch, today)
    terms = kind_of(branch.info.get("meeting_type")).terms
    ctx["terms"] = terms.as_dict()
    # 中共××局党组关于召开2023年度民主生活会情况的报告: the team and the year's meeting, broken between parts
    meeting = [f"{ctx['year']}年度" if ctx["year"] else "", ctx["meeting_type"]]
    # 班子对照检查材料 has no 会前准备 part (documents.md): its own numbering
    keys = (["previous"] if ctx["previous"] else []) + ["problems"]
    keys += (["causes"] if ctx["causes"] else []) + (["directions"] if ctx["directions"] else [])
    ctx["sec"] = {k: cn_number(i) for i, k in enumerate(keys, start=1)}
    # the team's and the members' problems together: the aspects the whole meeting covered
    ctx["all_category_count_cn"] = cn_number(len(ctx["all_categories"]))
    ctx["titles"] = {"report": title_lines([ctx["org"], "关于召开", *meeting, "情况的报告"]),
                     "check": title_lines([ctx["org"], *meeting, "对照检查材料"]),
                     "list": title_lines([ctx["org"], *meeting, "对照检查材料"]),
                     "plan": title_lines([ctx["org"], *meeting, "整改方案"])}
    ctx["addressees"] = text_lines(branch.info.get("addressees")) or [ctx["superior"]]
    called = called_by_name(branch)
    # every 班子成员's own material (one builder with the 个人对照检查材料: branch/personal.py)
    members = [member_material(branch, as_text(r.get("name")), terms, called) for r in rows(MEMBERS.key)]
    ctx["host_called"] = called.get(ctx["host"], f"{ctx['host']}同志")
    ctx["secretary_called"] = next((m["called"] for m in members if m["is_secretary"]), ctx["host_called"])
    ctx.update(_supervision(rows(GUESTS.key)))
    ctx["opinion_by_source"] = _by_source(rows(OPINIONS.key))
    ctx["talk_text"] = _talk_text(rows(TALKS.key), members)
    ctx.update(_team_problems(ctx["problems"], ctx["categories"]))
    ctx["members"] = members
    ctx["member_count"] = len(members)
    return ctx


def _supervision(guests: list[dict]) -> Context:
    watch = [g for g in guests if as_text(g.get("mode")) in SUPERVISION_MODES]
    others = [g for g in guests if g not in watch]
    group = as_text(watch[0].get("mode")) if watch else ""
    return {
        "supervision": group,
        "supervisor_text": join([f"{bare(g.get('title'))}{as_text(g.get('name'))}同志" for g in watch]),
        "other_guest_text": join([f"{bare(g.get('title'))}{as_text(g.get('name'))}同志" for g in others]),
    }


def _by_source(opinions: list[dict]) -> str:
    counts: dict[str, int] = {}
    for r in opinions:
        source = as_text(r.get("source")) or "其他"
        counts[source] = counts.get(source, 0) + 1
    return join([f"{'其他方面' if s == '其他' else s}{n}条" for s, n in counts.items()])


def _talk_text(talks: list[dict], members: list[dict]) -> str:
    """谈心谈话 counted as 主要负责同志与班子成员, 班子成员之间, 与分管部门负责人."""
    names = {m["name"] for m in members}
    secretaries = {m["name"] for m in members if m["is_secretary"]}
    counts = {"secretary": 0, "members": 0, "heads": 0}
    for t in talks:
        pair = {as_text(t.get("talker")), as_text(t.get("talkee"))}
        if not pair <= names:
            counts["heads"] += 1
        elif pair & secretaries:
            counts["secretary"] += 1
        else:
            counts["members"] += 1
    chief = next((m["role"] for m in members if m["is_secretary"]), "主要负责同志")
    words = (("secretary", chief + "与班子成员谈心谈话{}人次"), ("members", "班子成员之间{}人次"),
             ("heads", "班子成员与分管部门负责人{}人次"))
    return join([text.format(counts[k]) for k, text in words if counts[k]], "，")


def _team_problems(problems: list[dict], categories: list[dict]) -> Context:
    team = [c for c in ({**c, "problems": [p for p in c["problems"] if p["level"] == TEAM_LEVEL]}
                        for c in categories) if c["problems"]]
    for index, c in enumerate(team, start=1):
        c.update(num=cn_number(index), index=index, count=len(c["problems"]))
        c["problems"] = [{**p, "lead": lead(i) if len(c["problems"]) > 1 else ""}
                         for i, p in enumerate(c["problems"], start=1)]
    return {"team_categories": team, "team_problem_count": sum(c["count"] for c in team),
            "team_category_count_cn": cn_number(len(team))}
