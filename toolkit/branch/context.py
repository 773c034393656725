"""A checked branch -> the plain values its three documents are rendered from.

``build_context(branch)`` returns strings, numbers and lists of dicts, one key
per variable declared in ``schema/variables.py``. Every count is computed from
the rows, so the text and the tables can never disagree. Each part of the
documents (header, preparation, attendance, problems, measures, last time's
rectification) has a builder of its own; ``build_context`` only joins them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from toolkit.branch.read import Branch
from toolkit.branch.validate import AS_MEMBER, attendance_counts, ballot_tally, ordinary_members
from toolkit.core.values import format_date
from toolkit.core.wording import (
    as_text,
    bare,
    category_heading,
    cn_number,
    join,
    lead,
    sentence,
    strip_numbering,
    text_lines,
    title_lines,
    unique,
)
from toolkit.schema.workbooks import (
    CASE_STUDY,
    CAUSES,
    CRITICISMS,
    DIRECTIONS,
    GUESTS,
    LONG_TERM,
    MEASURES,
    MEMBERS,
    OPINIONS,
    PREVIOUS,
    PROBLEMS,
    SPECIAL_ANALYSES,
    STUDIES,
    TALKS,
)

Rows = Callable[[str], list[dict]]
Context = dict[str, Any]


def build_context(branch: Branch, today: dt.date | None = None) -> Context:
    """Every value the templates use, computed from the rows of a checked branch."""
    info, rows = branch.info, branch.rows
    ctx: Context = {}
    ctx.update(_header(info, today))
    studies, opinions, talks = rows(STUDIES.key), rows(OPINIONS.key), rows(TALKS.key)
    members = rows(MEMBERS.key)
    ctx.update(_studies(studies))
    ctx.update(_opinions(opinions))
    ctx.update(_talks(talks, members))
    ctx.update(_preparation(info, studies, opinions, talks))
    guests = rows(GUESTS.key)
    ctx.update(_attendance(members, guests))
    ctx.update(_guests(guests))
    ctx.update(_agenda(info))
    ctx["appraisal"] = _appraisal(members, _leader_grades(branch, members, guests))
    ctx["criticism_count"] = len(rows(CRITICISMS.key))
    ctx["secretary"] = _secretary(members, info)
    problems = rows(PROBLEMS.key)
    ctx.update(_problems(problems, branch.categories))
    ctx.update(_causes_and_directions(rows))
    ctx.update(_measures(rows(MEASURES.key), problems, [c["name"] for c in ctx["all_categories"]]))
    ctx.update(_previous(rows(PREVIOUS.key)))
    ctx["analyses"] = _analyses(rows(SPECIAL_ANALYSES.key), [name for name, _ in branch.sections])
    ctx["sec"] = _section_numbers(ctx)
    ctx["rsec"] = _report_section_numbers(ctx)
    return ctx


# --- header -------------------------------------------------------------------------

def _header(info: dict[str, Any], today: dt.date | None) -> Context:
    ctx: Context = {
        "org": as_text(info.get("org_name")),
        "superior": as_text(info.get("superior")),
        "year": info.get("year") or "",
        "meeting_type": as_text(info.get("meeting_type")),
        "theme": bare(info.get("theme")),
        "basis_title": bare(info.get("basis_title")).strip("《》"),
        "basis_number": as_text(info.get("basis_number")),
    }
    ctx["basis"] = _basis(ctx["basis_title"], ctx["basis_number"])
    ctx["meeting_date"] = as_text(info.get("meeting_date"))
    ctx["place"] = bare(info.get("place"))
    ctx["host"] = as_text(info.get("host"))
    # 报告日期, else the 召开日期 (check warns when it is blank): a document never signs itself with today
    ctx["report_date"] = format_date(info.get("report_date") or info.get("meeting_date") or today or dt.date.today())
    ctx.update(_meeting_name(ctx))
    # Titles name the organisation and the meeting; a long one breaks between its
    # parts (GB/T 9704 梯形 title), never wherever the line happens to end.
    org, name = ctx["org"], ctx["meeting_parts"]
    ctx["titles"] = {
        "report": title_lines([org, "关于召开", *name, "情况的报告"]),
        "check": title_lines([org, *name, "对照检查材料"]),
        "list": title_lines([org, *name, "整改清单"], width=30),
    }
    del ctx["meeting_parts"]
    return ctx


def _meeting_name(ctx: Context) -> Context:
    """A 专题 meeting is named by its theme (not "年度"); any other by its year.

    学习贯彻…主题教育专题组织生活会 / 2023年度组织生活会. A theme that is a slogan
    (with a space, as "严守纪律规矩 加强作风建设") is quoted in running text.
    """
    kind, theme, year = ctx["meeting_type"], ctx["theme"], ctx["year"]
    yearly = f"{year}年度" if year else ""
    if kind.startswith("专题") and theme:
        quoted = any(ch.isspace() for ch in theme)
        shown = f"“{theme}”" if quoted else theme
        tail = kind if not theme.endswith(kind) else ""
        return {"meeting_name": shown + tail, "meeting_parts": [shown, tail],
                "theme_clause": ""}
    clause = f"以“{theme}”为主题" if theme else ""
    return {"meeting_name": yearly + kind, "meeting_parts": [yearly, kind], "theme_clause": clause}


def _basis(title: str, number: str) -> str:
    if not title:
        return ""
    return f"《{title}》" + (f"（{number}）" if number else "")


# --- before the meeting ------------------------------------------------------------------

def _studies(studies: list[dict]) -> Context:
    return {
        "studies": [{"date": as_text(r.get("date")), "form": as_text(r.get("form")),
                     "content": bare(r.get("content")), "participants": r.get("participants") or ""}
                    for r in studies],
        "study_count": len(studies),
        "study_forms": join(unique(as_text(r.get("form")) for r in studies if r.get("form") != "其他")),
        "study_topics": join([bare(r.get("content")).replace("\n", "，") for r in studies], "；"),
        "study_participants": sum(r.get("participants") or 0 for r in studies),
    }


def _adopted(value: Any) -> str:
    if value is None:
        return ""
    return "是" if value else "否"


def _opinions(opinions: list[dict]) -> Context:
    return {
        "opinions": [{"source": as_text(r.get("source")), "method": as_text(r.get("method")),
                      "content": sentence(r.get("content")), "adopted": _adopted(r.get("adopted"))}
                     for r in opinions],
        "opinion_count": len(opinions),
        "opinion_adopted": sum(1 for r in opinions if r.get("adopted") is True),
        # "其他" reads badly in a list of ways and sources ("采取其他、座谈会等方式"): left out
        "opinion_sources": join(unique(as_text(r.get("source")) for r in opinions if r.get("source") != "其他")),
        "opinion_methods": join(unique(as_text(r.get("method")) for r in opinions if r.get("method") != "其他")),
    }


_SECRETARY_ROLES = ("书记", "党组书记", "党委书记")
_MEMBER_ROLE = "党员"


def _rank(role: str) -> str:
    """支部书记 / 支委委员 / 党员 for the talks' wording; a name not in 参会人员 counts as 党员."""
    if role in _SECRETARY_ROLES:
        return "支部书记"
    return "党员" if role in ("", _MEMBER_ROLE) else "支委委员"


