"""Benchmark `collect --book`: the 情况报告汇编 of N branches.

Generates N branch workbooks with bench_collect.py's generator (about 30
members, 15 problems, 25 measures each), runs collect with book=True and
prints the book's own time (re-reading the workbooks, rendering each 情况报告,
merging) beside the rest of collect, peak RSS of this process and its
children, and the book's size. With --pdf, also the time LibreOffice takes to
convert the book (one soffice call) and its page count.
Usage: python scripts/bench_book.py [--n 100] [--n 1000] [--jobs N] [--dir DIR] [--pdf]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_collect import PeakRSS, _cpu, generate

from toolkit.workflows.collect import collect


def run(work: Path, n: int, jobs: int, pdf: bool) -> None:
    inbox = work / f"回收_{n}"
    gen = generate(inbox, n, jobs)
    files = sorted(inbox.glob("*.xlsx"))[:n]
    print(f"N={n}：生成 {len(files)} 个填报表 {gen:.1f} s")
    out = work / f"汇总_{n}"
    shutil.rmtree(out, ignore_errors=True)
    cpu_before = _cpu()
    with PeakRSS() as rss:
        start = time.perf_counter()
        result = collect([inbox], out, as_of=dt.date(2023, 10, 15), jobs=jobs, progress=False, book=True)
        wall = time.perf_counter() - start
    cpu = _cpu() - cpu_before
    t = result.timings
    book = result.book
    size = book.path.stat().st_size / 1024 ** 2
    print(f"  collect --book 共 {wall:.1f} s（CPU {cpu:.1f} s），其中汇编 {t['book']:.1f} s"
          f"（{len(book.included) / t['book']:.0f} 个支部/秒），其余 {wall - t['book']:.1f} s；"
          f"峰值内存（含子进程）{rss.peak / 1024 ** 2:.0f} MB")
    print(f"  汇编收入 {len(book.included)} 个支部，未收入 {len(book.omitted)} 个；{book.path.name} {size:.1f} MB")
    if pdf:
        from toolkit.io.pdf import convert_to_pdf
        from toolkit.writers.book import pdf_timeout

        start = time.perf_counter()
        [made] = convert_to_pdf([book.path], out, timeout=pdf_timeout(len(book.included)))
        took = time.perf_counter() - start
        pages = subprocess.run(["pdfinfo", str(made)], capture_output=True, text=True).stdout
        count = next((line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")), "?")
        print(f"  LibreOffice 转 PDF（一次 soffice 调用）{took:.1f} s，{count} 页")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="支部数（可多次给出；默认 100 和 1000）")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--dir", help="folder for the generated workbooks (kept; reused when present)")
    parser.add_argument("--pdf", action="store_true", help="also time the PDF conversion of the book")
    args = parser.parse_args()
    jobs = args.jobs or os.cpu_count() or 1
    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench_book_"))
    load = os.getloadavg()
    print(f"机器：{os.cpu_count()} 核，负载 {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}；jobs={jobs}")
    try:
        for n in args.n or [100, 1000]:
            run(work, n, jobs, args.pdf)
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
