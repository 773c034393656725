"""A checked branch -> the values of the meeting's other documents.

The three branch documents come from ``context.build_context``; the documents
declared in ``schema/documents.py`` besides them (each member's 个人对照检查材料,
签到表, 会议记录, 征求意见表, the 民主评议 ballot, result and 公示, the
整改落实情况报告) use that context plus the keys built here, declared in
``schema/variables.py`` (PAPERWORK_VARIABLES, MEMBER_VARIABLES). Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from toolkit.branch.context import Context, build_context
from toolkit.branch.personal import comrade, member_names, personal_context
from toolkit.branch.read import Branch
from toolkit.branch.validate import ballot_tally
from toolkit.core.status import ST_DONE, ST_DUE_SOON, ST_LONG, ST_NO_DEADLINE, ST_NORMAL, ST_OVERDUE, measure_status
from toolkit.core.values import format_date
from toolkit.core.wording import as_text, bare, join, lead, sentence
from toolkit.schema.workbooks import (
    BALLOT_COUNTS,
    BALLOT_KEYS,
    CRITICISMS,
    GRADES,
    GUESTS,
    LONG_TERM,
    MEASURES,
    MEMBERS,
    NOT_GRADED,
    PROBLEMS,
    TEAM_CRITIC,
)

PERSONAL = "党员个人"
PROBATIONARY = "预备党员"
__all__ = ["comrade", "member_names", "paperwork_context", "personal_context", "progress_context"]
# The usual order of speaking: the 书记 for the 班子, then the 委员, then the members.
ROLE_ORDER = ("书记", "副书记", "组织委员", "宣传委员", "纪检委员", "委员")
DIMENSIONS = ("理想信念", "政治理论素质", "组织纪律", "廉洁自律", "联系服务群众", "发挥先锋模范作用")
OPINION_FORM_ROWS = 8
PUBLICITY_DAYS = 5
RULED_LINES = 6


def paperwork_context(branch: Branch, base: Context | None = None, today: dt.date | None = None) -> Context:
    """Every value of the meeting-day and 民主评议 documents: the branch context plus their own keys."""
    ctx = dict(base if base is not None else build_context(branch, today))
    members = branch.rows(MEMBERS.key)
    ctx["signin"] = _signin(members, branch.rows(GUESTS.key))
    ctx["speakers"] = _speakers(members)
    ctx["criticisms"] = [_criticism(i, r) for i, r in enumerate(branch.rows(CRITICISMS.key), start=1)]
    ctx["criticism_count"] = len(ctx["criticisms"])
    ctx["ruled_lines"] = [""] * RULED_LINES
    ctx["opinion_rows"] = list(range(1, OPINION_FORM_ROWS + 1))
    ctx["host_name"] = comrade(ctx.get("host", ""))
    ctx["ballot"] = _ballot(branch, members, ctx)
    ctx["result"] = _result(branch, members, ctx)
    return ctx


# --- sign-in sheet and minutes -------------------------------------------------------------

def _rank(row: dict) -> int:
    role = as_text(row.get("role"))
    return ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)


def _signin(members: list[dict], guests: list[dict]) -> Context:
    return {
        "members": [{"seq": i, "name": as_text(r.get("name")), "role": as_text(r.get("role")),
                     "note": "" if r.get("present") is not False else "缺席"}
                    for i, r in enumerate(members, start=1)],
        "guests": [{"seq": i, "name": as_text(r.get("name")), "title": bare(r.get("title")),
                    "mode": as_text(r.get("mode"))} for i, r in enumerate(guests, start=1)],
    }


def _speakers(members: list[dict]) -> list[dict[str, Any]]:
    """Those present, in the order they speak; sorted() keeps the roster's order within a rank."""
    present = sorted((r for r in members if r.get("present") is not False), key=_rank)
    out = []
    for i, r in enumerate(present, start=1):
        role = as_text(r.get("role"))
        what = "代表支部班子作对照检查，并作个人对照检查" if role == "书记" else "作个人对照检查"
        out.append({"seq": i, "name": as_text(r.get("name")), "role": role,
                    "text": f"{role if role != '党员' else ''}{comrade(r.get('name'))}{what}"})
    return out


def _criticism(i: int, r: dict) -> dict[str, Any]:
    critic = as_text(r.get("critic"))
    return {"seq": i, "critic": critic, "critic_name": comrade(critic) if critic != TEAM_CRITIC else "支部班子",
            "target": as_text(r.get("target")), "target_name": comrade(r.get("target")),
            "content": sentence(r.get("content")), "response": sentence(r.get("response"))}


# --- 民主评议 -------------------------------------------------------------------------------

def _ballot(branch: Branch, members: list[dict], ctx: Context) -> Context:
    rows = [{"seq": i, "name": as_text(r.get("name")), "graded": r.get("category") != PROBATIONARY}
            for i, r in enumerate(members, start=1)]
    valid = branch.info.get("valid_ballots")
    return {
        "members": rows,
        "graded_count": sum(1 for r in rows if r["graded"]),
        "probationary_count": sum(1 for r in rows if not r["graded"]),
        # one ballot per member present (and per guest taking part as an ordinary member)
        "copies": valid if isinstance(valid, int) and valid > 0 else ctx.get("present", 0),
        "dimensions": list(DIMENSIONS),
        "grades": list(GRADES),
    }