def _talks(talks: list[dict], members: list[dict]) -> Context:
    role = {as_text(m.get("name")): as_text(m.get("role")) for m in members}
    pairs: dict[str, int] = {}
    people: set[str] = set()
    order = ("支部书记", "支委委员", "党员")
    for r in talks:
        a, b = as_text(r.get("talker")), as_text(r.get("talkee")).strip()
        people.update(p for p in (a, b) if p)
        ra, rb = sorted((_rank(role.get(a, "")), _rank(role.get(b, ""))), key=order.index)
        key = f"{ra}之间" if ra == rb else f"{ra}与{rb}"
        pairs[key] = pairs.get(key, 0) + 1
    # "支部书记与支委委员谈心谈话1人次、支委委员与党员3人次": who talked with whom, from the rows
    known = ("支部书记与支委委员", "支部书记与党员", "支委委员之间", "支委委员与党员", "党员之间")
    ranked = sorted(pairs.items(), key=lambda kv: known.index(kv[0]) if kv[0] in known else len(known))
    who = join([f"{k}{n}人次" for k, n in ranked])
    return {
        "talks": [{"date": as_text(r.get("date")), "talker": as_text(r.get("talker")),
                   "talkee": as_text(r.get("talkee")), "content": sentence(r.get("content"))}
                  for r in talks],
        "talk_count": len(talks),
        "talk_pairs": who,
        "talk_people": len(people),
    }


