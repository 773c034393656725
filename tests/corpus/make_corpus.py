"""The bad-input corpus: every file a committee might be sent, made from scratch.

Nothing here is an opaque binary: each case is built by a function from the
valid branch of tests/fixtures.py, and CASES states what `orglife check FILE`
must answer (exit status, issue code, a fragment of the Chinese message and the
sheet!cell it names). docs/异常文件.md is the same table for people.

    python tests/corpus/make_corpus.py OUT_DIR     # writes the corpus, prints the table

One LibreOffice call (private profile) turns the valid workbook into a real
.xls; nothing here can write .xlsb (LibreOffice cannot export it and no Python
writer exists), so the .xlsb case is a workbook under an .xlsb name, which the
reader opens by content like any other.
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

import openpyxl  # noqa: E402
from fixtures import clone, valid_content  # noqa: E402

from toolkit.writers.workbook import Content, write_branch_workbook, write_cycle_workbook  # noqa: E402

OK, INPUT_ERRORS = 0, 1
INJECTIONS = ("{{ 7*7 }}", "{% for x in range(10**9) %}{% endfor %}", "A&B<C>", "]]>",
              "{{ cycler.__init__.__globals__.os.popen('id').read() }}", "<w:p>", "&lt;&amp;")
TRAVERSAL_NAME = "../../etc/综合科\\党支部/.."
ROWS_IN_BIG_SHEET = 1_000_000
LONG_CELL_CHARS = 100_000


@dataclass(frozen=True)
class Case:
    file: str          # name in the corpus folder
    what: str          # what is tried, in the words of docs/异常文件.md
    status: int        # exit status of `orglife check FILE`
    code: str          # issue code the check must report ("" = none expected)
    fragment: str      # part of the Chinese message the user sees
    where: str = ""    # sheet!cell the message names, when there is one
    build: Callable[[Path, Path], None] | None = None  # (valid workbook, target)
    note: str = ""     # what a later stage (collect/render) must also show
    file_code: str = ""  # for a file that cannot be read at all: why (toolkit.errors.FileCode)


# --- builders -------------------------------------------------------------------

def _bytes(data: bytes) -> Callable[[Path, Path], None]:
    return lambda base, target: target.write_bytes(data)


def _content(change: Callable[[Content], None]) -> Callable[[Path, Path], None]:
    def build(base: Path, target: Path) -> None:
        content = clone(valid_content())
        change(content)
        write_branch_workbook(target, content)
    return build


def _openpyxl(change: Callable[[openpyxl.Workbook], None]) -> Callable[[Path, Path], None]:
    """Edit a copy of the valid workbook the way a person would in Excel."""
    def build(base: Path, target: Path) -> None:
        wb = openpyxl.load_workbook(base)
        change(wb)
        wb.save(target)
    return build


def _replace_part(base: Path, target: Path, part: str, write: Callable[[io.BufferedIOBase], None]) -> None:
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == part:
                with zout.open(info.filename, "w", force_zip64=False) as fh:
                    write(fh)
            else:
                zout.writestr(info.filename, zin.read(info.filename))


def _sheet_part(base: Path, sheet: str) -> str:
    """The zip part of a sheet, found the way Excel finds it (workbook.xml + rels)."""
    with zipfile.ZipFile(base) as zf:
        book = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet name="{re.escape(sheet)}" sheetId="\d+"[^>]*r:id="(rId\d+)"', book).group(1)
    target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
    return "xl/" + (target.group(1) or target.group(2))


def empty(base: Path, target: Path) -> None:
    target.write_bytes(b"")


def truncated(base: Path, target: Path) -> None:
    # A download cut off halfway: the zip's central directory (at the end) is gone.
    data = base.read_bytes()
    target.write_bytes(data[: len(data) // 2])


def docx_renamed(base: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")


def real_xls(base: Path, target: Path) -> None:
    raise AssertionError("made in one LibreOffice call by build_corpus")


def encrypted(base: Path, target: Path) -> None:
    # Excel's "加密文档": the workbook sealed in an OLE container (EncryptionInfo +
    # EncryptedPackage streams), made with msoffcrypto-tool, the test extra.
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(base, "rb") as src, open(target, "wb") as out:
        OOXMLFile(src).encrypt("支部2023", out)


def zip_bomb(base: Path, target: Path) -> None:
    # 20 MB of blanks inside the sheet XML compresses about 1000:1.
    part = _sheet_part(base, "问题清单")
    with zipfile.ZipFile(base) as zf:
        xml = zf.read(part)
    pad = b" " * (20 * 1024 * 1024)
    _replace_part(base, target, part, lambda fh: fh.write(xml.replace(b"<sheetData>", pad + b"<sheetData>", 1)))


def zip_bomb_lying(base: Path, target: Path) -> None:
    """The same bomb, but both zip headers claim the entry inflates to 3 KB."""
    zip_bomb(base, target)
    data = bytearray(target.read_bytes())
    part = _sheet_part(base, "问题清单").encode()
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (i := data.find(sig, start)) >= 0:
            name_at = 30 if sig == b"PK\x03\x04" else 46
            name_len = struct.unpack_from("<H", data, i + (26 if sig == b"PK\x03\x04" else 28))[0]
            if bytes(data[i + name_at:i + name_at + name_len]) == part:
                struct.pack_into("<I", data, i + size_at, 3000)
            start = i + 4
    target.write_bytes(bytes(data))


def entity_bomb(base: Path, target: Path) -> None:
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY l0 "lol">{lol}]>'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
           "<si><t>&l9;</t></si></sst>")
    _replace_part(base, target, "xl/sharedStrings.xml", lambda fh: fh.write(xml.encode()))


def million_rows(base: Path, target: Path) -> None:
    part = _sheet_part(base, "问题清单")
    with zipfile.ZipFile(base) as zf:
        xml = zf.read(part).decode()
    m = re.search(r"<sheetData>(.*?)</sheetData>", xml, re.S)
    header = re.search(r'<row r="1".*?</row>', m.group(1), re.S).group(0)
    before = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:E{ROWS_IN_BIG_SHEET}"/>', xml[:m.start()])

    def write(fh) -> None:
        fh.write((before + "<sheetData>" + header).encode())
        batch = []
        for r in range(2, ROWS_IN_BIG_SHEET + 1):
            # one short cell a row: ~45 MB of XML, under the part-size limit, so it
            # is the streamed row count that has to stop it
            batch.append(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>')
            if len(batch) == 20000:
                fh.write("".join(batch).encode())
                batch = []
        fh.write(("".join(batch) + "</sheetData>" + xml[m.end():]).encode())

    _replace_part(base, target, part, write)


def long_cell(base: Path, target: Path) -> None:
    # Excel and openpyxl stop at 32767 characters; a crafted file need not.
    part = _sheet_part(base, "问题清单")
    with zipfile.ZipFile(base) as zf:
        xml = zf.read(part).decode()
    text = "长" * LONG_CELL_CHARS
    xml, n = re.subn(r'<c r="F2"([^>]*?) t="s"><v>\d+</v></c>',
                     lambda m: f'<c r="F2"{m.group(1)} t="inlineStr"><is><t>{text}</t></is></c>', xml)
    assert n == 1, "F2 of 问题清单 not found"
    _replace_part(base, target, part, lambda fh: fh.write(xml.encode()))


def _sheet_xml(sheet: str, change: Callable[[bytes], bytes]) -> Callable[[Path, Path], None]:
    """Edit one worksheet's XML the way a crafted file would."""
    def build(base: Path, target: Path) -> None:
        part = _sheet_part(base, sheet)
        with zipfile.ZipFile(base) as zf:
            xml = zf.read(part)
        changed = change(xml)
        assert changed != xml, f"{sheet}: nothing changed"
        _replace_part(base, target, part, lambda fh: fh.write(changed))
    return build


