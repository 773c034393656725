"""The 民主评议 tally rule on planted counts (branch/appraisal.py, pure)."""

from __future__ import annotations

import pytest

from toolkit.branch.appraisal import Ballot, excellent_cap, majority_grade, tally


def proposed(result) -> dict[str, str]:
    return {p.name: p.proposed for p in result.proposals}


@pytest.mark.parametrize("votes, valid, grade", [
    ((6, 4, 0, 0), 10, "优秀"),  # 6 of 10 give 优秀
    ((5, 5, 0, 0), 10, "合格"),  # exactly half is not more than half
    ((2, 4, 0, 0), 10, "合格"),  # 优秀 + 合格 = 6
    ((1, 2, 3, 4), 10, "基本合格"),  # 1 + 2 + 3 = 6
    ((0, 1, 3, 6), 10, "不合格"),  # 不合格 is the majority
    ((1, 1, 1, 0), 10, "不合格"),  # no majority at any grade (7 blank ballots)
    ((0, 0, 0, 0), 9, "不合格"),
    ((5, 0, 0, 0), 9, "优秀"),  # 5 of 9
])
def test_majority_grade(votes, valid, grade):
    assert majority_grade(votes, valid) == grade


@pytest.mark.parametrize("graded, cap", [(0, 0), (2, 0), (3, 1), (8, 2), (9, 3), (10, 3), (27, 9)])
def test_excellent_cap_is_one_third_rounded_down(graded, cap):
    assert excellent_cap(graded) == cap


def test_majority_picks_the_best_grade_with_a_majority():
    result = tally([Ballot("甲", (7, 3, 0, 0)), Ballot("乙", (3, 6, 1, 0)), Ballot("丙", (0, 2, 5, 3)),
                    Ballot("丁", (0, 1, 2, 7))], valid=10)
    # 4 graded: one 优秀 place, 甲 takes it
    assert proposed(result) == {"甲": "优秀", "乙": "合格", "丙": "基本合格", "丁": "不合格"}
    assert result.cap == 1 and result.tied == []


def test_one_third_cap_goes_to_most_excellent_votes():
    ballots = [Ballot(f"党员{i}", (6 + i, 10 - 6 - i, 0, 0)) for i in range(4)]  # 6..9 优秀 of 10
    ballots += [Ballot(f"党员{i}", (1, 9, 0, 0)) for i in range(4, 9)]
    result = tally(ballots, valid=10)
    assert result.graded == 9 and result.cap == 3
    got = proposed(result)
    assert [n for n, g in got.items() if g == "优秀"] == ["党员1", "党员2", "党员3"]
    assert got["党员0"] == "合格"  # a 优秀 majority, but fourth in 优秀 votes
    assert result.tied == []
    assert {p.name: p.majority for p in result.proposals}["党员0"] == "优秀"


def test_tie_at_the_cap_holds_the_tied_members_back_and_names_them():
    ballots = [Ballot("甲", (9, 1, 0, 0)), Ballot("乙", (7, 3, 0, 0)), Ballot("丙", (7, 3, 0, 0)),
               Ballot("丁", (7, 3, 0, 0))]
    ballots += [Ballot(f"党员{i}", (0, 10, 0, 0)) for i in range(5)]
    result = tally(ballots, valid=10)
    assert result.cap == 3
    assert result.tied == ["乙", "丙", "丁"] and result.tied_votes == 7 and result.places_left == 2
    got = proposed(result)
    assert got["甲"] == "优秀"
    assert got["乙"] == got["丙"] == got["丁"] == "合格"


def test_no_tie_when_the_cap_falls_between_different_counts():
    ballots = [Ballot("甲", (9, 1, 0, 0)), Ballot("乙", (8, 2, 0, 0)), Ballot("丙", (6, 4, 0, 0)),
               Ballot("丁", (6, 4, 0, 0))] + [Ballot(f"党员{i}", (0, 10, 0, 0)) for i in range(2)]
    result = tally(ballots, valid=10)  # 6 graded, 2 places
    assert result.tied == []
    assert [n for n, g in proposed(result).items() if g == "优秀"] == ["甲", "乙"]


def test_probationary_members_are_not_graded_and_not_counted_for_the_cap():
    ballots = [Ballot("甲", (8, 2, 0, 0)), Ballot("乙", (7, 3, 0, 0)), Ballot("丙", (1, 9, 0, 0)),
               Ballot("预备", (9, 1, 0, 0), probationary=True)]
    result = tally(ballots, valid=10)
    assert result.graded == 3 and result.cap == 1
    assert proposed(result) == {"甲": "优秀", "乙": "合格", "丙": "合格", "预备": "不评定"}


def test_no_majority_anywhere_is_unqualified():
    result = tally([Ballot("甲", (1, 1, 1, 1)), Ballot("乙", (0, 10, 0, 0))], valid=10)
    assert proposed(result) == {"甲": "不合格", "乙": "合格"}


def test_proposals_keep_the_sheet_order():
    names = ["王", "李", "张", "赵", "刘", "陈"]
    result = tally([Ballot(n, (i, 10 - i, 0, 0)) for i, n in enumerate(names)], valid=10)
    assert [p.name for p in result.proposals] == names