def _preparation(info: dict[str, Any], studies: list, opinions: list, talks: list) -> Context:
    present = [k for k, has in (("study", studies), ("opinion", opinions), ("talk", talks),
                                ("material", True)) if has]
    return {
        "prep_lead": {k: lead(i) for i, k in enumerate(present, start=1)},
        "prep_extra": text_lines(info.get("prep_extra")),
        "meeting_extra": text_lines(info.get("meeting_extra")),
    }


# --- the meeting -------------------------------------------------------------------------

def _attendance(members: list[dict], guests: list[dict]) -> Context:
    absent = [r for r in members if r.get("present") is False]
    absentees = [{"name": as_text(r.get("name")), "reason": bare(r.get("absence_reason")).lstrip("因")}
                 for r in absent]
    expected, present, absent_count = attendance_counts(members, guests)
    return {
        "expected": expected,
        "present": present,
        "absent_count": absent_count,
        "absentees": absentees,
        "absent_text": _absent_text(absentees),
    }


def _absent_text(absentees: list[dict]) -> str:
    if not absentees:
        return ""
    return join([f"{a['name']}同志因{a['reason']}" if a["reason"] else f"{a['name']}同志"
                 for a in absentees]) + "未参会"


_GUEST_VERBS = {AS_MEMBER: AS_MEMBER, "出席指导": "到会指导", "督导组": "作为督导组成员到会督导",
                "指导组": "作为指导组成员到会指导", "列席": "列席会议"}


def _guests(rows: list[dict]) -> Context:
    guests = [{"name": as_text(r.get("name")), "title": bare(r.get("title")), "mode": as_text(r.get("mode"))}
              for r in rows]
    return {"guests": guests, "guest_text": _guest_text(guests)}


def _guest_text(guests: list[dict]) -> str:
    """局党组书记、局长贺振邦同志以普通党员身份参加，…同志到会指导: each person with the title."""
    parts = []
    for mode, verb in _GUEST_VERBS.items():
        people = [f"{g['title']}{g['name']}同志" for g in guests if g["mode"] == mode]
        if people:
            parts.append(join(people) + verb)
    return "，".join(parts)


def _secretary(members: list[dict], info: dict[str, Any]) -> str:
    """The name of the 书记 who reports for the 班子 (the host when no 书记 is listed)."""
    for m in members:
        if as_text(m.get("role")) in _SECRETARY_ROLES:
            return as_text(m.get("name"))
    return as_text(info.get("host"))


def _agenda(info: dict[str, Any]) -> Context:
    agenda = [bare(strip_numbering(line)) for line in text_lines(info.get("agenda"))]
    agenda = [a for a in agenda if a]
    return {
        "agenda": [{"lead": lead(i), "text": a} for i, a in enumerate(agenda, start=1)],
        "agenda_count": len(agenda),
        "agenda_count_cn": cn_number(len(agenda)),
    }


_GRADES = (("excellent", "优秀"), ("qualified", "合格"), ("basic", "基本合格"), ("unqualified", "不合格"))


