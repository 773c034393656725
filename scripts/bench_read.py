"""Benchmark: read + validate one realistic branch workbook.

Prints the median time per workbook (30 members, 15 problems, 25 measures)
for orglife's reader and validator, and side by side a plain openpyxl +
pandas reading of the same file (read every sheet into DataFrames; no
validation at all). Target: <= 10 ms median, >= 5x faster than the baseline.

    .venv/bin/python scripts/bench_read.py [--runs 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd

from toolkit.branch.validate import check_file
from toolkit.writers.workbook import Content, branch_meta, write_branch_workbook

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "晓雯", "志强", "丽华", "海峰", "雨桐", "立新", "思远", "文静", "国栋", "秀英", "明辉"]
CATEGORIES = ("理论学习", "政治素质", "能力本领", "担当作为", "工作作风", "廉洁自律")


def realistic_content(members=30, problems=15, measures=25, seed=0) -> Content:
    names = []
    for i in range(members):
        names.append(SURNAMES[(i + seed) % len(SURNAMES)] + GIVEN[(i * 7 + seed) % len(GIVEN)] + ("" if i < 12 else str(i)))
    meeting = dt.date(2023, 8, 25)
    roster = [{"seq": i + 1, "name": n, "gender": "男女"[i % 2], "role": "书记" if i == 0 else "党员",
               "category": "预备党员" if i % 13 == 5 else "正式党员", "present": i % 9 != 4,
               "absence_reason": "出差" if i % 9 == 4 else None,
               "appraisal": "不评定" if i % 13 == 5 else ("优秀" if i % 5 == 0 else "合格")}
              for i, n in enumerate(names)]
    plist = [{"pid": f"P{i + 1:02d}", "level": "党员个人" if i % 3 == 2 else "支部班子",
              "owner": names[i % members] if i % 3 == 2 else None,
              "category": CATEGORIES[i % len(CATEGORIES)],
              "summary": f"第{i + 1}个问题：学习研讨与业务结合不够紧密，成果转化不足",
              "detail": "比如今年以来开展集中学习12次，其中结合业务研讨仅3次，形成的调研成果只有1篇。",
              "source": "自我检视"} for i in range(problems)]
    mlist = [{"pid": f"P{i % problems + 1:02d}",
              "measure": f"每月开展1次结合业务的专题研讨，年底前形成{i % 3 + 1}篇调研报告",
              "owner": names[i % members], "deadline": dt.date(2023, 12, 31) if i % 4 else "长期坚持",
              "status": "已完成" if i % 5 == 0 else "推进中",
              "done_date": dt.date(2023, 10, 30) if i % 5 == 0 else None} for i in range(measures)]
    info = {"superior": "市水务局机关党委", "org_name": f"第{seed + 1}党支部", "meeting_type": "组织生活会",
            "year": 2023, "theme": "学习贯彻党的二十大精神", "meeting_date": meeting, "host": names[0]}
    tables = {
        "members": roster,
        "studies": [{"seq": i + 1, "date": dt.date(2023, 8, 1 + i), "form": "集中学习",
                     "content": "学习党章和党内法规", "participants": members - 2} for i in range(5)],
        "talks": [{"seq": i + 1, "date": dt.date(2023, 8, 10), "talker": names[0], "talkee": names[i + 1],
                   "content": "交流思想，互提意见"} for i in range(10)],
        "opinions": [{"seq": i + 1, "source": "群众", "method": "征求意见表",
                      "content": "希望进一步优化办事流程", "adopted": i % 2 == 0} for i in range(10)],
        "problems": plist,
        "causes": [{"seq": i + 1, "aspect": f"方面{i + 1}", "content": "剖析内容" * 20} for i in range(4)],
        "directions": [{"seq": i + 1, "title": f"方向{i + 1}", "content": "具体内容" * 20} for i in range(4)],
        "measures": mlist,
    }
    return Content(info=info, tables=tables, meta=branch_meta("2023-ZZ", f"ZB{seed:05d}"))


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # one core, as the target says
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "branch.xlsx"
        write_branch_workbook(path, realistic_content())
        size = path.stat().st_size
        _, report = check_file(path)
        ours = median_ms(lambda: check_file(path), args.runs)
        baseline = median_ms(lambda: pd.read_excel(path, sheet_name=None, engine="openpyxl"),
                             max(10, args.runs // 10))
    print(f"工作簿：30 名党员、15 个问题、25 条整改措施，{size} 字节")
    print(f"orglife 读取+校验（中位数）：{ours:.2f} ms  （{len(report.issues)} 条校验结果）")
    print(f"openpyxl+pandas 仅读取（中位数）：{baseline:.2f} ms")
    print(f"倍数：{baseline / ours:.1f}×   目标：≤ 10 ms，且 ≥ 5×")


if __name__ == "__main__":
    main()
