"""Time the repeated-problem check of a 10,000-branch cycle against its previous cycle.

What collect adds with --previous-cycle: reading the previous cycle (here its
汇总表.xlsx, 问题总表 and 整改总台账) and matching every branch's problems
against its own previous ones. Target: ≤ 30 s on the 2-core machine.

    .venv/bin/python scripts/bench_repeated.py [--branches 10000] [--problems 8]

Problems are the sample cycles' 问题概述 with random edits, so string lengths and
vocabulary are realistic; one in eight current problems is a planted rewording.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

from toolkit.committee.previous import load_previous
from toolkit.committee.repeated import ProblemRef, find_repeats, previous_refs
from toolkit.core import sample_data as sd

POOL = sorted({p["问题概述"] for src in (sd.BRANCHES, sd.PREVIOUS_BRANCHES) for b in src.values()
               for p in b["问题清单"]})
FILLER = "的了在和与及对不够较为存在问题工作学习党员支部落实制度作风意识能力服务群众"


def mutate(text: str, rng: random.Random, edits: int) -> str:
    chars = list(text)
    for _ in range(edits):
        i = rng.randrange(len(chars))
        op = rng.random()
        if op < 0.4:
            chars[i] = rng.choice(FILLER)
        elif op < 0.7:
            chars.insert(i, rng.choice(FILLER))
        elif len(chars) > 6:
            del chars[i]
    return "".join(chars)


def make(branches: int, per: int, seed: int = 7):
    rng = random.Random(seed)
    previous, current, planted = [], [], 0
    for b in range(branches):
        bid, name = f"ZB{b:05d}", f"第{b}党支部"
        old = [mutate(rng.choice(POOL), rng, 6) for _ in range(per)]
        previous.extend(ProblemRef(bid, name, f"P{i:02d}", t) for i, t in enumerate(old, 1))
        for i in range(1, per + 1):
            if i == 1:
                text, planted = mutate(old[0], rng, 2), planted + 1
            else:
                text = mutate(rng.choice(POOL), rng, 6)
            current.append(ProblemRef(bid, name, f"P{i:02d}", text))
    return previous, current, planted


def write_summary(path: Path, problems: list[ProblemRef], measures_per: int = 2) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("问题总表")
    for c, h in enumerate(("支部编号", "党组织名称", "问题编号", "问题类别", "问题概述")):
        ws.write_string(0, c, h)
    for r, p in enumerate(problems, 1):
        for c, v in enumerate((p.branch_id, p.org_name, p.pid, "理论学习", p.summary)):
            ws.write_string(r, c, v)
    ws = wb.add_worksheet("整改总台账")
    for c, h in enumerate(("支部编号", "党组织名称", "问题编号", "整改措施", "完成状态")):
        ws.write_string(0, c, h)
    r = 0
    for p in problems:
        for k in range(measures_per):
            r += 1
            for c, v in enumerate((p.branch_id, p.org_name, p.pid, f"{p.summary}的整改措施{k}", "推进中")):
                ws.write_string(r, c, v)
    wb.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--branches", type=int, default=10_000)
    ap.add_argument("--problems", type=int, default=8, help="problems per branch")
    args = ap.parse_args()
    previous, current, planted = make(args.branches, args.problems)
    with tempfile.TemporaryDirectory() as tmp:
        summary = Path(tmp) / "上期汇总表.xlsx"
        write_summary(summary, previous)
        t0 = time.perf_counter()
        cycle = load_previous([summary])
        refs = previous_refs(cycle)
        t1 = time.perf_counter()
        found = find_repeats(current, refs)
        t2 = time.perf_counter()
    hits = sum(1 for r in found if r.current.pid == "P01" and r.previous.pid == "P01")
    print(f"branches {args.branches}, problems {len(current)} now / {len(refs)} before "
          f"({args.problems * 2} measures per branch in 整改总台账)")
    print(f"read previous 汇总表: {t1 - t0:.2f} s")
    print(f"match (per-branch rapidfuzz cdist): {t2 - t1:.2f} s")
    print(f"total added to collect: {t2 - t0:.2f} s (target ≤ 30 s)")
    print(f"planted rewordings found {hits}/{planted}; other flags {len(found) - hits} "
          f"(random edits of the same sample sentences can truly repeat)")
    return 0 if t2 - t0 <= 30 else 1


if __name__ == "__main__":
    sys.exit(main())