def absurd_dimension(xml: bytes) -> bytes:
    # calamine sizes its grid from this: 16384 x 1048576 cells is 549 GB
    return re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)


def far_cell(xml: bytes) -> bytes:
    # one cell far away: calamine would allocate 16384 x 20000 cells (10 GB)
    return xml.replace(b"</sheetData>", b'<row r="20000"><c r="XFD20000"><v>1</v></c></row></sheetData>', 1)


def absurd_string_count(base: Path, target: Path) -> None:
    # calamine reserves uniqueCount strings before reading one: 4e9 aborts the process
    with zipfile.ZipFile(base) as zf:
        xml = zf.read("xl/sharedStrings.xml")
    xml = re.sub(rb'uniqueCount="\d+"', b'uniqueCount="4000000000"', xml)
    _replace_part(base, target, "xl/sharedStrings.xml", lambda fh: fh.write(xml))


def uncomputed_formula(wb: openpyxl.Workbook) -> None:
    # openpyxl, like many programs, saves formulas without computing them:
    # calamine reads such a cell as blank
    wb["问题清单"]["E3"] = "=\"集中学习\"&\"不够\""


def formula_errors(wb: openpyxl.Workbook) -> None:
    wb["问题清单"]["E3"] = "#REF!"          # stored as an error cell (t="e"), as Excel does
    wb["整改台账"]["D2"] = "#DIV/0!"


