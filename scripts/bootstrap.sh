#!/usr/bin/env bash
# One entry point for people and CI: sets everything up, then runs a command.
#   bash scripts/bootstrap.sh demo [-o 演示]   the whole pipeline on the built-in sample
#   bash scripts/bootstrap.sh test [pytest args] the test suite
# Set-up: LibreOffice, CJK fonts and poppler through apt-get (only when root and
# really missing), a fontconfig alias for the 公文 fonts, a virtual environment
# in .venv with the package installed in editable mode.
#
# Every step checks before it acts, so a second run does nothing but the
# command, and a run without network works when everything is already there.
# A step that cannot be done (no root, no network, unwritable HOME) prints a
# hint naming what is really missing and the run goes on.
set -euo pipefail
cd "$(dirname "$0")/.."

hint() { echo "提示：$*" >&2; }

# Captured once, then matched: `fc-list | grep -q` under pipefail reports a
# present font as missing when grep closes the pipe before fc-list is done.
families=""
if command -v fc-list >/dev/null 2>&1; then
  families=$(fc-list : family 2>/dev/null || true)
fi
has_family() { [[ "$families" == *"$1"* ]]; }

need_apt=()
command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v fc-list >/dev/null 2>&1 || need_apt+=(fontconfig)
has_family "Noto Serif CJK" || need_apt+=(fonts-noto-cjk)
has_family "AR PL UKai" || need_apt+=(fonts-arphic-ukai)
# the tests are run once more with the clock a year ahead (.ci/run): only they need faketime
case "${1:-demo}" in test | bench) command -v faketime >/dev/null 2>&1 || need_apt+=(faketime) ;; esac
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "安装系统软件包：${need_apt[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq >/dev/null && \
           apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null; }; then
      hint "无法安装 ${need_apt[*]}（没有网络或软件源被占用）。不影响生成 Word 文档；生成 PDF 和完整测试需要它们，可稍后重新运行本脚本。"
    fi
  else
    hint "缺少 ${need_apt[*]}。不影响生成 Word 文档；生成 PDF 需要 LibreOffice 和中文字体，请让管理员安装：sudo apt-get install ${need_apt[*]}"
  fi
fi

# 公文 fonts (仿宋_GB2312, 楷体_GB2312, 黑体, 方正小标宋简体) -> installed CJK fonts,
# for opening the documents by hand. PDF conversion does not need it: it passes
# the same file to LibreOffice itself.
if [ -n "${XDG_CONFIG_HOME:-}" ] || [ -n "${HOME:-}" ]; then
  fc_dir="${XDG_CONFIG_HOME:-${HOME:-}/.config}/fontconfig/conf.d"
  if ! cmp -s toolkit/data/fonts.conf "$fc_dir/60-orglife.conf" 2>/dev/null; then
    if mkdir -p "$fc_dir" 2>/dev/null && cp toolkit/data/fonts.conf "$fc_dir/60-orglife.conf" 2>/dev/null; then
      fc-cache -f >/dev/null 2>&1 || true
    else
      hint "无法写入 $fc_dir，未设置字体别名。只影响手工打开文档时的字体显示，生成 PDF 不受影响。"
    fi
  fi
fi

cmd=${1:-demo}
shift || true
# Test and benchmark tools are extras: a demo needs only the runtime packages.
case "$cmd" in
  test) want="[test]" ;;
  bench) want="[test]" ;;  # pandas, which the benchmarks compare against, is a runtime package
  *) want="" ;;
esac
have=$(cat .venv/.orglife-extras 2>/dev/null || echo none)
satisfied=no
if [ "$have" != none ]; then
  case "$want" in
    "" | "$have") satisfied=yes ;;
    "[test]") [ "$have" = "[test,bench]" ] && satisfied=yes ;;
  esac
fi
[ "$satisfied" = yes ] && [ "$have" != none ] && want=$have  # keep what is installed

py=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
fi
stamp=.venv/.orglife-installed
if [ "$satisfied" = no ] || [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  if ! .venv/bin/python -m pip install -q --disable-pip-version-check -e ".$want"; then
    echo "错误：无法在 .venv 中安装本工具（需要能访问 PyPI 或内网镜像）。" >&2
    exit 1
  fi
  printf '%s' "$want" > .venv/.orglife-extras
  touch "$stamp"
fi

case "$cmd" in
  demo) exec .venv/bin/orglife demo "$@" ;;
  # one worker per core, each test file whole on one worker (its module fixtures built once)
  test) exec .venv/bin/python -m pytest -q -n auto --dist loadfile "$@" ;;
  bench) exec .venv/bin/python "$@" ;;
  *) exec .venv/bin/orglife "$cmd" "$@" ;;
esac
