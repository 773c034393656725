"""collect: returned workbooks -> records -> model -> 汇总表, 汇总报告, 民主评议汇总表, 汇总编, PDFs.

The one place that wires the committee side: ``committee.collect`` finds and
reads the files and builds the model, the writers write it, and only this
module stores what they wrote in the result.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from collections.abc import Iterable
from pathlib import Path

from toolkit.committee.collect import assemble, read_all
from toolkit.committee.model import BranchRecord, CollectResult, InputFile, LowerSummary
from toolkit.errors import ToolkitError, UsageError
from toolkit.io.fsutil import note_written
from toolkit.io.inputs import ScratchDir, classify_by_name, gather
from toolkit.workflows.steps import steps


def collect(paths: Iterable[str | os.PathLike], out_dir: str | os.PathLike, *,
            cycle: str | os.PathLike | None = None, as_of: dt.date | None = None, pdf: bool = False,
            jobs: int | None = None, previous: str | os.PathLike | None = None,
            previous_cycle: Iterable[str | os.PathLike] | None = None,
            progress=None, book: bool = False) -> CollectResult:
    """Read every returned workbook and write 汇总表.xlsx and 汇总报告.docx into out_dir.

    ``previous`` is last run's 汇总表.xlsx: the committee's own columns
    (党委销号, 备注) are carried over from it. ``previous_cycle`` is the last
    cycle's workbooks or 汇总表: problems repeating one of them are flagged.
    ``book`` also writes 情况报告汇编.docx, every usable branch's 情况报告 in one book.
    ``progress`` is told each step (reading, each document, the PDFs; workflows/steps.py).
    """
    from toolkit.io.fsutil import ensure_dir

    paths = list(paths)
    if not paths:
        raise UsageError("请指定要汇总的文件夹或压缩包")
    as_of = as_of or dt.date.today()
    progress = steps(progress)
    out_dir = ensure_dir(out_dir)
    loaded = None
    if cycle is not None:
        from toolkit.committee.cycle import load_cycle

        loaded = load_cycle(cycle)
    clock = time.perf_counter()
    # Zip entries are read from copies in this folder. The book reads its
    # branches again at the end, so with --book the folder stays until then.
    workdir = ScratchDir(prefix="orglife-collect-")  # removed on SIGTERM too
    with (contextlib.nullcontext(workdir.name) if book else workdir) as tmp:
        files, read, summaries = _read(paths, Path(tmp), jobs, progress)
    if previous_cycle:
        # Before assemble, so the 提醒 counts and per-branch figures include the repeats.
        _flag_repeats([rec for _, rec in read], previous_cycle)
    timings = {"read": time.perf_counter() - clock}
    result = assemble(files, read, loaded, as_of, summaries)
    try:
        _write_documents(result, out_dir, previous, timings, progress)
        if book:
            with progress("合成情况报告汇编"):
                _write_book(result, out_dir, jobs, timings)
    finally:
        workdir.cleanup()
    if pdf:
        _write_pdfs(result, out_dir, timings, progress)
    result.timings = timings
    return result


def _read(paths: list, tmp: Path, jobs: int | None, progress):
    """Every input: branch workbooks as records, lower committees' 汇总表 as LowerSummary."""
    files = gather(paths, tmp)
    for f in files:
        classify_by_name(f)
    read: list[tuple[InputFile, BranchRecord]] = []
    summaries: list[tuple[InputFile, LowerSummary]] = []
    with progress("读取填报表", sum(1 for f in files if not f.outcome)) as advance:
        for f, kind, payload in read_all(files, jobs, advance):
            if kind == "ok":
                read.append((f, payload))
            elif kind == "summary":
                summaries.append((f, payload))
            else:
                f.outcome, f.reason = kind, payload
    return files, read, summaries


def _flag_repeats(records: list[BranchRecord], previous_cycle) -> None:
    """Repeats become a warning in the record's issues and ``counts["重复问题"]``, so 校验问题
    lists them and 支部情况 counts them per branch."""
    from toolkit.committee.previous import load_previous
    from toolkit.committee.repeated import collected_repeats

    flags = collected_repeats(records, load_previous(previous_cycle))
    for n, rec in enumerate(records):
        rec.issues.extend(flags.get(n, ()))
        rec.counts["重复问题"] = len(flags.get(n, ()))


