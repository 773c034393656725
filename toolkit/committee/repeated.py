"""Repeated problems: 年年提、年年改、年年有.

A problem that closely repeats one the same branch listed last cycle means the
earlier rectification did not work, or the list was copied forward. Either way
the committee wants to see it. Comparison is per branch (a problem is only
compared with its own branch's previous problems), which keeps a 10,000-branch
cycle to a few thousand small matrix computations.

Scoring is rapidfuzz's normalised Indel similarity over the 问题概述 with
punctuation and blanks removed. Chinese needs no word segmentation for this:
rewordings keep most characters in order ("理论学习系统性不强" vs
"理论学习不够系统"), while unrelated problems of the same category share only
a few words. On the sample cycles (toolkit/sample_data.py) close rewordings
score 76-87, looser "same matter, new words" repeats 50-56 and unrelated
problems of the same branch at most 50; on a second hand-made set rewordings
score 79-89 and unrelated problems at most 33. 65 sits in the gap with room
on both sides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from toolkit.branch.read import Branch
from toolkit.committee.previous import PreviousCycle, text_key
from toolkit.core.keys import id_key, name_key
from toolkit.errors import Issue, IssueCode
from toolkit.messages import issue
from toolkit.schema.summary import PROBLEMS as SUMMARY_PROBLEMS
from toolkit.schema.workbooks import PROBLEMS

REPEAT_THRESHOLD = 65.0
# Very short summaries ("学习不够") match too much by chance.
MIN_CHARS = 6

# Keys accepted in problem mappings: ours, or the Chinese headers of 问题总表.
_ALIASES = {
    **{key: (key, SUMMARY_PROBLEMS.header(key)) for key in ("branch_id", "org_name", "pid", "summary", "category")},
    "where": ("where", "位置"),
}


@dataclass(frozen=True)
class ProblemRef:
    branch_id: str
    org_name: str
    pid: str
    summary: str
    category: str = ""
    where: str = ""  # e.g. 问题清单!E3 for a current problem, the source file for a previous one


@dataclass(frozen=True)
class Repeat:
    current: ProblemRef
    previous: ProblemRef
    score: float

    @property
    def reason(self) -> str:
        return (f"问题“{self.current.pid}”与上一次查摆的问题“{self.previous.pid} {self.previous.summary}”"
                f"高度相似（相似度 {self.score:.0f}%），请说明上次整改为何没有见效，"
                f"或写出这次的新情况、新表现")


def as_ref(problem: ProblemRef | Mapping[str, Any]) -> ProblemRef:
    if isinstance(problem, ProblemRef):
        return problem

    def get(key: str) -> str:
        for alias in _ALIASES[key]:
            value = problem.get(alias)
            if value not in (None, ""):
                return str(value)
        return ""

    return ProblemRef(branch_id=get("branch_id"), org_name=get("org_name"), pid=get("pid"),
                      summary=get("summary"), category=get("category"), where=get("where"))


def _group(problems: Iterable[ProblemRef]) -> dict[tuple[str, str], list[ProblemRef]]:
    groups: dict[tuple[str, str], list[ProblemRef]] = defaultdict(list)
    for p in problems:
        groups[(id_key(p.branch_id), name_key(p.org_name))].append(p)
    return groups


def find_repeats(current_problems: Iterable[ProblemRef | Mapping[str, Any]],
                 previous_problems: Iterable[ProblemRef | Mapping[str, Any]],
                 *, threshold: float = REPEAT_THRESHOLD) -> list[Repeat]:
    """Current problems that closely repeat a previous problem of the same branch.

    Problems are ProblemRef or mappings with branch_id/org_name/pid/summary
    (or 支部编号/党组织名称/问题编号/问题概述). Branches are matched by 支部编号,
    then by 党组织名称. Each current problem appears at most once, with its
    closest previous problem.
    """
    current = _group(as_ref(p) for p in current_problems)
    previous = _group(as_ref(p) for p in previous_problems)
    by_id: dict[str, list[ProblemRef]] = defaultdict(list)
    by_name: dict[str, list[ProblemRef]] = defaultdict(list)
    for (bid, name), rows in previous.items():
        if bid:
            by_id[bid].extend(rows)
        if name:
            by_name[name].extend(rows)
    found: list[Repeat] = []
    for (bid, name), rows in current.items():
        earlier = by_id.get(bid) if bid and bid in by_id else by_name.get(name) if name else None
        if earlier:
            found.extend(_match(rows, earlier, threshold))
    return found


def _match(rows: list[ProblemRef], earlier: list[ProblemRef], threshold: float) -> list[Repeat]:
    now_keys = [text_key(p.summary) for p in rows]
    old_keys = [text_key(p.summary) for p in earlier]
    scores = process.cdist(now_keys, old_keys, scorer=fuzz.ratio, score_cutoff=threshold,
                           dtype=np.float32)
    out = []
    for i, row in enumerate(scores):
        if len(now_keys[i]) < MIN_CHARS:
            continue
        j = int(row.argmax())
        if row[j] >= threshold and len(old_keys[j]) >= MIN_CHARS:
            out.append(Repeat(rows[i], earlier[j], float(row[j])))
    return out


# --- the check on one branch workbook ------------------------------------------------

def current_refs(branch: Branch) -> list[ProblemRef]:
    bid = branch.meta.get("支部编号", "") or ""
    name = branch.info.get("org_name") or ""
    return [ProblemRef(branch_id=bid, org_name=name, pid=r.get("pid") or "", summary=r["summary"],
                       category=r.get("category") or "",
                       where=branch.cell(PROBLEMS.key, r, "summary"))
            for r in branch.rows(PROBLEMS.key) if r.get("summary")]


def previous_refs(previous: PreviousCycle) -> list[ProblemRef]:
    return [ProblemRef(branch_id=b.branch_id, org_name=b.org_name, pid=p.get("pid") or "",
                       summary=p.get("summary") or "", category=p.get("category") or "", where=b.source)
            for b in previous.branches for p in b.problems if p.get("summary")]


def repeat_issues(repeats: Iterable[Repeat]) -> list[Issue]:
    """Warnings for 问题清单, one per repeated problem, on its 问题概述 cell."""
    return [issue(IssueCode.REPEATED_PROBLEM, PROBLEMS.name, r.current.where.split("!")[-1],
                  r.current.pid, reason=r.reason) for r in repeats]


def check_repeats(branch: Branch, previous: PreviousCycle) -> list[Issue]:
    return repeat_issues(find_repeats(current_refs(branch), previous_refs(previous)))


def counts_by_branch(repeats: Iterable[Repeat]) -> dict[tuple[str, str], int]:
    """Repeated problems per branch, keyed (支部编号, 党组织名称) as the current cycle names it."""
    out: dict[tuple[str, str], int] = defaultdict(int)
    for r in repeats:
        out[(r.current.branch_id, r.current.org_name)] += 1
    return dict(out)


# --- collect ---------------------------------------------------------------------------

def collected_repeats(records: list, previous: PreviousCycle) -> dict[int, list[Issue]]:
    """Repeat warnings for collect's BranchRecords, by the record's position in ``records``.

    The records are not changed: the collect workflow files the warnings in
    each record's issues and counts them per branch.
    """
    current = [ProblemRef(branch_id=rec.branch_id or "", org_name=rec.org_name or "", pid=p.pid or "",
                          summary=p.summary, category=p.category or "", where=f"{n}!{_where(p.row)}")
               for n, rec in enumerate(records) for p in rec.problems if p.summary]
    flags: dict[int, list[Issue]] = defaultdict(list)
    for r in find_repeats(current, previous_refs(previous)):
        n, cell = r.current.where.split("!", 1)
        flags[int(n)].append(issue(IssueCode.REPEATED_PROBLEM, PROBLEMS.name, cell, r.current.pid,
                                   reason=r.reason))
    return dict(flags)


def _where(row) -> str:
    """collect keeps a problem's Excel row (a number); older records kept its cell."""
    return f"第{row}行" if isinstance(row, int) else str(row or "")
