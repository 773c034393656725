"""Benchmark the multi-level roll-up: N lower committees' 汇总表 of M branches each into the top 汇总表.

Not a timed test. Generates N lower summaries (each a synthetic collect result of M
branches, about 7 problems and 9 measures a branch, written by the toolkit's own
summary writer, so each carries a genuine _meta), then times the top ``collect`` on
the folder, end to end, and prints its phases, rows/s, wall and CPU time, the load
average, and peak memory of the whole process tree (RSS summed, and PSS summed: a
forked child's RSS counts pages it shares with its parent twice). Which library
does which part:

- read: python-calamine parses each 汇总表 in a worker process (2 on this machine);
  Python checks it against its _meta (hash, totals, formula errors) and sends back
  compact records, each distinct text once;
- merge: plain Python (committee/collect.assemble, committee/rollup.merge_lower):
  one dict pass deciding which copy of each branch counts, and the per-branch figures
  (each measure's status once); pandas groups those figures by lower committee for
  下级党组织 (rollup.lower_rows) — both alternatives are timed by aggregation_compared;
- write: XlsxWriter writes the 汇总表's formats, headers, filters, conditional formats,
  charts and small sheets; the rows of the long sheets (支部情况, 问题总表, 整改总台账,
  民主评议汇总) are written as sheet XML by writers/sheet_xml.py and put into the
  package after XlsxWriter closes it. Why by hand: XlsxWriter's constant_memory path
  measured about 72,000 cells/s (CPU) here even with plain str/int and no formats
  (every cell becomes an object and passes a dimension check, an attribute list and
  three regular expressions), which is five minutes for a province's 25 M cells;
  the XML rows measure about 700,000 cells/s. The 汇总报告 (docxtpl) is written at the
  same time by a forked child, then the 民主评议情况汇总表 (python-docx).

Usage: python scripts/bench_rollup.py [--lower 100] [--branches 1000] [--jobs 2] [--dir DIR]
The full size (100 × 1,000, about 1.5 M problem and measure rows) takes minutes to
generate; reuse the folder with --dir. Develop with --lower 5 --branches 200.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_collect import SUMMARIES, PeakRSS, _cpu, person

from toolkit.committee.collect import figures
from toolkit.committee.model import BranchRecord, CollectResult, Guest, Measure, Problem
from toolkit.schema.workbooks import DEFAULT_CATEGORIES
from toolkit.writers.consolidate import split_plan

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
    """下级党组织's figures and 总览's totals: pandas against the hand-written loops, timed.

    The toolkit groups the per-branch figures (each measure's status computed once, in
    committee/collect.figures) by lower committee with pandas (rollup.lower_rows); the
    loop it replaced walked every measure of every summary again. 总览's totals stay a
    plain sum over the per-branch figures: building a DataFrame of them costs more than
    the sum (both timed here).
    """
    import pandas as pd

    from toolkit.committee.rollup import lower_rows
    from toolkit.core.status import ST_DONE, ST_LONG, measure_status

    start = time.perf_counter()
    rows = lower_rows(result)
    grouped = time.perf_counter() - start
    start = time.perf_counter()
    loop = {}
    for s in result.lower:
        states = [measure_status(m.deadline, m.status, m.done_date, result.as_of)
                  for rec in s.branches for m in rec.measures]
        loop[s.committee] = (sum(len(r.problems) for r in s.branches), len(states), states.count(ST_DONE),
                             states.count(ST_LONG))
    looped = time.perf_counter() - start
    same = all(loop[r["org_name"]][:3] == (r["problems"], r["measures"], r["done"]) for r in rows if "file" in r)
    measures = sum(v[1] for v in loop.values())
    print(f"  下级党组织统计（{measures:,} 条整改措施，{len(result.lower)} 个下级党组织）：pandas 按下级党组织分组"
          f"逐支部统计 {grouped:.2f} s，手写循环逐条整改措施重算 {looped:.2f} s，结果{'一致' if same else '不一致'}")
    per = result.figures["per_branch"]
    keys = ("应到", "实到", "问题", "措施", "已完成", "逾期", "长期坚持")
    start = time.perf_counter()
    hand = {k: sum(p[k] for p in per) for k in keys}
    by_hand = time.perf_counter() - start
    start = time.perf_counter()
    frame = pd.DataFrame({k: [p[k] for p in per] for k in keys}).sum()
    panda = time.perf_counter() - start
    print(f"  总览合计（{len(per):,} 个支部）：手写求和 {by_hand:.3f} s，pandas {panda:.3f} s"
          f"（结果{'一致' if all(int(frame[k]) == hand[k] for k in keys) else '不一致'}）；"
          f"汇总使用{'pandas' if panda < by_hand else '手写求和'}")


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
    cpu_before, load_before = _cpu(), os.getloadavg()
    with PeakRSS() as peak:
        start = time.perf_counter()
        result = collect([inbox], base / "输出", as_of=AS_OF, jobs=args.jobs, progress=False)
        wall = time.perf_counter() - start
    cpu = _cpu() - cpu_before
    fig, t = result.figures, result.timings
    phases = {k: v for k, v in t.items() if "/" not in k}
    merge = wall - sum(phases.values())
    rows = fig["问题"] + fig["措施"] + fig["已报送"] * 2  # 问题总表, 整改总台账, 支部情况 and 民主评议汇总
    print(f"顶层汇总：{wall:.1f} s（CPU 时间，本进程+子进程 {cpu:.1f} s），"
          f"峰值内存（主进程及子进程 RSS 之和）{peak.peak / 1024 ** 2:.0f} MB，PSS 之和 {peak.peak_pss / 1024 ** 2:.0f} MB")
    print(f"  负载（1 分钟平均）运行前 {load_before[0]:.2f}、运行后 {os.getloadavg()[0]:.2f}；"
          f"{os.cpu_count()} 核，其他进程占用 CPU 时墙钟时间会变长")
    print(f"  读取（python-calamine 解析，Python 核对 _meta 与行，{args.jobs} 个进程）{t.get('read', 0):.1f} s，"
          f"{rows / max(t.get('read', 0), 1e-9):,.0f} 行/秒")
    print(f"  合并（Python：哪份支部计入、逐支部统计；pandas：按下级党组织分组）{merge:.1f} s")
    print(f"  写汇总表 {t.get('summary', 0):.1f} s，{rows / max(t.get('summary', 0), 1e-9):,.0f} 行/秒"
          "（XlsxWriter 写格式、表头、筛选、图表；长表的行由 sheet_xml 直接写成 XML）：")
    print("    " + "，".join(f"{k.split('/', 1)[1]} {v:.1f} s" for k, v in t.items() if k.startswith("summary/")))
    print(f"  汇总报告（docxtpl/python-docx，另一进程与汇总表同时写）及民主评议汇总表等 {t.get('report', 0):.1f} s")
    print(f"  支部 {fig['已报送']:,} 个，问题 {fig['问题']:,} 条，整改措施 {fig['措施']:,} 条，"
          f"下级党组织 {fig.get('下级党组织', 0)} 个，分表 {split_plan(result) or '无'}，"
          f"汇总表 {result.summary_path.stat().st_size / 1024 ** 2:.0f} MB")
    print(f"  ru_maxrss：主进程 {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB，"
          f"最大的子进程 {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB")
    aggregation_compared(result)
    ok = wall <= 300 and peak.peak <= 2 * 1024 ** 3
    ok_pss = wall <= 300 and peak.peak_pss <= 2 * 1024 ** 3
    print("达到目标（≤ 5 分钟，≤ 2 GB）" if ok else
          f"未达到目标（≤ 5 分钟，≤ 2 GB）{'；按 PSS 计达到' if ok_pss else ''}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