def _write_documents(result: CollectResult, out_dir: Path, previous, timings: dict[str, float], progress) -> None:
    from toolkit.committee.marks import ledger_marks
    from toolkit.writers.appraisal import write_for_collect
    from toolkit.writers.consolidate import write_summary

    clock = time.perf_counter()
    # The report is written by a forked child while this process writes the
    # summary: both are single-threaded, and the second core is idle otherwise.
    report = _Background(_write_report, result, out_dir / "汇总报告.docx")
    # The committee's marks from the last 汇总表, matched to measures by branch,
    # 问题编号 and text (marks.py), never by row position.
    marks = ledger_marks(result, previous) if previous else None
    sheets: dict[str, float] = {}
    with progress("写出汇总表"):
        result.summary_path = write_summary(result, out_dir / "汇总表.xlsx", marks=marks, clock=sheets)
    timings["summary"] = time.perf_counter() - clock
    timings.update({f"summary/{name}": seconds for name, seconds in sheets.items()})  # not summed: within "summary"
    clock = time.perf_counter()
    with progress("写出汇总报告"):
        result.report_path = report.result()
        note_written(result.report_path)  # written by the forked child: the parent's run never saw it
        result.appraisal_path = write_for_collect(result, out_dir)
    timings["report"] = time.perf_counter() - clock


def _write_book(result: CollectResult, out_dir: Path, jobs: int | None, timings: dict[str, float]) -> None:
    from toolkit.writers.book import build_book

    clock = time.perf_counter()
    result.book = build_book(result, out_dir, jobs=jobs)  # its PDF comes with the report's, in one soffice call
    timings["book"] = time.perf_counter() - clock


def _write_pdfs(result: CollectResult, out_dir: Path, timings: dict[str, float], progress) -> None:
    from toolkit.io.pdf import convert_to_pdf

    clock = time.perf_counter()
    docs, timeout = [result.report_path], None
    if result.book:
        from toolkit.writers.book import pdf_timeout

        docs.append(result.book.path)
        timeout = pdf_timeout(len(result.branches))
    with progress("转换 PDF", len(docs)) as advance:
        result.pdf_paths = list(convert_to_pdf(docs, out_dir, timeout=timeout, done=advance))
    if result.book:
        result.book.pdf = result.pdf_paths[-1]
    timings["pdf"] = time.perf_counter() - clock


def _write_report(result: CollectResult, path: Path) -> Path:
    from toolkit.writers.committee_report import write_committee_report

    return write_committee_report(result, path)


class _Background:
    """Run fn(*args) in a forked child (inherits the data, nothing pickled in); in-line where fork is missing."""

    def __init__(self, fn, *args):
        import multiprocessing

        self._value = None
        self._proc = None
        if "fork" not in multiprocessing.get_all_start_methods():
            self._value = fn(*args)
            return
        ctx = multiprocessing.get_context("fork")
        self._recv, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=self._child, args=(send, fn, args), daemon=True)
        self._proc.start()
        send.close()

    @staticmethod
    def _child(send, fn, args) -> None:
        try:
            send.send(("ok", fn(*args)))
        except ToolkitError as exc:
            send.send(("toolkit", (type(exc).__name__, str(exc), exc.exit_code)))
        except BaseException as exc:
            send.send(("bug", f"{type(exc).__name__}: {exc}"))
        finally:
            send.close()

    def result(self):
        if self._proc is None:
            return self._value
        try:
            kind, value = self._recv.recv()
        except EOFError:
            kind, value = "bug", f"子进程意外退出（退出码 {self._proc.exitcode}）"
        finally:
            self._proc.join()
            self._recv.close()
        if kind == "ok":
            return value
        if kind == "toolkit":
            _name, message, code = value
            error = ToolkitError(message)
            error.exit_code = code
            raise error
        raise RuntimeError(f"写汇总报告时出错：{value}")