def merged_down(wb: openpyxl.Workbook) -> None:
    # 整改台账 rows 3 and 4 are both measures of P02: people merge the 问题编号.
    wb["整改台账"].merge_cells("A3:A4")


def hidden_rows(wb: openpyxl.Workbook) -> None:
    wb["问题清单"].row_dimensions[3].hidden = True
    wb["参会人员"].row_dimensions[4].hidden = True


def renamed_sheet(wb: openpyxl.Workbook) -> None:
    wb["问题清单"].title = "问题清单（改）"


def deleted_sheet(wb: openpyxl.Workbook) -> None:
    del wb["整改台账"]


def moved_columns(wb: openpyxl.Workbook) -> None:
    ws = wb["问题清单"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=7)]
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(reversed(values), start=1):
            ws.cell(r, c).value = value


def _meta(key: str, value: str) -> Callable[[openpyxl.Workbook], None]:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["_meta"]
        for row in ws.iter_rows():
            if row[0].value == key:
                row[1].value = value
    return change


def control_chars(c: Content) -> None:
    c.info["org_name"] = "综合科\x07党支部"
    c.tables["problems"][0]["summary"] = "集中学习\x01多照本宣科\x1f，研讨不够深入"
    c.tables["members"][1]["name"] = "林晓\x0bxx雯".replace("xx", "")


def injections(c: Content) -> None:
    """Template syntax and XML specials in every free-text field."""
    from toolkit.schema.workbooks import BRANCH_SHEETS, T

    texts = (T.TEXT, T.LONGTEXT)
    for i, col in enumerate(BRANCH_SHEETS[0].columns):
        if col.type in texts:
            c.info[col.key] = f"{INJECTIONS[i % len(INJECTIONS)]}｜{c.info.get(col.key) or '补充'}"
    for sheet in BRANCH_SHEETS[1:]:
        for n, row in enumerate(c.tables.get(sheet.key, [])):
            for col in sheet.columns:
                if col.type in texts and col.key != "pid":
                    row[col.key] = f"{row.get(col.key) or '内容'}{INJECTIONS[n % len(INJECTIONS)]}"


def traversal_name(c: Content) -> None:
    c.info["org_name"] = TRAVERSAL_NAME


def other_cycle(c: Content) -> None:
    c.meta["周期编号"] = "2019-OLD"


def lock_file(base: Path, target: Path) -> None:
    # What Excel writes beside an open workbook: the user's name, padded to 165 bytes.
    user = "周明远"
    data = bytes([len(user)]) + user.encode("utf-16-le")
    target.write_bytes(data + b"\x20" * (165 - len(data)))


def cycle_workbook(base: Path, target: Path) -> None:
    write_cycle_workbook(target)


PNG = (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
       + struct.pack(">I", zlib.crc32(b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))))
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
CSV = "党组织名称,年度,召开日期\n综合科党支部,2023,2023-8-25\n".encode("gb18030")

UNREADABLE = "unreadable-file"

