"""Each 会议类型 declared once: its words, whether 民主评议党员 applies, its documents (schema/documents.py).

A branch's 组织生活会 and a leadership team's 民主生活会 are the same workbook with
other words and other documents. Everything that differs by meeting kind is read
from the ``MeetingKind`` here (``kind_of(会议类型)``), never decided by an ``if``
on the meeting's name elsewhere: a fourth kind (say a 党委's own 组织生活会) is one
more entry in ``KINDS``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from toolkit.schema.documents import Document, documents_for


@dataclass(frozen=True)
class Terms:
    """The words the documents, the 填写说明 and the check messages use for a kind."""

    unit: str        # who holds the meeting: 支部 / 班子
    team: str        # the collective whose problems are listed: 支部班子 / 班子
    member: str      # the people of the meeting: 党员 / 班子成员
    secretary: str   # who speaks for the unit: 支部书记 / 党组书记
    assembly: str    # the meeting as a body: 党员大会 / 民主生活会
    previous: str    # last time's meeting: 上一次组织生活会 / 上年度民主生活会
    owner: str       # who answers for a measure: 责任人 / 责任领导
    workbook: str    # the workbook's name in its 填写说明: 组织生活会支部填报表 / 民主生活会填报表
    # How the workbook's help and the check messages are reworded for this kind, longest
    # phrase first; a phrase mapped to itself is kept (a header, a value, a fixed term).
    # Text between “ ” is a value or a header the user sees in the workbook: never reworded.
    rewording: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if isinstance(v, str)}

    def speak(self, text: str, keep: tuple[str, ...] = ()) -> str:
        """``text`` in this kind's words; quoted text and the strings in ``keep`` (names) stay as they are."""
        if not self.rewording or not text:
            return text
        table = dict(self.rewording)
        pattern = _alternatives(tuple(k for k, _ in self.rewording))
        parts = _kept(tuple(keep)).split(text)
        return "".join(part if i % 2 else pattern.sub(lambda m: table[m.group(0)], part)
                       for i, part in enumerate(parts))


@functools.lru_cache(maxsize=8)
def _alternatives(words: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in words))


@functools.lru_cache(maxsize=8)
def _kept(keep: tuple[str, ...]) -> re.Pattern:
    """Quoted text and the ``keep`` strings, longest first, as one capturing group."""
    kept = [r"“[^”]*”"] + [re.escape(k) for k in sorted(set(keep), key=len, reverse=True) if k]
    return re.compile("(" + "|".join(kept) + ")")


BRANCH_TERMS = Terms(unit="支部", team="支部班子", member="党员", secretary="支部书记", assembly="党员大会",
                     previous="上一次组织生活会", owner="责任人", workbook="组织生活会支部填报表")
LEADERSHIP_TERMS = Terms(
    unit="班子", team="班子", member="班子成员", secretary="党组书记", assembly="民主生活会",
    previous="上年度民主生活会", owner="责任领导", workbook="民主生活会填报表",
    rewording=(
        # kept: fixed terms, headers and values of the workbook
        ("民主评议党员", "民主评议党员"), ("预备党员", "预备党员"), ("党员类别", "党员类别"),
        ("党员个人", "党员个人"), ("党员领导干部", "党员领导干部"), ("上级党组织", "上级党组织"),
        ("党组织", "党组织"),
        # reworded
        ("支部班子成员之间、班子成员与党员之间", "班子成员之间"),
        ("党支部", "领导班子"), ("本支部人员", "班子成员"), ("支部填报表", "民主生活会填报表"), ("支部班子", "班子"),
        ("支部书记", "党组（党委）书记"), ("支委委员", "班子成员"), ("党员大会", "民主生活会"),
        ("支部大会", "党组（党委）会议"), ("组织生活会", "民主生活会"), ("正式党员", "班子成员"),
        ("参评党员", "参评人员"), ("支部", "班子"), ("党员", "班子成员"),
    ))

# The documents of each kind are declared with every other document in schema/documents.py.
BRANCH_DOCUMENTS = tuple(d for d in documents_for("组织生活会") if d.core)
LEADERSHIP_DOCUMENTS = tuple(d for d in documents_for("民主生活会") if d.core)


@dataclass(frozen=True)
class MeetingKind:
    """``context`` names the base context builder (``branch`` or ``leadership``) the render uses.

    ``documents``: what a render writes for the kind, from the one table (schema/documents.py).
    """

    name: str
    terms: Terms
    appraisal: bool
    documents: tuple[Document, ...]
    context: str = "branch"
    # words a document of this kind must not carry unless the user typed them
    foreign_words: tuple[str, ...] = field(default=())


KINDS: dict[str, MeetingKind] = {k.name: k for k in (
    MeetingKind("组织生活会", BRANCH_TERMS, appraisal=True, documents=documents_for("组织生活会")),
    MeetingKind("专题组织生活会", BRANCH_TERMS, appraisal=True, documents=documents_for("专题组织生活会")),
    MeetingKind("民主生活会", LEADERSHIP_TERMS, appraisal=False, documents=documents_for("民主生活会"),
                context="leadership", foreign_words=("支部", "党员大会", "民主评议党员")),
)}
DEFAULT_KIND = KINDS["组织生活会"]


def kind_of(meeting_type: object) -> MeetingKind:
    """The kind a 会议类型 value declares; an unknown or blank one reads as a branch's 组织生活会."""
    return KINDS.get(str(meeting_type or "").strip(), DEFAULT_KIND)
