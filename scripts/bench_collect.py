"""Benchmark `collect` against the loop a capable user would write with pandas.

Generates N realistic branch workbooks with the toolkit's own writer (about 30
members, 15 problems, 25 measures each, content varied), then times, in the
same run:

- orglife collect: read, check, 汇总表.xlsx and 汇总报告.docx, end to end;
- the baseline: pandas.read_excel(engine="openpyxl") per file, concat, to_excel.

Prints wall time, files/s and peak RSS (this process and its children).
Usage: python scripts/bench_collect.py [--n 1000] [--jobs N] [--dir DIR] [--baseline-sample K]
`--n 10000` is the big run (generation takes minutes; reuse it with --dir).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from toolkit.schema.workbooks import DEFAULT_CATEGORIES, LONG_TERM
from toolkit.writers.workbook import Content, branch_meta, write_branch_workbook

CYCLE_ID = "2023-ZT"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "建国华明丽军伟芳娜敏静强磊洋艳勇杰娟涛超霞平刚桂英红玉兰秀文斌辉鹏飞宇浩然欣怡子轩雨婷思远晓东海燕志刚俊杰佳琪"
SUMMARIES = {
    "理论学习": ("理论学习系统性不够，满足于读文件、记笔记", "学用结合不紧密，运用理论指导业务工作不够",
              "集中学习研讨深度不够，交流发言多停留在表面"),
    "政治素质": ("对重大政治问题的敏锐性还不够强", "落实意识形态工作责任制不够到位",
              "开展批评和自我批评辣味不足"),
    "能力本领": ("应对新情况新问题的办法不多", "数字化工作手段运用不熟练", "调查研究不够深入"),
    "担当作为": ("攻坚克难的劲头有所减弱", "对群众急难愁盼问题推动解决不够有力", "创新意识不强，习惯按老办法办事"),
    "工作作风": ("深入基层一线次数偏少", "文件会议精简不到位，基层负担仍然较重", "服务对象办事等候时间偏长"),
    "廉洁自律": ("对身边小节问题警惕性不够高", "廉政教育形式较为单一", "执行财务报销制度不够严格"),
}


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def branch_content(i: int, seed: int = 0) -> Content:
    """One filled branch workbook's content; varied, valid apart from the odd warning."""
    rng = random.Random(seed * 1_000_003 + i)
    org = f"第{i + 1}党支部"
    names: list[str] = []
    while len(names) < rng.randint(26, 34):
        n = person(rng)
        if n not in names:
            names.append(n)
    members = []
    for k, name in enumerate(names, start=1):
        probationary = rng.random() < 0.06
        present = rng.random() > 0.08
        members.append({
            "seq": k, "name": name, "gender": rng.choice("男女"),
            "role": ("书记", "副书记", "组织委员", "宣传委员", "纪检委员")[k - 1] if k <= 5 else "党员",
            "category": "预备党员" if probationary else "正式党员", "present": present,
            "absence_reason": None if present else rng.choice(("出差", "病假", "外出培训", "值班")),
            "appraisal": "不评定" if probationary else rng.choices(("优秀", "合格", "基本合格"), (2, 8, 0.3))[0],
        })
    meeting = dt.date(2023, 8, 1) + dt.timedelta(days=rng.randint(0, 40))
    guests = []
    if rng.random() < 0.4:
        guests.append({"seq": 1, "name": person(rng), "title": "党委委员、副局长",
                       "mode": rng.choice(("出席指导", "以普通党员身份参加", "列席"))})
    studies = [{"seq": k, "date": meeting - dt.timedelta(days=5 * k), "form": rng.choice(("集中学习", "专题党课", "研讨交流")),
                "content": f"学习党章和有关重要论述（第{k}次）", "participants": len(names) - rng.randint(0, 4)}
               for k in range(1, rng.randint(3, 6))]
    talks = [{"seq": k, "date": meeting - dt.timedelta(days=rng.randint(1, 20)), "talker": names[0],
              "talkee": names[k], "content": "交流思想，互相指出不足"} for k in range(1, min(len(names), 12))]
    opinions = [{"seq": k, "source": rng.choice(("党员", "群众", "服务对象")), "method": "征求意见表",
                 "content": f"建议进一步改进工作方法（第{k}条）", "adopted": rng.random() < 0.6}
                for k in range(1, rng.randint(4, 9))]
    problems = []
    for k in range(1, 16):
        cat = rng.choice(DEFAULT_CATEGORIES)
        personal = k > 5
        problems.append({
            "pid": f"P{k:02d}", "level": "党员个人" if personal else "支部班子",
            "owner": rng.choice(names) if personal else None, "category": cat,
            "summary": rng.choice(SUMMARIES[cat]),
            "detail": f"比如，今年以来{rng.randint(2, 12)}次集中学习中，结合业务开展研讨的只有{rng.randint(1, 3)}次，"
                      f"{rng.choice(names)}同志在{rng.randint(1, 9)}月的工作中也存在类似情况。",
            "source": rng.choice(("自我检视", "征求意见", "谈心谈话", "相互批评")),
        })
    measures = []
    for k in range(25):
        pid = problems[k % 15]["pid"]
        status = rng.choices(("已完成", "推进中", "未启动", LONG_TERM), (4, 4, 1, 1))[0]
        deadline = LONG_TERM if status == LONG_TERM else meeting + dt.timedelta(days=rng.randint(20, 150))
        measures.append({
            "pid": pid, "measure": f"每月开展{rng.randint(1, 3)}次专题研讨，{rng.randint(9, 12)}月底前形成调研报告{rng.randint(1, 2)}篇",  # noqa: E501
            "owner": rng.choice(names[:5]), "deadline": deadline, "status": status,
            "done_date": meeting + dt.timedelta(days=rng.randint(5, 30)) if status == "已完成" else None,
            "evidence": "已形成会议纪要" if status == "已完成" else None,
        })
    info = {"superior": "市水务局机关党委", "org_name": org, "meeting_type": "专题组织生活会", "year": 2023,
            "theme": "学习贯彻新时代中国特色社会主义思想主题教育", "basis_title": "关于开好2023年度专题组织生活会的通知",
            "basis_number": "市水党〔2023〕12号", "meeting_date": meeting, "place": "会议室", "host": names[0],
            "report_date": meeting + dt.timedelta(days=3), "agenda": "1.通报整改情况\n2.对照检查\n3.批评与自我批评"}
    return Content(info=info, tables={"members": members, "guests": guests, "studies": studies, "talks": talks,
                                      "opinions": opinions, "problems": problems, "measures": measures},
                   meta=branch_meta(CYCLE_ID, f"ZB{i + 1:05d}"))


