"""Benchmark the multi-level roll-up: N lower committees' 汇总表 of M branches each into the top 汇总表.

Not a timed test. Generates N lower summaries (each a synthetic collect result of M
branches, about 7 problems and 8 measures a branch, written by the toolkit's own
summary writer, so each carries a genuine _meta), then times the top ``collect`` on
the folder, end to end, and prints its phases and figures:

- read: python-calamine reads each 汇总表 in a worker process (2 on this machine),
  checks it against its _meta and sends back compact records;
- merge: plain Python (committee/collect.assemble, committee/rollup.merge_lower):
  one dict pass deciding which copy of each branch counts, and the figures;
- write: XlsxWriter in constant_memory mode writes the top 汇总表 (the 汇总报告 is
  written at the same time by a forked child).

pandas: the same 下级党组织 aggregation (1.5 M rows grouped by lower committee and
status) is timed once with pandas and once with the hand-written loop the toolkit
uses (rollup.lower_rows), and both figures are printed: pandas is used where it
is measured faster, and this run says which.

Usage: python scripts/bench_rollup.py [--lower 100] [--branches 1000] [--jobs 2] [--dir DIR]
The full size (100 × 1,000, about 1.5 M problem and measure rows) takes minutes to
generate; reuse the folder with --dir. Develop with --lower 5 --branches 200.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_collect import SUMMARIES, PeakRSS, person

from toolkit.committee.collect import figures
from toolkit.committee.model import BranchRecord, CollectResult, Guest, Measure, Problem
from toolkit.schema.workbooks import DEFAULT_CATEGORIES

CYCLE_ID = "2023-ZT"
AS_OF = dt.date(2023, 10, 31)
STATUSES = ("已完成", "推进中", "未启动", "长期坚持")


def lower_result(k: int, branches: int) -> CollectResult:
    """Lower committee k's collect result: ``branches`` synthetic branches, varied by seed."""
    rng = random.Random(k)
    recs = []
    cats = list(SUMMARIES)
    for i in range(branches):
        bid = f"L{k:03d}B{i:04d}"
        problems, measures = [], []
        for p in range(rng.randint(5, 9)):
            cat = rng.choice(cats)
            pid = f"P{p + 1:02d}"
            problems.append(Problem(pid, rng.choice(("支部班子", "党员个人")), person(rng), cat,
                                    rng.choice(SUMMARIES[cat]), "具体表现：" + rng.choice(SUMMARIES[cat]), "自己找",
                                    p + 3))
            for _ in range(rng.choice((1, 1, 2))):
                measures.append(Measure(pid, "制定整改措施并按期落实，" + rng.choice(SUMMARIES[cat]), person(rng),
                                        AS_OF + dt.timedelta(days=rng.randint(-60, 90)), rng.choice(STATUSES),
                                        None, None, None, len(measures) + 3))
        counts = {"应到": 30, "实到": 28, "请假": 2, "学习研讨": 4, "谈心谈话": 40, "征求意见": 12,
                  "纳入问题清单": 6, "优秀": 8, "合格": 20, "基本合格": 0, "不合格": 0, "不评定": 0, "评议未填": 2}
        recs.append(BranchRecord(file=f"{bid}.xlsx", meta={"支部编号": bid, "周期编号": CYCLE_ID}, saved="",
                                 org_name=f"第{k + 1}局第{i + 1}党支部", branch_id=bid,
                                 info={"meeting_date": dt.date(2023, 9, 1)}, counts=counts,
                                 guests=[Guest("张三", "局党委书记", "参加")], problems=problems,
                                 measures=measures, issues=[], categories=DEFAULT_CATEGORIES))
    result = CollectResult(files=[], branches=recs, missing=[], roster=[], categories=tuple(DEFAULT_CATEGORIES),
                           as_of=AS_OF, cycle_id=CYCLE_ID,
                           cycle_info={"superior": f"第{k + 1}局机关党委", "year": 2023,
                                       "meeting_type": "专题组织生活会"})
    result.figures = figures(result)
    return result