def leader_grades(branch: Branch) -> list[str]:
    """Grades of the leaders attending as ordinary members (the 汇总表 counts them as the report does)."""
    return _leader_grades(branch, branch.rows(MEMBERS.key), branch.rows(GUESTS.key))


def _leader_grades(branch: Branch, members: list[dict], guests: list[dict]) -> list[str]:
    """Grades of the leaders attending as ordinary members: the tally of 民主评议计票 proposes them."""
    leaders = [as_text(g.get("name")) for g in ordinary_members(members, guests)]
    if not leaders or not any(r.get("appraisal") for r in members):
        return []
    result = ballot_tally(branch)[1]
    if result is None:
        return []
    return [grade for name in leaders if (grade := result.of(name))]


def _appraisal(members: list[dict], leader_grades: list[str] = ()) -> dict[str, Any] | None:
    grades = [r.get("appraisal") for r in members if r.get("appraisal")] + list(leader_grades)
    if not grades:
        return None
    result: dict[str, Any] = {key: grades.count(word) for key, word in _GRADES}
    result["not_rated"] = grades.count("不评定")
    result["rated"] = sum(result[key] for key, _ in _GRADES)
    text = f"参加评定的党员{result['rated']}人"
    shown = [f"{word}{result[key]}人" for key, word in _GRADES if result[key]]
    if shown:
        text += "，其中" + join(shown)
    if result["not_rated"]:
        # "；不评定等次1人" after a semicolon had no subject; "另有" ties it to the sentence
        text += f"，另有{result['not_rated']}人不评定等次"
    result["text"] = text
    return result


# --- problems, causes, directions -------------------------------------------------------------

TEAM, PERSONAL = "支部班子", "党员个人"


def _problems(problems: list[dict], known_categories: tuple[str, ...] | list[str]) -> Context:
    """The 班子's problems by category (the only ones the 班子 materials print); members' only counted."""
    team = [r for r in problems if r.get("level") != PERSONAL]
    personal = [r for r in problems if r.get("level") == PERSONAL]
    categories = by_category(team, known_categories)
    personal_categories = [c["name"] for c in by_category(personal, known_categories)]
    return {
        "problem_count": len(problems),
        "branch_problem_count": len(team),
        "personal_problem_count": len(personal),
        "personal_people": len(unique(as_text(r.get("owner")) for r in personal)),
        "personal_categories": join([category_heading(c).removesuffix("方面") for c in personal_categories]),
        "problems": [problem_entry(r, i) for i, r in enumerate(problems, start=1)],
        "categories": categories,
        "all_categories": by_category(problems, known_categories),
        "category_count": len(categories),
        "category_count_cn": cn_number(len(categories)),
    }


def by_category(problems: list[dict], known_categories) -> list[dict[str, Any]]:
    """Problem rows grouped by category: the cycle's categories first, in its order; 一是/二是 within each."""
    by_category: dict[str, list[dict]] = {}
    for r in problems:
        by_category.setdefault(as_text(r.get("category")), []).append(r)
    order = [c for c in known_categories if c in by_category]
    order += [c for c in by_category if c not in order]  # categories not in the list keep their order
    return [_category(index, name, by_category[name]) for index, name in enumerate(order, start=1)]


def _category(index: int, name: str, rows: list[dict]) -> dict[str, Any]:
    items = [problem_entry(r, i) for i, r in enumerate(rows, start=1)]
    if len(items) == 1:  # "一是" with no "二是" after it reads as an unfinished list
        items[0]["lead"] = ""
    return {"num": cn_number(index), "index": index, "name": name, "heading": category_heading(name),
            "count": len(items), "problems": items}


def problem_entry(r: dict, n: int) -> dict[str, Any]:
    return {"lead": lead(n), "pid": as_text(r.get("pid")), "level": as_text(r.get("level")),
            "owner": as_text(r.get("owner")) if r.get("level") == PERSONAL else "",
            "category": as_text(r.get("category")), "summary": bare(r.get("summary")),
            "detail": sentence(r.get("detail")), "source": as_text(r.get("source"))}