def _result(branch: Branch, members: list[dict], ctx: Context) -> Context | None:
    """Each member's 等次: what the secretary typed, else the tally's proposal."""
    votes = {as_text(r.get("name")): r for r in branch.rows(BALLOT_COUNTS.key)}
    tally = ballot_tally(branch)[1] if votes else None
    typed = {as_text(r.get("name")): as_text(r.get("appraisal")) for r in members}
    if tally is None and not any(typed.values()):
        return None
    proposals = {p.name: p.proposed for p in tally.proposals} if tally else {}
    rows = [_result_row(i, r, votes, proposals, typed) for i, r in enumerate(members, start=1)]
    counts = {g: sum(1 for r in rows if r["grade"] == g) for g in (*GRADES, NOT_GRADED)}
    return {
        "members": rows,
        "valid": branch.info.get("valid_ballots") or "",
        "counts": [{"grade": g, "count": n} for g, n in counts.items()],
        "text": "，".join(f"{g}{n}人" for g, n in counts.items() if n),
        "excellent": join([comrade(r["name"]) for r in rows if r["grade"] == GRADES[0]]),
        "flagged": [{"name": comrade(r["name"]), "grade": r["grade"]} for r in rows if r["grade"] in GRADES[2:]],
        **_publicity(branch.report_date),  # 报告日期, else the 召开日期 (required): never today
        "contact": _contact(members),
    }


CONTACT_ROLES = ("书记", "组织委员")  # who answers for the 公示: 基本信息 has no contact field


def _contact(members: list[dict]) -> str:
    """The 公示's 联系人: the branch's 书记, else its 组织委员 (某某同志); '' when the roster has neither."""
    for role in CONTACT_ROLES:
        name = next((as_text(r.get("name")) for r in members if as_text(r.get("role")) == role), "")
        if name:
            return comrade(name)
    return ""


def _result_row(i: int, r: dict, votes: dict[str, dict], proposals: dict[str, str],
                typed: dict[str, str]) -> dict[str, Any]:
    name = as_text(r.get("name"))
    proposed = proposals.get(name, "")
    mine = typed.get(name, "")
    grade = mine or proposed or (NOT_GRADED if r.get("category") == PROBATIONARY else "")
    counts = [votes[name].get(k) or 0 for k in BALLOT_KEYS] if name in votes else ["", "", "", ""]
    return {"seq": i, "name": name, "votes": counts, "proposed": proposed, "grade": grade,
            "typed": bool(mine) and mine != proposed}


def _publicity(start: dt.date | None) -> Context:
    if start is None:
        return {"publicity_start": "", "publicity_end": "", "publicity_days": PUBLICITY_DAYS}
    return {"publicity_start": format_date(start),
            "publicity_end": format_date(start + dt.timedelta(days=PUBLICITY_DAYS - 1)),
            "publicity_days": PUBLICITY_DAYS}


# --- each member's own material: branch/personal.py (one builder for every meeting kind) -------

# --- 整改落实情况报告 as of a date -------------------------------------------------------------

def _state(r: dict, as_of: dt.date) -> str:
    done_date = r.get("done_date")
    status = r.get("status")
    if isinstance(done_date, dt.date) and done_date > as_of:  # done later than the report's date
        status, done_date = "推进中", None
    return measure_status(r.get("deadline"), status, done_date, as_of)


_IN_PROGRESS = (ST_DUE_SOON, ST_NORMAL, ST_NO_DEADLINE)


def progress_context(branch: Branch, base: Context, as_of: dt.date) -> Context:
    """How each problem's measures stand on ``as_of``: done, in progress, overdue, long-term, counted."""
    problems = branch.rows(PROBLEMS.key)
    by_pid: dict[Any, list[dict]] = {}
    for r in branch.rows(MEASURES.key):
        by_pid.setdefault(r.get("pid"), []).append(r)
    items = []
    states: list[str] = []
    for r in problems:
        rows = by_pid.get(r.get("pid"), [])
        measures = []
        for m in rows:
            state = _state(m, as_of)
            states.append(state)
            measures.append({"measure": sentence(m.get("measure")), "owner": as_text(m.get("owner")),
                             "deadline": LONG_TERM if m.get("deadline") == LONG_TERM else as_text(m.get("deadline")),
                             "state": state, "evidence": sentence(m.get("evidence")),
                             "done_date": as_text(m.get("done_date")) if state == ST_DONE else ""})
        items.append({"index": len(items) + 1, "lead": lead(len(items) + 1), "pid": as_text(r.get("pid")),
                      "level": as_text(r.get("level")),
                      "owner": comrade(r.get("owner")) if r.get("level") == PERSONAL else "",
                      "category": as_text(r.get("category")), "summary": bare(r.get("summary")),
                      "measures": measures})
    counts = {"done": states.count(ST_DONE), "overdue": states.count(ST_OVERDUE),
              "long_term": states.count(ST_LONG), "in_progress": sum(states.count(s) for s in _IN_PROGRESS),
              "due_soon": states.count(ST_DUE_SOON)}
    text = join([f"{label}{counts[k]}条" for k, label in (("done", "已完成"), ("in_progress", "正在推进"),
                                                          ("overdue", "已超过整改时限"), ("long_term", "需长期坚持"))
                  if counts[k]])
    progress = {"as_of": format_date(as_of), "measure_count": len(states), "problem_count": len(items),
                "problems": items, "text": text, **counts}
    return {**base, "progress": progress}