def _write_one(args: tuple[str, int]) -> None:
    folder, i = args
    write_branch_workbook(Path(folder) / f"第{i + 1}党支部.xlsx", branch_content(i))


def generate(folder: Path, n: int, jobs: int) -> float:
    folder.mkdir(parents=True, exist_ok=True)
    have = {p.name for p in folder.glob("*.xlsx")}
    todo = [(str(folder), i) for i in range(n) if f"第{i + 1}党支部.xlsx" not in have]
    start = time.perf_counter()
    if todo:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(_write_one, todo, chunksize=16))
    return time.perf_counter() - start


class PeakRSS:
    """Peak resident memory of this process plus its live children, sampled from /proc.

    ``peak``: the sum of their RSS. A forked child's RSS counts the pages it still shares
    with its parent a second time, so ``peak_pss`` also sums PSS (each shared page split
    between the processes sharing it; /proc/PID/smaps_rollup, sampled less often as
    reading it walks the page tables): the memory the tree really holds.
    """

    def __init__(self, interval: float = 0.05, pss_every: int = 4):
        self.interval = interval
        self.peak = 0
        self.peak_pss = 0
        self.pss_every = pss_every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self, pid: int) -> int:
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def _children(self, pid: int) -> list[int]:
        out = []
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as fh:
                    out.extend(int(c) for c in fh.read().split())
        except OSError:
            pass
        return out

    @staticmethod
    def _pss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def _run(self) -> None:
        me = os.getpid()
        n = 0
        while not self._stop.is_set():
            pids, stack = [], [me]
            while stack:
                p = stack.pop()
                pids.append(p)
                stack.extend(self._children(p))
            self.peak = max(self.peak, sum(self._rss(p) for p in pids))
            if n % self.pss_every == 0:
                self.peak_pss = max(self.peak_pss, sum(self._pss(p) for p in pids))
            n += 1
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def baseline(files: list[Path], out: Path) -> float:
    import pandas as pd

    start = time.perf_counter()
    # the sheets 汇总表 draws on: attendance, guidance, preparation counts, problems, measures
    frames = {name: [] for name in ("参会人员", "列席指导", "学习研讨", "谈心谈话", "征求意见", "问题清单", "整改台账")}
    for f in files:
        sheets = pd.read_excel(f, sheet_name=list(frames), engine="openpyxl")
        for name, df in sheets.items():
            df["来源文件"] = f.name
            frames[name].append(df)
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, dfs in frames.items():
            pd.concat(dfs, ignore_index=True).to_excel(writer, sheet_name=name, index=False)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--dir", help="folder for the generated workbooks (kept; reused when present)")
    parser.add_argument("--baseline-sample", type=int, default=None,
                        help="run the baseline on this many files and extrapolate (default: all up to 1000)")
    args = parser.parse_args()
    jobs = args.jobs or os.cpu_count() or 1
    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench_collect_"))
    inbox = work / f"回收_{args.n}"
    try:
        load = os.getloadavg()
        print(f"机器：{os.cpu_count()} 核，负载 {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}；jobs={jobs}")
        gen = generate(inbox, args.n, jobs)
        files = sorted(inbox.glob("*.xlsx"))[: args.n]
        size = sum(f.stat().st_size for f in files)
        print(f"生成 {len(files)} 个填报表（{size / 1024 ** 2:.0f} MB）：{gen:.1f} s")

        from toolkit.workflows.collect import collect

        out = work / f"汇总_{args.n}"
        cpu_before = _cpu()
        load_before = os.getloadavg()[0]
        with PeakRSS() as rss:
            start = time.perf_counter()
            result = collect([inbox], out, as_of=dt.date(2023, 10, 15), jobs=jobs, progress=False)
            wall = time.perf_counter() - start
        cpu = _cpu() - cpu_before
        fig = result.figures
        print(f"collect：{wall:.1f} s，{len(files) / wall:.0f} 个/秒，峰值内存（含子进程）{rss.peak / 1024 ** 2:.0f} MB")
        print(f"  CPU 时间（本进程+子进程）{cpu:.1f} s；运行前 1 分钟负载 {load_before:.2f}、运行后 {os.getloadavg()[0]:.2f}"
              f"（其他进程占用 CPU 时墙钟时间会变长）")
        print("  分段：" + "，".join(f"{k} {v:.1f} s" for k, v in result.timings.items() if "/" not in k))
        print(f"  汇总：{fig['已报送']} 个支部，问题 {fig['问题']} 条，整改措施 {fig['措施']} 条；"
              f"汇总表 {result.summary_path.stat().st_size / 1024 ** 2:.1f} MB")
        self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"  ru_maxrss：主进程 {self_peak:.0f} MB，最大的子进程 {child_peak:.0f} MB")

        sample = args.baseline_sample or min(len(files), 1000)
        rng = random.Random(1)
        subset = files if sample >= len(files) else rng.sample(files, sample)
        base = baseline(subset, work / "baseline.xlsx")
        if len(subset) < len(files):
            estimate = base * len(files) / len(subset)
            print(f"基线（pandas+openpyxl 逐个读取汇总所需的 7 个工作表、concat、to_excel）：抽样 {len(subset)} 个用时 {base:.1f} s，"  # noqa: E501
                  f"按比例推算 {len(files)} 个约 {estimate:.0f} s（推算值）")
        else:
            estimate = base
            print(f"基线（pandas+openpyxl 逐个读取汇总所需的 7 个工作表、concat、to_excel）：{base:.1f} s")
        print(f"collect 比基线快 {estimate / wall:.1f} 倍")
        # What --previous-cycle adds (repeated problems) over a 10,000-branch cycle: bench_repeated.py.
        import subprocess

        print("与上一周期重复问题检查（collect --previous-cycle 增加的时间）：")
        subprocess.run([sys.executable, str(Path(__file__).with_name("bench_repeated.py")),
                        "--branches", str(max(args.n, 10_000))], check=False)
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