CASES: tuple[Case, ...] = (
    Case("空文件.xlsx", "空文件（0 字节）", INPUT_ERRORS, UNREADABLE, "是空文件", build=empty,
         file_code="empty-file"),
    Case("乱码.xlsx", "不是压缩包的任意内容", INPUT_ERRORS, UNREADABLE, "无法识别的格式",
         build=_bytes(b"\x00\x13\x99garbage\x00" * 50), file_code="not-a-workbook"),
    Case("下载一半.xlsx", "下载中断、只剩一半的工作簿", INPUT_ERRORS, UNREADABLE, "文件已损坏", build=truncated, file_code="damaged"),
    Case("表格.csv.xlsx", "CSV 文本改名为 .xlsx", INPUT_ERRORS, UNREADABLE, "文本文件（如 CSV）", build=_bytes(CSV), file_code="not-a-workbook"),
    Case("报告.pdf.xlsx", "PDF 改名为 .xlsx", INPUT_ERRORS, UNREADABLE, "PDF 文件", build=_bytes(PDF), file_code="not-a-workbook"),
    Case("截图.png.xlsx", "图片改名为 .xlsx", INPUT_ERRORS, UNREADABLE, "PNG 图片", build=_bytes(PNG), file_code="not-a-workbook"),
    Case("材料.docx.xlsx", "Word 文档改名为 .xlsx", INPUT_ERRORS, UNREADABLE, "Word 文档", build=docx_renamed, file_code="not-a-workbook"),
    Case("旧格式.xls", "Excel 97-2003 的 .xls（LibreOffice 另存）", OK, "", "检查通过", build=real_xls),
    Case("旧格式另存.xlsx", ".xls 内容却以 .xlsx 命名（WPS 常见）", OK, "", "检查通过", build=real_xls),
    Case("WPS表格.et", "WPS 的 .et（与 .xls 同为 OLE/BIFF 容器）", OK, "", "检查通过", build=real_xls),
    Case("二进制.xlsb", "以 .xlsb 命名的工作簿（本机无工具能生成真正的 .xlsb）", OK, "", "检查通过",
         build=lambda base, target: shutil.copyfile(base, target)),
    Case("加密.xlsx", "设置了打开密码的工作簿", INPUT_ERRORS, UNREADABLE, "文件已加密，请取消密码后重新提交",
         build=encrypted, file_code="encrypted"),
    Case("压缩炸弹.xlsx", "压缩比约 1000 倍的内部文件（压缩炸弹）", INPUT_ERRORS, UNREADABLE, "压缩炸弹",
         build=zip_bomb, file_code="zip-bomb"),
    Case("谎报大小.xlsx", "压缩炸弹，且压缩包头谎报解压后大小", INPUT_ERRORS, UNREADABLE, "文件已损坏",
         build=zip_bomb_lying, file_code="damaged"),
    Case("实体炸弹.xlsx", "XML 实体炸弹（billion laughs）", INPUT_ERRORS, UNREADABLE, "实体炸弹", build=entity_bomb, file_code="entity-bomb"),
    Case("一百万行.xlsx", "问题清单有 1,000,000 行", INPUT_ERRORS, UNREADABLE, "超过 20000 行", build=million_rows, file_code="too-many-rows"),
    Case("超长单元格.xlsx", "一个单元格 100,000 字", INPUT_ERRORS, "text-too-long", "内容过长（100000 字）",
         "问题清单!F2", build=long_cell),
    Case("控制字符.xlsx", "单元格里夹带控制字符（复制粘贴带入）", OK, "", "检查通过", build=_content(control_chars)),
    Case("公式错误.xlsx", "单元格是公式错误 #REF!、#DIV/0!", INPUT_ERRORS, "formula-error", "公式错误 #REF!",
         "问题清单!E3", build=_openpyxl(formula_errors)),
    Case("未计算公式.xlsx", "公式没有保存计算结果（其他程序生成、从未计算）", INPUT_ERRORS, "formula-not-computed",
         "没有保存它的计算结果", "问题清单!E3", build=_openpyxl(uncomputed_formula)),
    Case("合并单元格.xlsx", "整改台账中“问题编号”跨行合并", OK, "", "检查通过", build=_openpyxl(merged_down)),
    Case("隐藏行.xlsx", "问题清单、参会人员中有隐藏行", OK, "", "检查通过", build=_openpyxl(hidden_rows)),
    Case("改名工作表.xlsx", "把“问题清单”工作表改了名", INPUT_ERRORS, "missing-sheet", "缺少工作表“问题清单”",
         build=_openpyxl(renamed_sheet)),
    Case("删除工作表.xlsx", "删除了“整改台账”工作表", INPUT_ERRORS, "missing-sheet", "缺少工作表“整改台账”",
         build=_openpyxl(deleted_sheet)),
    Case("调换列序.xlsx", "问题清单的列顺序整体颠倒", OK, "", "检查通过", build=_openpyxl(moved_columns)),
    Case("旧版模板.xlsx", "旧版模板（模板版本 2022.1）", OK, "old-template-version", "当前可读取的版本为 2023.1",
         build=_openpyxl(_meta("模板版本", "2022.1"))),
    Case("其他周期.xlsx", "其他周期（周期编号 2019-OLD）的填报表", OK, "", "检查通过", build=_content(other_cycle),
         note="collect --cycle 时列为“有错误”：周期编号不符"),
    Case("模板注入.xlsx", "每个文本栏都填 {{ 7*7 }}、{% for %}、A&B<C>、]]> 等", OK, "", "检查通过",
         build=_content(injections), note="render 原样输出这些文字，不执行、不破坏文档"),
    Case("路径名称.xlsx", "党组织名称含 ../ 和路径分隔符", OK, "", "检查通过", build=_content(traversal_name),
         note="render/collect 的输出文件名经过清理，只写在输出文件夹内"),
    Case("重复提交副本.xlsx", "同一份填报表提交两次（有效.xlsx 的原样副本）", OK, "", "检查通过",
         build=lambda base, target: shutil.copyfile(base, target), note="collect 时第二份列为“重复提交”"),
    Case("~$综合科党支部.xlsx", "Excel 打开文件时生成的 ~$ 锁定文件", INPUT_ERRORS, UNREADABLE, "临时锁定文件",
         build=lock_file, file_code="lock-file"),
    Case("周期设置.xlsx", "把周期设置表当作填报表提交", INPUT_ERRORS, "not-branch-workbook", "不是支部填报表",
         build=cycle_workbook, file_code="wrong-kind"),
    Case("超大范围.xlsx", "工作表声明的范围是 A1:XFD1048576（读取库会因此崩溃）", INPUT_ERRORS, UNREADABLE,
         "远超支部填报表的规模", build=_sheet_xml("问题清单", absurd_dimension), file_code="absurd-size"),
    Case("远处单元格.xlsx", "一个单元格位于 XFD20000（读取库会占用 10 GB 内存）", INPUT_ERRORS, UNREADABLE,
         "远超支部填报表的规模", build=_sheet_xml("问题清单", far_cell), file_code="absurd-size"),
    Case("字符串条数.xlsx", "共享字符串表谎称有 40 亿条（读取库会因此崩溃）", INPUT_ERRORS, UNREADABLE,
         "远超支部填报表的规模", build=absurd_string_count, file_code="absurd-size"),
)

