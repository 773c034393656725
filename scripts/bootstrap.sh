#!/usr/bin/env bash
# One entry point for people and CI: sets everything up, then runs a command.
#   bash scripts/bootstrap.sh demo [-o 演示]   the whole pipeline on the built-in sample
#   bash scripts/bootstrap.sh test [pytest args] the test suite
# Set-up: LibreOffice, CJK fonts and poppler through apt-get (when root and
# missing), a fontconfig alias for the 公文 fonts, a virtual environment in
# .venv with the package installed in editable mode.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

need_apt=()
command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v fc-list >/dev/null 2>&1 || need_apt+=(fontconfig)
if ! fc-list 2>/dev/null | grep -q "Noto Serif CJK"; then need_apt+=(fonts-noto-cjk); fi
if ! fc-list 2>/dev/null | grep -q "AR PL UKai"; then need_apt+=(fonts-arphic-ukai); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "安装系统软件包：${need_apt[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "提示：缺少 ${need_apt[*]}，生成 PDF 需要 LibreOffice 和中文字体（请以 root 运行或手动安装）。" >&2
  fi
fi

# 公文 fonts (仿宋_GB2312, 楷体_GB2312, 黑体, 方正小标宋简体) -> installed CJK fonts
fc_dir="${XDG_CONFIG_HOME:-$HOME/.config}/fontconfig/conf.d"
mkdir -p "$fc_dir"
if ! cmp -s toolkit/data/fonts.conf "$fc_dir/60-orglife.conf"; then
  cp toolkit/data/fonts.conf "$fc_dir/60-orglife.conf"
  fc-cache -f >/dev/null 2>&1 || true
fi

py=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
fi
stamp=.venv/.orglife-installed
if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
  touch "$stamp"
fi

cmd=${1:-demo}
shift || true
case "$cmd" in
  demo) exec .venv/bin/orglife demo "$@" ;;
  test) exec .venv/bin/python -m pytest -q "$@" ;;
  *) exec .venv/bin/orglife "$cmd" "$@" ;;
esac
