"""Property tests: mutated workbooks only ever fail with the toolkit's own errors.

Hypothesis edits the valid branch workbook the way people and accidents do —
random values of random types in random cells, deleted and renamed sheets,
shuffled columns, damaged bytes inside the zip — and `check` must answer every
one with exit 0 or 1 and a Chinese message: never an internal error, never a
traceback. collect over a folder of such files must account for every file.
Example counts stay small: the point is breadth of mutation, not volume.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import json
import random
import tempfile
import zipfile
from pathlib import Path

import openpyxl
from fixtures import valid_content
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell

from toolkit.app.cli import main
from toolkit.writers.workbook import write_branch_workbook

SHEETS = ("填写说明", "基本信息", "参会人员", "列席指导", "学习研讨", "谈心谈话", "征求意见", "问题清单",
          "原因剖析", "努力方向", "整改台账", "上次整改情况", "选项", "_meta")
FUZZ = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@functools.cache
def valid_bytes() -> bytes:
    # A function, not a fixture: hypothesis would print a fixture's 60 KB value with every failure.
    with tempfile.TemporaryDirectory(prefix="fuzz_base_") as folder:
        path = Path(folder) / "有效.xlsx"
        write_branch_workbook(path, valid_content())
        return path.read_bytes()


texts = st.text(max_size=40).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s))
values = st.one_of(
    st.none(),
    texts,
    st.sampled_from(["#REF!", "#DIV/0!", "#N/A", "=1/0", "=A1+", "长期坚持", "是", "否", "P01", "P99",
                     "党员个人", "２０２３年８月２５日", "2023-2-30", " ", "{{ 7*7 }}", "A&B<C>"]),
    st.integers(min_value=-10**15, max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.times(),
)
cell_edits = st.lists(st.tuples(st.sampled_from(SHEETS), st.integers(1, 12), st.integers(1, 10), values),
                      max_size=12)
sheet_edits = st.lists(st.tuples(st.sampled_from(("delete", "rename", "shuffle", "hide", "clear")),
                                 st.sampled_from(SHEETS), st.integers(0, 2**32)), max_size=3)


def mutate(base: bytes, cells, sheets) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(base))
    for name, row, col, value in cells:
        if name in wb.sheetnames and not isinstance(wb[name].cell(row, col), MergedCell):
            wb[name].cell(row, col).value = value
    for action, name, seed in sheets:
        if name not in wb.sheetnames or len(wb.sheetnames) == 1:
            continue
        ws = wb[name]
        if action == "delete":
            del wb[name]
        elif action == "rename":
            ws.title = f"表{seed % 1000}"
        elif action == "hide":
            ws.sheet_state = "hidden"
        elif action == "clear":
            ws.delete_rows(1, ws.max_row)
        else:
            width = max(ws.max_column, 1)
            order = list(range(1, width + 1))
            random.Random(seed).shuffle(order)
            grid = [[ws.cell(r, c).value for c in order] for r in range(1, ws.max_row + 1)]
            ws.merged_cells.ranges = set()  # a shuffle scatters merged blocks; unmerge first
            for r, line in enumerate(grid, start=1):
                for c, value in enumerate(line, start=1):
                    ws.cell(r, c).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def damage(base: bytes, part_index: int, offset: int, payload: bytes, mode: str) -> bytes:
    """Change one part of the zip: insert, overwrite or cut bytes of its XML."""
    src = zipfile.ZipFile(io.BytesIO(base))
    infos = src.infolist()
    target = infos[part_index % len(infos)].filename
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in infos:
            data = src.read(info.filename)
            if info.filename == target:
                at = offset % (len(data) + 1)
                if mode == "insert":
                    data = data[:at] + payload + data[at:]
                elif mode == "overwrite":
                    data = data[:at] + payload + data[at + len(payload):]
                else:
                    data = data[:at]
            dst.writestr(info, data)
    return out.getvalue()


def check_json(capsys, path: Path) -> tuple[int, dict]:
    status = main(["check", "--json", str(path)])
    out = capsys.readouterr()
    assert "程序内部错误" not in out.err and "Traceback" not in out.err, out.err
    assert status in (0, 1), (status, out.err)
    return status, json.loads(out.out)


def assert_own_answer(status: int, data: dict, name: str) -> None:
    (report,) = data["files"]
    assert report["status"] in ("ok", "errors", "unreadable")
    assert (status == 0) == (report["status"] == "ok")
    for item in report["issues"]:
        assert item["message"] and item["code"] and item["severity"] in ("error", "warning")
        if item["code"] == "unreadable-file":
            assert name in item["message"]  # unreadable: the message names the file


@contextlib.contextmanager
def written(data: bytes, name: str = "支部.xlsx"):
    with tempfile.TemporaryDirectory(prefix="fuzz_") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield path


@FUZZ
@given(cells=cell_edits, sheets=sheet_edits)
def test_check_survives_random_edits(capsys, cells, sheets):
    with written(mutate(valid_bytes(), cells, sheets)) as path:
        status, data = check_json(capsys, path)
        assert_own_answer(status, data, path.name)


@FUZZ
@given(part=st.integers(0, 200), offset=st.integers(0, 10**6),
       payload=st.binary(min_size=1, max_size=24) | st.sampled_from(
           [b"<", b"&", b"]]>", b"<!DOCTYPE x>", b"&#0;", b"</row>", b'<c r="A1" t="e"><v>#REF!</v></c>',
            b'<row r="0">', b"\xff\xfe", b"_x0000_"]),
       mode=st.sampled_from(("insert", "overwrite", "cut")))
def test_check_survives_damaged_parts(capsys, part, offset, payload, mode):
    with written(damage(valid_bytes(), part, offset, payload, mode)) as path:
        status, data = check_json(capsys, path)
        assert_own_answer(status, data, path.name)


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(cut=48943, flips=[(28, 1)])  # found by this test: zlib.error escaped the reader
@given(cut=st.integers(0, 60000), flips=st.lists(st.tuples(st.integers(0, 60000), st.integers(1, 255)),
                                                 max_size=4))
def test_check_survives_damaged_bytes(capsys, cut, flips):
    base = valid_bytes()
    data = bytearray(base[: max(1, cut)] if cut < len(base) else base)
    for at, xor in flips:
        data[at % len(data)] ^= xor
    with written(bytes(data)) as path:
        status, result = check_json(capsys, path)
        assert_own_answer(status, result, path.name)


kinds = st.sampled_from(("valid", "edited", "damaged", "bytes", "empty", "lock", "text"))
submissions = st.lists(st.tuples(kinds, st.integers(0, 2**32), st.sampled_from((".xlsx", ".xls", ".et", ".txt", ""))),
                       min_size=1, max_size=6)


def submission(kind: str, seed: int) -> bytes:
    rnd = random.Random(seed)
    base = valid_bytes()
    if kind == "valid":
        return base
    if kind == "edited":
        cells = [(rnd.choice(SHEETS), rnd.randint(1, 12), rnd.randint(1, 10),
                  rnd.choice([None, "#REF!", 3.5, "P01", "否", dt.date(1901, 1, 1)])) for _ in range(6)]
        return mutate(base, cells, [(rnd.choice(("delete", "shuffle", "rename")), rnd.choice(SHEETS), seed)])
    if kind == "damaged":
        return damage(base, seed, seed >> 8, bytes([seed & 0xFF]) * 3, rnd.choice(("insert", "overwrite", "cut")))
    if kind == "bytes":
        return bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 400)))
    if kind == "text":
        return "支部名称,年度\n综合科,2023\n".encode()
    return b""


@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(files=submissions)
def test_collect_accounts_for_every_file(files):
    """Whatever arrives, 文件清单 has each file exactly once, and the outcome counts add up."""
    from toolkit.committee.model import DONE, DUPLICATE, HAS_ERRORS, OUTCOMES
    from toolkit.workflows.collect import collect

    with tempfile.TemporaryDirectory(prefix="fuzz_collect_") as folder:
        inbox = Path(folder) / "收件"
        inbox.mkdir()
        names = []
        for i, (kind, seed, suffix) in enumerate(files):
            name = f"{'~$' if kind == 'lock' else ''}文件{i}{suffix}"
            (inbox / name).write_bytes(submission("bytes" if kind == "lock" else kind, seed))
            names.append(name)
        result = collect([inbox], Path(folder) / "汇总", jobs=1, progress=False, as_of=dt.date(2023, 12, 1))
        shown = sorted(Path(f.shown).name for f in result.files)
        assert shown == sorted(names)
        assert all(f.outcome in OUTCOMES and f.reason for f in result.files)
        counts = result.outcome_counts()
        assert sum(counts.values()) == len(names)
        used = [f for f in result.files if f.outcome in (DONE, HAS_ERRORS)]
        assert len(result.branches) == len(used)
        assert counts[DUPLICATE] + len(used) <= len(names)
        import openpyxl

        ws = openpyxl.load_workbook(result.summary_path, read_only=True)["文件清单"]
        assert sum(1 for row in ws.iter_rows(min_row=2, values_only=True) if row[1]) == len(names)


# --- sizes the reader library trusts: no input may kill the process or take more than 500 MB ---

CHILD = ("import resource, sys\n"
         "resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))\n"
         "from toolkit.app.cli import main\nrc = main(sys.argv[1:])\n"
         "hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
         "sys.stderr.write(f'\\nMAXRSS_KB={hwm}\\n')\nraise SystemExit(rc)")
columns = st.sampled_from(["A", "J", "Z", "AA", "ZZ", "AMJ", "XFD"])


def resized(base: bytes, kind: str, ref: str, count: int) -> bytes:
    import re

    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if kind == "dimension" and info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{ref}"/>'.encode(), data)
            elif kind == "cell" and info.filename == "xl/worksheets/sheet3.xml":
                row = re.sub(r"\D", "", ref)
                data = data.replace(b"</sheetData>", f'<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData>'.encode())
            elif kind == "strings" and info.filename == "xl/sharedStrings.xml":
                data = re.sub(rb'uniqueCount="\d+"', f'uniqueCount="{count}"'.encode(), data)
            dst.writestr(info, data)
    return out.getvalue()


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@example(kind="dimension", col="XFD", row=1048576, count=0)  # calamine: memory allocation of 549755813888 bytes failed
@example(kind="cell", col="XFD", row=20000, count=0)  # calamine: 10 GB
@example(kind="strings", col="A", row=1, count=4_000_000_000)  # calamine: SIGABRT
@given(kind=st.sampled_from(("dimension", "cell", "strings")), col=columns, row=st.integers(1, 1048576),
       count=st.integers(0, 2 ** 32 - 1))
def test_no_input_kills_the_process_or_exceeds_the_memory_bound(kind, col, row, count):
    """check in a fresh process with an address-space limit: exit 0 or 1 with a Chinese
    message, never a signal death, never over 500 MB or 30 s."""
    import os
    import subprocess
    import sys
    import time

    root = Path(__file__).resolve().parent.parent
    with written(resized(valid_bytes(), kind, f"{col}{row}", count)) as path:
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-c", CHILD, "check", "--json", str(path)], capture_output=True,
                              text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(root)})
        elapsed = time.monotonic() - started
    assert done.returncode in (0, 1), (done.returncode, done.stderr[-800:])
    assert "Traceback" not in done.stderr and "panicked" not in done.stderr
    peak_mb = int(done.stderr.rsplit("MAXRSS_KB=", 1)[1].split()[0]) // 1024
    assert peak_mb < 500, f"{peak_mb} MB"
    assert elapsed < 30, f"{elapsed:.1f} s"
    assert_own_answer(done.returncode, json.loads(done.stdout), "支部.xlsx")