def _causes_and_directions(rows: Rows) -> Context:
    return {
        "causes": [{"num": cn_number(i), "aspect": bare(r.get("aspect")), "content": sentence(r.get("content"))}
                   for i, r in enumerate(rows(CAUSES.key), start=1)],
        "directions": [{"num": cn_number(i), "lead": lead(i), "title": bare(r.get("title")),
                        "content": sentence(r.get("content"))}
                       for i, r in enumerate(rows(DIRECTIONS.key), start=1)],
    }


def _analyses(rows: list[dict], declared: list[str]) -> list[dict[str, Any]]:
    """典型案例剖析 and the cycle's 检视剖析 sections, in the order the cycle declared them.

    Only items with rows appear; several rows of one item are numbered （一）（二）.
    """
    by_item: dict[str, list[dict]] = {}
    for r in rows:
        by_item.setdefault(as_text(r.get("item")), []).append(r)
    order = [CASE_STUDY] + [d for d in declared if d != CASE_STUDY]
    order = [i for i in order if i in by_item] + [i for i in by_item if i not in order]
    out = []
    for name in order:
        entries = by_item[name]
        numbered = len(entries) > 1
        out.append({"num": "", "name": name, "heading": _analysis_heading(name), "entries": [
            {"lead": (f"（{cn_number(k)}）" if numbered else "") + (f"{bare(r.get('title'))}。" if r.get("title") else ""),
             "content": sentence(r.get("content"))}
            for k, r in enumerate(entries, start=1)]})
    return out


def _analysis_heading(name: str) -> str:
    """典型案例剖析 -> 典型案例剖析情况 (seed 002); a declared 检视剖析 keeps its name."""
    return name + "情况" if name == CASE_STUDY else name


# --- measures ----------------------------------------------------------------------------

def _measures(rows: list[dict], problems: list[dict], category_order: list[str]) -> Context:
    problem_of = {r.get("pid"): r for r in problems}
    position = {r.get("pid"): i for i, r in enumerate(problems)}
    # grouped by category (in the order the documents print them), then problem:
    # the 整改清单 merges the cells of a problem's rows
    rank = {c: i for i, c in enumerate(category_order)}
    measures = sorted(rows, key=lambda r: (
        rank.get(as_text(problem_of.get(r.get("pid"), {}).get("category")), len(rank)),
        position.get(r.get("pid"), len(problems))))
    covered = {r.get("pid") for r in rows}
    long_term = sum(1 for r in measures if r.get("deadline") == LONG_TERM)
    return {
        "measures": [measure_entry(seq, r, problem_of.get(r.get("pid"), {}))
                     for seq, r in enumerate(measures, start=1)],
        "measure_count": len(measures),
        "long_term_count": long_term,
        "dated_count": len(measures) - long_term,
        "done_count": sum(1 for r in measures if r.get("status") == "已完成"),
        # a problem with no measure yet: the report must not claim every problem has one
        "unplanned_count": sum(1 for r in problems if r.get("pid") not in covered),
        "personal_unplanned": sum(1 for r in problems if r.get("level") == PERSONAL and r.get("pid") not in covered),
    }


def measure_entry(seq: int, r: dict, prob: dict) -> dict[str, Any]:
    deadline = r.get("deadline")
    return {
        "seq": seq, "pid": as_text(r.get("pid")), "category": as_text(prob.get("category")),
        "summary": bare(prob.get("summary")), "measure": sentence(r.get("measure")),
        "owner": as_text(r.get("owner")),
        "deadline": LONG_TERM if deadline == LONG_TERM else as_text(deadline),
        "status": as_text(r.get("status")), "done_date": as_text(r.get("done_date")),
    }


# --- last time's rectification -------------------------------------------------------------