VALID_NAME = "有效.xlsx"


def build_corpus(out: Path) -> dict[str, Path]:
    """Write every case (and the valid workbook they start from) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    base = out / VALID_NAME
    write_branch_workbook(base, valid_content())
    paths = {VALID_NAME: base}
    for case in CASES:
        if case.build is real_xls:
            continue
        target = out / case.file
        case.build(base, target)
        paths[case.file] = target
    xls = _convert_to_xls(base)
    for case in CASES:
        if case.build is real_xls:
            paths[case.file] = out / case.file
            shutil.copyfile(xls, paths[case.file])
    return paths


def _convert_to_xls(base: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise RuntimeError("LibreOffice (soffice) is needed to write the .xls case")
    work = Path(tempfile.mkdtemp(prefix="corpus_xls_"))
    with tempfile.TemporaryDirectory(prefix="lo_corpus_") as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "xls", "--outdir", str(work), str(base)],
                       check=True, capture_output=True, timeout=180)
    xls = work / (base.stem + ".xls")
    if not xls.exists() or xls.stat().st_size == 0:
        raise RuntimeError("LibreOffice wrote no .xls")
    return xls


def table() -> str:
    lines = ["| 文件 | 尝试 | 退出码 | 代码 | 文件代码 | 提示（片段） | 位置 |", "|---|---|---|---|---|---|---|"]
    for c in CASES:
        lines.append(f"| {c.file} | {c.what} | {c.status} | {c.code or '—'} | {c.file_code or '—'} | {c.fragment} "
                     f"| {c.where or '—'} |")
    return "\n".join(lines)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus_out")
    for name, path in build_corpus(target).items():
        print(f"{path.stat().st_size:>10}  {name}")
    print(table())
