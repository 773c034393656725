"""The long sheets' data rows as sheet XML, spliced into the workbook XlsxWriter wrote.

Why by hand. XlsxWriter writes everything else of the 汇总表 (formats, header rows,
column widths, filters, conditional formats, comments, charts, print setup), but its
per-cell path, even in constant_memory mode with plain str/int/float and no
formats, measured about 72,000 cells/s (CPU) on this machine: each cell becomes a
cell object, passes a dimension check, an attribute list and three regular
expressions. A province's top 汇总表 holds about 1.5 M problem and measure rows plus
100,000 branch rows, some 25 M cells: more than five minutes for writing alone.
Here a row is one f-string per cell and one write per row (about ten times
faster), in the same inline-string form XlsxWriter uses in constant_memory mode,
and the style indexes are XlsxWriter's own formats (``xf``).

The rows go to a temporary file per sheet while the sheet is built; after
XlsxWriter closes the workbook, ``splice`` copies the package once, putting each
sheet's rows after its header row and its true size in ``<dimension>``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from xlsxwriter.utility import xl_col_to_name

_EPOCH = dt.date(1899, 12, 30)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_ESCAPED = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_STR_MAX = 32767  # Excel's longest cell text; XlsxWriter cuts there too
# zlib level 1: the sheets are a gigabyte of XML at provincial scale; level 6 (zipfile's
# default) takes about three times as long for a file about a fifth smaller.
COMPRESS_LEVEL = 1


def xf(cell_format) -> str:
    """The ``s`` attribute of a cell in XlsxWriter format ``cell_format`` ("" for none)."""
    return f' s="{cell_format._get_xf_index()}"' if cell_format is not None else ""


def _text(v: str) -> str:
    if len(v) > _STR_MAX:
        v = v[:_STR_MAX]
    if not v.isprintable():  # control characters as Excel writes them: _xHHHH_
        v = _CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", _ESCAPED.sub(r"_x005F\1", v))
        v = v.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    if "&" in v or "<" in v or ">" in v:
        v = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return v


class SheetRows:
    """Rows 2… of one worksheet, as XML in a temporary file (``splice`` puts them in).

    ``add(r, cells, height)``: r the 0-based row, cells ((column, value, style), …)
    in column order, style from ``xf`` or "" and, for a date, the date style.
    Text stays text (never a formula, number or link); True/False are written 是/否.
    """

    def __init__(self, ws, tmpdir: str | None = None):
        self.ws = ws
        # closed by splice, after the workbook is written
        self.fh = tempfile.TemporaryFile("w+", encoding="utf-8", newline="", dir=tmpdir,  # noqa: SIM115
                                         buffering=1 << 20)
        self.last_row = 0
        self.last_col = 0
        self.rows = 0
        self._refs = [xl_col_to_name(c) for c in range(128)]

    def add(self, r: int, cells, height: float | None = None) -> None:
        n = str(r + 1)
        refs = self._refs
        out = [f'<row r="{n}" ht="{height:g}" customHeight="1">' if height else f'<row r="{n}">']
        last = -1
        for c, v, s in cells:
            if v is None:
                continue
            t = type(v)
            if t is str:
                if not v:
                    continue
                sp = ' xml:space="preserve"' if v[0].isspace() or v[-1].isspace() else ""
                out.append(f'<c r="{refs[c]}{n}"{s} t="inlineStr"><is><t{sp}>{_text(v)}</t></is></c>')
            elif t is int or t is float:
                out.append(f'<c r="{refs[c]}{n}"{s}><v>{v:.16G}</v></c>')
            elif t is bool:
                out.append(f'<c r="{refs[c]}{n}"{s} t="inlineStr"><is><t>{"是" if v else "否"}</t></is></c>')
            elif isinstance(v, dt.date):
                d = v.date() if isinstance(v, dt.datetime) else v
                out.append(f'<c r="{refs[c]}{n}"{s}><v>{(d - _EPOCH).days}</v></c>')
            elif isinstance(v, (int, float)):
                out.append(f'<c r="{refs[c]}{n}"{s}><v>{float(v):.16G}</v></c>')
            else:
                text = str(v)
                if not text:
                    continue
                out.append(f'<c r="{refs[c]}{n}"{s} t="inlineStr"><is><t>{_text(text)}</t></is></c>')
            last = c
        out.append("</row>")
        self.fh.write("".join(out))
        self.rows += 1
        self.last_row = max(self.last_row, r)
        self.last_col = max(self.last_col, last)


def _dimension(xml: str, rows: SheetRows) -> str:
    m = re.search(r'<dimension ref="([A-Z]+)1(?::([A-Z]+)(\d+))?"/>', xml)
    if not m:
        return xml
    first_col = m.group(1)
    head_last = m.group(2) or first_col
    last_col = max(head_last, xl_col_to_name(rows.last_col), key=lambda s: (len(s), s))
    ref = f"{first_col}1:{last_col}{max(rows.last_row + 1, int(m.group(3) or 1))}"
    return xml[:m.start()] + f'<dimension ref="{ref}"/>' + xml[m.end():]


def splice(path: Path, sheets: list[SheetRows]) -> None:
    """Rewrite the package at ``path``: each sheet's rows go in after its header row."""
    by_part = {f"xl/worksheets/sheet{s.ws.index + 1}.xml": s for s in sheets if s.rows}
    if not by_part:
        for s in sheets:
            s.fh.close()
        return
    out = Path(str(path) + ".rows")
    try:
        with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True,
                                                           compresslevel=COMPRESS_LEVEL) as zout:
            for info in zin.infolist():
                data = zin.read(info)
                rows = by_part.pop(info.filename, None)
                if rows is None:
                    zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
                    continue
                _splice_one(zout, info, data.decode("utf-8"), rows)
        if by_part:  # never: every worksheet XlsxWriter wrote is sheetN.xml in add order
            raise RuntimeError(f"工作表文件缺失：{sorted(by_part)}")
        os.replace(out, path)
    finally:
        for s in sheets:
            s.fh.close()
        out.unlink(missing_ok=True)


def _splice_one(zout: zipfile.ZipFile, info: zipfile.ZipInfo, xml: str, rows: SheetRows) -> None:
    end = xml.find("</sheetData>")
    if end < 0:  # no header row either: an empty sheetData element
        empty = xml.find("<sheetData/>")
        head, tail = xml[:empty] + "<sheetData>", xml[empty + len("<sheetData/>"):]
    else:
        head, tail = xml[:end], xml[end + len("</sheetData>"):]
    head = _dimension(head, rows)
    with zout.open(info.filename, "w", force_zip64=True) as dst:  # the ZipFile's compresslevel
        dst.write(head.encode("utf-8"))
        rows.fh.flush()
        with open(rows.fh.fileno(), "rb", closefd=False) as raw:
            raw.seek(0)
            shutil.copyfileobj(raw, dst, 1 << 20)
        dst.write(b"</sheetData>" + tail.encode("utf-8"))
