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
from toolkit.core.values import format_date
from toolkit.core.wording import (
    TITLE_LINE_WIDTH,
    as_text,
    bare,
    category_heading,
    cn_number,
    join,
    lead,
    sentence,
    strip_numbering,
    text_lines,
    title_width,
    unique,
)
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

Rows = Callable[[str], list[dict]]
Context = dict[str, Any]


def build_context(branch: Branch, today: dt.date | None = None) -> Context:
    """Every value the templates use, computed from the rows of a checked branch."""
    info, rows = branch.info, branch.rows
    ctx: Context = {}
    ctx.update(_header(info, today))
    studies, opinions, talks = rows(STUDIES.key), rows(OPINIONS.key), rows(TALKS.key)
    ctx.update(_studies(studies))
    ctx.update(_opinions(opinions))
    ctx.update(_talks(talks))
    ctx.update(_preparation(info, studies, opinions, talks))
    members = rows(MEMBERS.key)
    ctx.update(_attendance(members))
    ctx.update(_guests(rows(GUESTS.key)))
    ctx.update(_agenda(info))
    ctx["appraisal"] = _appraisal(members)
    problems = rows(PROBLEMS.key)
    ctx.update(_problems(problems, branch.categories))
    ctx.update(_causes_and_directions(rows))
    ctx.update(_measures(rows(MEASURES.key), problems, [c["name"] for c in ctx["categories"]]))
    ctx.update(_previous(rows(PREVIOUS.key)))
    ctx["sec"] = _section_numbers(ctx)
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
    # The templates break a long title into two lines at a fixed meaning boundary
    # (GB/T 9704 梯形 title): after the year for 情况报告, after the branch's name for 对照检查材料.
    ctx["title_break"] = {
        "report": title_width(f"关于召开{ctx['year']}年度{ctx['meeting_type']}情况的报告") > TITLE_LINE_WIDTH,
        "check": title_width(f"{ctx['org']}{ctx['year']}年度{ctx['meeting_type']}对照检查材料") > TITLE_LINE_WIDTH,
    }
    return ctx


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


