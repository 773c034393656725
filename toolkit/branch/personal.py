"""Each member's own material (个人对照检查材料), for every meeting kind: one builder.

A branch member's 个人对照检查材料 and a 班子成员's in a 民主生活会 say the same
things from the same rows: the member's own problems (问题清单 rows with 层级 =
党员个人 and 责任主体 = the member), grouped by category in the order the
documents print categories; the criticism the member received (相互批评 rows
whose 被批评人 is the member), the 班子 as critic named in the kind's words
(支部班子 / 班子); the measures of the member's problems, in the workbook's
order. What differs by kind is the template (schema/documents.py) and the
words (schema/meeting_kinds.py Terms). Pure: no I/O.
"""

from __future__ import annotations

from typing import Any

from toolkit.branch.context import Context, by_category, measure_entry, problem_entry
from toolkit.branch.read import Branch
from toolkit.core.wording import as_text, bare, cn_number, join, sentence
from toolkit.schema.meeting_kinds import Terms, kind_of
from toolkit.schema.workbooks import CRITICISMS, MEASURES, MEMBERS, PROBLEMS, TEAM_CRITIC

PERSONAL = "党员个人"
PROBATIONARY = "预备党员"


def comrade(name: str) -> str:
    """How running text names a person: 某某同志; the 班子 stays itself."""
    name = as_text(name)
    if not name or name == TEAM_CRITIC:
        return name
    return f"{name}同志"


def terms_of(branch: Branch) -> Terms:
    return kind_of(branch.info.get("meeting_type")).terms


def member_names(branch: Branch) -> list[str]:
    """Who gets a 个人对照检查材料: every roster member present, and anyone absent who has rows of their own."""
    own = {as_text(r.get("owner")) for r in branch.rows(PROBLEMS.key) if r.get("level") == PERSONAL}
    own |= {as_text(r.get("target")) for r in branch.rows(CRITICISMS.key)}
    names: list[str] = []
    for r in branch.rows(MEMBERS.key):
        name = as_text(r.get("name"))
        if name and name not in names and (r.get("present") is not False or name in own):
            names.append(name)
    return names


def called_by_name(branch: Branch) -> dict[str, str]:
    """{name: 党内职务、行政职务某某同志} for everyone on the roster."""
    return {m["name"]: m["called"] for m in (_person(r) for r in branch.rows(MEMBERS.key))}


def _person(r: dict) -> dict[str, Any]:
    name, role, post = as_text(r.get("name")), as_text(r.get("role")), bare(r.get("post"))
    title = join([t for t in (role, post) if t])
    return {"name": name, "comrade": comrade(name), "role": role, "post": post, "title": title,
            "called": f"{title}{name}同志" if title else f"{name}同志",
            "is_secretary": role.endswith("书记") and "副" not in role,
            "present": r.get("present") is not False, "probationary": r.get("category") == PROBATIONARY}


def member_material(branch: Branch, name: str, terms: Terms | None = None,
                    called: dict[str, str] | None = None) -> dict[str, Any]:
    """One member's own problems, criticism received and measures: their rows and nobody else's."""
    terms = terms or terms_of(branch)
    called = called if called is not None else called_by_name(branch)
    roster = next((r for r in branch.rows(MEMBERS.key) if as_text(r.get("name")) == name), {"name": name})
    member = _person(roster)
    problems = [r for r in branch.rows(PROBLEMS.key)
                if r.get("level") == PERSONAL and as_text(r.get("owner")) == name]
    categories = by_category(problems, branch.categories)
    problem_of = {r.get("pid"): r for r in problems}
    measures = [measure_entry(seq, r, problem_of[r.get("pid")]) for seq, r in enumerate(
        (r for r in branch.rows(MEASURES.key) if r.get("pid") in problem_of), start=1)]
    received = [_criticism(i, r, terms, called) for i, r in enumerate(
        (r for r in branch.rows(CRITICISMS.key) if as_text(r.get("target")) == name), start=1)]
    member.update(
        problems=[problem_entry(r, i) for i, r in enumerate(problems, start=1)], problem_count=len(problems),
        categories=categories, problem_areas=join([c["heading"] for c in categories]),
        criticisms=received, criticism_count=len(received),
        measures=measures, measure_count=len(measures))
    member["missing"] = _missing(member)
    member["sec"] = {k: cn_number(i) for i, k in enumerate(("problems", "criticisms", "measures"), start=1)}
    return member


def _criticism(i: int, r: dict, terms: Terms, called: dict[str, str]) -> dict[str, Any]:
    critic = as_text(r.get("critic"))
    team = critic == TEAM_CRITIC  # the 班子 as a whole, in the kind's words
    return {"seq": i, "critic": critic, "critic_name": terms.team if team else comrade(critic),
            "critic_called": terms.team if team else called.get(critic, comrade(critic)),
            "target": as_text(r.get("target")), "target_name": comrade(r.get("target")),
            "content": sentence(r.get("content")), "response": sentence(r.get("response"))}


def _missing(member: dict[str, Any]) -> str:
    """What the member still has to hand in: said in the material, never an empty document."""
    if not member["problem_count"]:
        return "问题清单中尚无本人的问题（层级“党员个人”、责任主体为本人）"
    if not member["measure_count"]:
        return "整改台账中尚无针对本人问题的整改措施"
    return ""


def personal_context(branch: Branch, name: str, base: Context) -> Context:
    """The shared context with one member's material as ``member`` (``person`` names the same)."""
    member = member_material(branch, name)
    return {**base, "member": member, "person": member}