def _write_one(args: tuple[str, int, int]) -> None:
    from toolkit.writers.consolidate import write_summary

    folder, k, branches = args
    write_summary(lower_result(k, branches), Path(folder) / f"第{k + 1}局汇总表.xlsx")


def generate(folder: Path, lower: int, branches: int, jobs: int) -> float:
    folder.mkdir(parents=True, exist_ok=True)
    todo = [(str(folder), k, branches) for k in range(lower) if not (folder / f"第{k + 1}局汇总表.xlsx").exists()]
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(_write_one, todo))
    return time.perf_counter() - start


def aggregation_compared(result) -> None:
    """下级党组织's figures: the hand loop the toolkit uses against pandas groupby, timed."""
    import pandas as pd

    from toolkit.committee.rollup import lower_rows
    from toolkit.core.status import measure_status

    start = time.perf_counter()
    loop_rows = lower_rows(result)
    loop = time.perf_counter() - start
    start = time.perf_counter()
    frame = pd.DataFrame.from_records(
        ((s.committee, measure_status(m.deadline, m.status, m.done_date, result.as_of))
         for s in result.lower for rec in s.branches for m in rec.measures), columns=["committee", "state"])
    table = frame.groupby(["committee", "state"]).size().unstack(fill_value=0)
    panda = time.perf_counter() - start
    print(f"  下级党组织统计（{len(frame):,} 条整改措施，{len(loop_rows)} 个下级党组织）："
          f"手写循环 {loop:.2f} s，pandas groupby {panda:.2f} s（其中构造 DataFrame 占大部分）")
    print(f"  → 汇总使用{'pandas' if panda < loop else '手写循环'}更快；pandas 表 {table.shape[0]} 行 × {table.shape[1]} 列")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lower", type=int, default=100)
    ap.add_argument("--branches", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--dir", type=Path)
    args = ap.parse_args()
    from toolkit.workflows.collect import collect

    base = args.dir or Path(tempfile.mkdtemp(prefix="orglife-bench-rollup-"))
    inbox = base / "下级汇总表"
    gen = generate(inbox, args.lower, args.branches, args.jobs)
    size = sum(p.stat().st_size for p in inbox.glob("*.xlsx")) / 1024 ** 2
    print(f"生成 {args.lower} 份下级汇总表（各 {args.branches} 个支部，共 {size:.0f} MB）：{gen:.0f} s，目录 {base}")
    with PeakRSS() as peak:
        start = time.perf_counter()
        result = collect([inbox], base / "输出", as_of=AS_OF, jobs=args.jobs, progress=False)
        wall = time.perf_counter() - start
    fig, t = result.figures, result.timings
    merge = wall - sum(t.values())
    print(f"顶层汇总：{wall:.1f} s，峰值内存（主进程及子进程合计）{peak.peak / 1024 ** 2:.0f} MB")
    print(f"  读取（python-calamine，{args.jobs} 个进程）{t.get('read', 0):.1f} s；合并（Python）{merge:.1f} s；"
          f"写汇总表（XlsxWriter）{t.get('summary', 0):.1f} s；汇总报告等 {t.get('report', 0):.1f} s")
    print(f"  支部 {fig['已报送']:,} 个，问题 {fig['问题']:,} 条，整改措施 {fig['措施']:,} 条，"
          f"下级党组织 {fig.get('下级党组织', 0)} 个，分表 {fig.get('分页') or '无'}")
    print(f"  ru_maxrss：主进程 {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB，"
          f"最大的子进程 {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB")
    aggregation_compared(result)
    ok = wall <= 300 and peak.peak <= 2 * 1024 ** 3
    print("达到目标（≤ 5 分钟，≤ 2 GB）" if ok else "未达到目标（≤ 5 分钟，≤ 2 GB）")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