def _talks(talks: list[dict]) -> Context:
    return {
        "talks": [{"date": as_text(r.get("date")), "talker": as_text(r.get("talker")),
                   "talkee": as_text(r.get("talkee")), "content": sentence(r.get("content"))}
                  for r in talks],
        "talk_count": len(talks),
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

def _attendance(members: list[dict]) -> Context:
    absent = [r for r in members if r.get("present") is False]
    absentees = [{"name": as_text(r.get("name")), "reason": bare(r.get("absence_reason")).lstrip("因")}
                 for r in absent]
    return {
        "expected": len(members),
        "present": sum(1 for r in members if r.get("present") is True),
        "absent_count": len(absent),
        "absentees": absentees,
        "absent_text": _absent_text(absentees),
    }


def _absent_text(absentees: list[dict]) -> str:
    if not absentees:
        return ""
    return join([f"{a['name']}同志因{a['reason']}" if a["reason"] else f"{a['name']}同志"
                 for a in absentees]) + "未参会"


_GUEST_VERBS = {"出席指导": "到会指导", "列席": "列席会议", "以普通党员身份参加": "以普通党员身份参加会议"}


def _guests(rows: list[dict]) -> Context:
    guests = [{"name": as_text(r.get("name")), "title": bare(r.get("title")), "mode": as_text(r.get("mode"))}
              for r in rows]
    return {"guests": guests, "guest_text": _guest_text(guests)}


def _guest_text(guests: list[dict]) -> str:
    parts = []
    for mode, verb in _GUEST_VERBS.items():
        people = [f"{g['title']}{g['name']}同志" for g in guests if g["mode"] == mode]
        if people:
            parts.append(join(people) + verb)
    return "，".join(parts)


def _agenda(info: dict[str, Any]) -> Context:
    agenda = [bare(strip_numbering(line)) for line in text_lines(info.get("agenda"))]
    agenda = [a for a in agenda if a]
    return {
        "agenda": [{"lead": lead(i), "text": a} for i, a in enumerate(agenda, start=1)],
        "agenda_count": len(agenda),
        "agenda_count_cn": cn_number(len(agenda)),
    }


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
        text += "，其中" + join(shown)
    if result["not_rated"]:
        # "；不评定等次1人" after a semicolon had no subject; "另有" ties it to the sentence
        text += f"，另有{result['not_rated']}人不评定等次"
    result["text"] = text
    return result


# --- problems, causes, directions -------------------------------------------------------------

def _problems(problems: list[dict], known_categories: tuple[str, ...] | list[str]) -> Context:
    by_category: dict[str, list[dict]] = {}
    for r in problems:
        by_category.setdefault(as_text(r.get("category")), []).append(r)
    order = [c for c in known_categories if c in by_category]
    order += [c for c in by_category if c not in order]  # categories not in the list keep their order
    return {
        "problem_count": len(problems),
        "branch_problem_count": sum(1 for r in problems if r.get("level") == "支部班子"),
        "personal_problem_count": sum(1 for r in problems if r.get("level") == "党员个人"),
        "problems": [_problem(r, i) for i, r in enumerate(problems, start=1)],
        "categories": [_category(index, name, by_category[name]) for index, name in enumerate(order, start=1)],
        "category_count": len(order),
        "category_count_cn": cn_number(len(order)),
    }


def _category(index: int, name: str, rows: list[dict]) -> dict[str, Any]:
    items = [_problem(r, i) for i, r in enumerate(rows, start=1)]
    if len(items) == 1:  # "一是" with no "二是" after it reads as an unfinished list
        items[0]["lead"] = ""
    return {"num": cn_number(index), "index": index, "name": name, "heading": category_heading(name),
            "count": len(items), "problems": items}


def _problem(r: dict, n: int) -> dict[str, Any]:
    return {"lead": lead(n), "pid": as_text(r.get("pid")), "level": as_text(r.get("level")),
            "owner": as_text(r.get("owner")) if r.get("level") == "党员个人" else "",
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
    return {
        "measures": [_measure(seq, r, problem_of.get(r.get("pid"), {}))
                     for seq, r in enumerate(measures, start=1)],
        "measure_count": len(measures),
        "long_term_count": sum(1 for r in measures if r.get("deadline") == LONG_TERM),
        "done_count": sum(1 for r in measures if r.get("status") == "已完成"),
    }


def _measure(seq: int, r: dict, prob: dict) -> dict[str, Any]:
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
_PROGRESS_TEXT = {"已完成": "已完成整改{}条", "推进中": "正在推进{}条", LONG_TERM: "需长期坚持{}条",
                  "未启动": "尚未启动{}条", "": "未注明进度{}条"}


def _previous(rows: list[dict]) -> Context:
    items = _previous_items(rows)
    return {"previous": items, "previous_count": len(items), "previous_text": _previous_text(items)}


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
    return items


def _slowest(states) -> str:
    """The least advanced progress of a problem's measures; blank when one is not stated."""
    states = list(states)
    known = [s for s in states if s in _PROGRESS]
    return min(known, key=_PROGRESS.index) if known and len(known) == len(states) else ""


def _previous_text(items: list[dict]) -> str:
    return join([text.format(n) for status, text in _PROGRESS_TEXT.items()
                 if (n := sum(1 for i in items if i["status"] == status))])


def _section_numbers(ctx: Context) -> dict[str, str]:
    """对照检查材料 numbers only the parts that have content."""
    sections = (["previous"] if ctx["previous"] else []) + ["problems"] \
        + (["causes"] if ctx["causes"] else []) + (["directions"] if ctx["directions"] else [])
    return {k: cn_number(i) for i, k in enumerate(sections, start=1)}