# Progress of a problem with several measures: the least advanced measure decides.
_PROGRESS = ("未启动", "推进中", LONG_TERM, "已完成")
_PROGRESS_TEXT = {"已完成": "已完成整改{}个", "推进中": "正在推进{}个", LONG_TERM: "需长期坚持{}个",
                  "未启动": "尚未启动{}个", "": "未注明进度{}个"}


def _previous(rows: list[dict]) -> Context:
    items = _previous_items(rows)
    return {"previous": items, "previous_count": len(items), "previous_text": _previous_text(items),
            "previous_open": _open_items(items)}


def _previous_items(rows: list[dict]) -> list[dict[str, Any]]:
    """上次整改情况 rows are one per measure: group them by problem (编号, else 概述)."""
    items: list[dict[str, Any]] = []
    by_key: dict[str, dict[str, Any]] = {}
    for r in rows:
        key = as_text(r.get("pid")) or bare(r.get("summary"))
        item = by_key.get(key) if key else None
        if item is None:
            item = {"index": len(items) + 1, "pid": as_text(r.get("pid")), "category": as_text(r.get("category")),
                    "summary": bare(r.get("summary")), "status": "", "measures": []}
            items.append(item)
            if key:
                by_key[key] = item
        item["measures"].append({"measure": sentence(r.get("measure")), "status": as_text(r.get("status")),
                                 "effect": sentence(r.get("effect"))})
    for item in items:
        item["status"] = _slowest(m["status"] for m in item["measures"])
        item["status_text"] = _STATUS_SAID.get(item["status"], "")
        # one status for the problem, its measures and effects each said once:
        # never "（已完成）整改措施：…（已完成）"
        item["measures_text"] = join([bare(m["measure"]) for m in item["measures"]], "；")
        item["effects_text"] = join([bare(m["effect"]) for m in item["measures"]], "；")
    return items


_STATUS_SAID = {"已完成": "已完成整改", "推进中": "正在推进", LONG_TERM: "需长期坚持", "未启动": "尚未启动"}


def _slowest(states) -> str:
    """The least advanced progress of a problem's measures; blank when one is not stated."""
    states = list(states)
    known = [s for s in states if s in _PROGRESS]
    return min(known, key=_PROGRESS.index) if known and len(known) == len(states) else ""


def _previous_text(items: list[dict]) -> str:
    return join([text.format(n) for status, text in _PROGRESS_TEXT.items()
                 if (n := sum(1 for i in items if i["status"] == status))])


def _open_items(items: list[dict]) -> list[dict[str, Any]]:
    """Last time's problems not yet closed, each with what was said of its progress (seed 003)."""
    out = []
    for item in items:
        if item["status"] == "已完成":
            continue
        said = [bare(m["effect"] or m["measure"]) for m in item["measures"] if m["status"] != "已完成"]
        out.append({"summary": item["summary"], "status": _STATUS_SAID.get(item["status"], "未注明进度"),
                    "text": "；".join(t for t in said if t)})
    return out


def _section_numbers(ctx: Context) -> dict[str, Any]:
    """对照检查材料 numbers only the parts that have content, in the order of documents.md."""
    keys = (["previous"] if ctx["previous"] else []) + ["preparation", "problems"]
    keys += [f"analysis{i}" for i, _ in enumerate(ctx["analyses"])]
    keys += (["causes"] if ctx["causes"] else []) + (["directions"] if ctx["directions"] else [])
    numbers = {k: cn_number(i) for i, k in enumerate(keys, start=1)}
    for i, a in enumerate(ctx["analyses"]):
        a["num"] = numbers.pop(f"analysis{i}")
    return numbers


def _report_section_numbers(ctx: Context) -> dict[str, str]:
    """情况报告: 上次整改落实情况 first when filled (seed 003), then the four fixed parts."""
    keys = (["previous"] if ctx["previous"] else []) + ["preparation", "meeting", "problems", "measures"]
    return {k: cn_number(i) for i, k in enumerate(keys, start=1)}
