"""民主评议党员: from the vote counts to each member's proposed 等次. Pure, no I/O.

The rule, as the 填写说明 states it (schema.workbooks.TALLY_RULE_TEXT):

- a grade is proposed when more than half of the valid ballots give that grade
  or a better one, taking the best such grade (优秀 needs a majority of 优秀
  votes, 合格 a majority of 优秀 + 合格 votes, ...); with no majority at any
  grade the proposal is 不合格;
- 优秀 goes to at most one third of the members graded (rounded down), those
  with the most 优秀 votes first; members tied on the last places are all held
  back to 合格 and named, so the 支部大会 decides between them;
- 预备党员 are 不评定.

The proposal is advice: the secretary's 民主评议等次 in 参会人员 stands.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from toolkit.schema.workbooks import GRADES, NOT_GRADED

EXCELLENT, QUALIFIED = GRADES[0], GRADES[1]


@dataclass(frozen=True)
class Ballot:
    """One member's vote counts, best grade first (优秀, 合格, 基本合格, 不合格)."""

    name: str
    votes: tuple[int, int, int, int]
    probationary: bool = False


@dataclass(frozen=True)
class Proposal:
    name: str
    proposed: str
    # The grade the majority alone gives, before the one-third cap on 优秀.
    majority: str


@dataclass
class Tally:
    proposals: list[Proposal]
    graded: int  # members who receive a grade (预备党员 do not)
    cap: int  # most 优秀 allowed
    tied: list[str] = field(default_factory=list)  # tied at the cap, held back to 合格
    tied_votes: int = 0
    places_left: int = 0  # 优秀 places the tied members compete for

    def of(self, name: str) -> str | None:
        return next((p.proposed for p in self.proposals if p.name == name), None)


def majority_grade(votes: Sequence[int], valid: int) -> str:
    """The best grade that more than half of ``valid`` ballots give or exceed."""
    running = 0
    for grade, count in zip(GRADES, votes):
        running += count
        if running * 2 > valid:
            return grade
    return GRADES[-1]


def excellent_cap(graded: int) -> int:
    """优秀 is at most one third of the members graded."""
    return graded // 3


def tally(ballots: Iterable[Ballot], valid: int) -> Tally:
    """Proposals in the order of ``ballots`` (names assumed distinct)."""
    ballots = list(ballots)
    graded = [b for b in ballots if not b.probationary]
    cap = excellent_cap(len(graded))
    majority = {b.name: majority_grade(b.votes, valid) for b in graded}
    # Most 优秀 votes first; sorted() is stable, so equal counts keep the sheet's order.
    candidates = sorted((b for b in graded if majority[b.name] == EXCELLENT), key=lambda b: -b.votes[0])
    result = Tally(proposals=[], graded=len(graded), cap=cap)
    if len(candidates) <= cap:
        keep = {b.name for b in candidates}
    else:
        boundary = candidates[cap].votes[0]  # the best of those left out
        above = [b for b in candidates if b.votes[0] > boundary]
        keep = {b.name for b in above}
        if len(above) < cap:  # the last places go to members with equal votes: undecidable
            result.tied = [b.name for b in candidates if b.votes[0] == boundary]
            result.tied_votes = boundary
            result.places_left = cap - len(above)
    for b in ballots:
        if b.probationary:
            result.proposals.append(Proposal(b.name, NOT_GRADED, NOT_GRADED))
            continue
        grade = majority[b.name]
        proposed = QUALIFIED if grade == EXCELLENT and b.name not in keep else grade
        result.proposals.append(Proposal(b.name, proposed, grade))
    return result
