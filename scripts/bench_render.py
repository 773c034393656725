#!/usr/bin/env python3
"""How fast the branch documents are made.

    .venv/bin/python scripts/bench_render.py [--runs N] [--no-pdf]

Prints the median time to render the three documents (情况报告, 对照检查材料,
整改清单) of the largest sample branch, pinned to one core, after one warm-up
render (the first render of a process reads and compiles each template once
(writers/docx_engine.py); every later file is filled from that compiled form). Targets: ≤ 60 ms for the three documents;
≤ 300 ms for the full set (the three, the meeting-day and 民主评议 documents and
one 个人对照检查材料 per member) of a branch of 30 members;
PDF conversion ≤ 0.3 s per document when converted in one batch.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from toolkit.branch.read import read_branch
from toolkit.core import sample_data
from toolkit.schema.workbooks import INFO, LIST_SHEETS
from toolkit.writers.render import build_context, render_branch, render_set
from toolkit.writers.workbook import Content, from_headers, write_branch_workbook


def sample_workbook(branch_id: str, path: Path) -> Path:
    data = sample_data.BRANCHES[branch_id]
    tables = {s.key: [from_headers(s, r) for r in data.get(s.name, [])] for s in LIST_SHEETS}
    write_branch_workbook(path, Content(info=from_headers(INFO, data["基本信息"]), tables=tables,
                                        categories=tuple(sample_data.CYCLE.get("问题类别", ())) or None))
    return path


_SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


def thirty_members(branch_id: str, path: Path, size: int = 30) -> Path:
    """A sample branch grown to ``size`` members, each with a problem, a measure and a criticism of their own."""
    data = copy.deepcopy(sample_data.BRANCHES[branch_id])
    members = data["参会人员"]
    template = next(r for r in members if r.get("党内职务") == "党员")
    category = (sample_data.CYCLE.get("问题类别") or ["理论学习"])[0]
    for i in range(len(members), size):
        name = f"{_SURNAMES[i]}测{cn(i)}"
        members.append({**template, "序号": i + 1, "姓名": name})
        data["问题清单"].append({"问题编号": f"Q{i:02d}", "层级": "党员个人", "责任主体": name, "问题类别": category,
                              "问题概述": f"{name}学习不够系统", "具体表现": "比如，上半年自学笔记只有3篇。"})
        data["整改台账"].append({"问题编号": f"Q{i:02d}", "整改措施": "制定个人学习计划，每月自学笔记不少于2篇。",
                              "责任人": name, "整改时限": dt.date(2023, 12, 31), "完成状态": "推进中"})
        data.setdefault("相互批评", []).append({"序号": i, "批评人": members[0]["姓名"], "被批评人": name,
                                            "批评意见": "学习笔记流于摘抄。", "回应": "接受。"})
    tables = {s.key: [from_headers(s, r) for r in data.get(s.name, [])] for s in LIST_SHEETS}
    write_branch_workbook(path, Content(info=from_headers(INFO, data["基本信息"]), tables=tables,
                                        categories=tuple(sample_data.CYCLE.get("问题类别", ())) or None))
    return path


def cn(i: int) -> str:
    return "零一二三四五六七八九"[i // 10] + "零一二三四五六七八九"[i % 10]


def full_set(bid: str, tmp: Path, runs: int) -> None:
    """The whole set of a branch grown to 30 members: first run (templates read and compiled), median, per file."""
    branch = read_branch(thirty_members(bid, tmp / "thirty.xlsx"))
    start = time.perf_counter()
    written = render_set(branch, tmp / "full-warm")
    cold = time.perf_counter() - start
    count = len(written.all)
    times = []
    for i in range(runs):
        start = time.perf_counter()
        render_set(branch, tmp / f"full{i % 3}")
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"30 名党员的支部生成全套材料（{count} 份，其中个人对照检查材料 "
          f"{sum(1 for p in written.docx if p.parent.name == '个人材料')} 份）：")
    print(f"  首次（含读取、编译模板）：{cold * 1000:.0f} ms")
    print(f"  中位数（单核，{runs} 次）：{median * 1000:.0f} ms（最快 {min(times) * 1000:.0f} ms），"
          f"平均每份 {median / count * 1000:.1f} ms，目标 ≤ 300 ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    with tempfile.TemporaryDirectory(prefix="bench_render_") as tmp:
        tmp = Path(tmp)
        books = {bid: sample_workbook(bid, tmp / f"{bid}.xlsx") for bid in sample_data.BRANCHES}
        branches = {bid: read_branch(p) for bid, p in books.items()}
        bid = max(branches, key=lambda b: sum(len(v) for v in branches[b].tables.values()))
        branch = branches[bid]
        rows = sum(len(v) for v in branch.tables.values())

        start = time.perf_counter()
        docs = render_branch(branch, tmp / "warm")
        cold = time.perf_counter() - start
        times, ctx_times = [], []
        for i in range(args.runs):
            start = time.perf_counter()
            render_branch(branch, tmp / f"run{i % 3}")
            times.append(time.perf_counter() - start)
            start = time.perf_counter()
            build_context(branch)
            ctx_times.append(time.perf_counter() - start)
        pages = ", ".join(f"{d.name} {d.stat().st_size // 1024} KB" for d in docs)
        print(f"样本支部 {branch.name}（{bid}，{rows} 行数据）：{pages}")
        print(f"首次生成三份材料（含加载、编译模板）：{cold * 1000:.0f} ms")
        print(f"生成三份材料，中位数（单核，{args.runs} 次）：{statistics.median(times) * 1000:.1f} ms"
              f"（最快 {min(times) * 1000:.1f} ms；其中计算数据 {statistics.median(ctx_times) * 1000:.2f} ms）"
              f"，目标 ≤ 60 ms")
        full_set(bid, tmp, max(5, args.runs // 3))

        if not args.no_pdf:
            from toolkit.io.pdf import convert_to_pdf

            all_docs = [d for b in branches.values() for d in render_branch(b, tmp / "pdf-in" / b.name)]
            start = time.perf_counter()
            convert_to_pdf(all_docs, tmp / "pdf-out")
            elapsed = time.perf_counter() - start
            print(f"PDF：一次转换 {len(all_docs)} 份用时 {elapsed:.1f} s，"
                  f"平均每份 {elapsed / len(all_docs):.2f} s（含 LibreOffice 启动），目标 ≤ 0.3 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
