"""scripts/bootstrap.sh checks before it acts and goes on when a step cannot be done.

Each test runs the real script in a scratch copy of the project with stand-ins
on PATH: apt-get, id, fc-list and the virtual environment's python record what
they were asked and never touch the machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTEST = "python -m pytest -q -n auto --dist loadfile"  # the suite on every core, a file per worker


def _stub(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(0o755)


@pytest.fixture
def project(tmp_path):
    """A project copy whose .venv is installed already (stand-ins that log their calls)."""
    root = tmp_path / "orglife"
    (root / "scripts").mkdir(parents=True)
    shutil.copy2(ROOT / "scripts" / "bootstrap.sh", root / "scripts")
    (root / "toolkit" / "data").mkdir(parents=True)
    shutil.copy2(ROOT / "toolkit" / "data" / "fonts.conf", root / "toolkit" / "data")
    for name in ("setup.cfg", "pyproject.toml"):
        shutil.copy2(ROOT / name, root)
    venv_bin = root / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    log = tmp_path / "calls.log"
    _stub(venv_bin / "python", f'echo "python $*" >> "{log}"')
    _stub(venv_bin / "orglife", f'echo "orglife $*" >> "{log}"')
    (root / ".venv" / ".orglife-extras").write_text("[test]", encoding="utf-8")
    past = time.time() - 3600
    for name in ("setup.cfg", "pyproject.toml"):
        os.utime(root / name, (past, past))
    (root / ".venv" / ".orglife-installed").touch()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _stub(bin_dir / "apt-get", f'echo "apt-get $*" >> "{log}"; exit 100')  # offline: every apt call fails
    home = tmp_path / "home"
    home.mkdir()
    return root, bin_dir, log, home


def run_bootstrap(project, *args, env_extra=None, root_user=True, fonts=True):
    root, bin_dir, log, home = project
    _stub(bin_dir / "id", "echo 0" if root_user else "echo 1000")
    for tool in ("soffice", "pdftotext"):
        _stub(bin_dir / tool, "exit 0")
    families = "Noto Serif CJK SC\nAR PL UKai CN\nDejaVu Sans" if fonts else "DejaVu Sans"
    _stub(bin_dir / "fc-list", f"printf '%s\\n' '{families}'")
    _stub(bin_dir / "fc-cache", "exit 0")
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", **(env_extra or {})}
    proc = subprocess.run(["bash", str(root / "scripts" / "bootstrap.sh"), *args], env=env,
                          capture_output=True, text=True, timeout=60)
    calls = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return proc, calls


def test_everything_present_runs_the_command_without_apt_or_pip(project):
    proc, calls = run_bootstrap(project, "demo", "-o", "演示")
    assert proc.returncode == 0, proc.stderr
    assert calls == ["orglife demo -o 演示"]
    assert proc.stderr == ""
    conf = project[3] / ".config" / "fontconfig" / "conf.d" / "60-orglife.conf"
    assert conf.read_bytes() == (ROOT / "toolkit" / "data" / "fonts.conf").read_bytes()
    proc, calls = run_bootstrap(project, "test", "-x")  # second run, [test] already installed
    assert proc.returncode == 0 and calls == [PYTEST + " -x"] and proc.stderr == ""


def test_font_list_longer_than_a_pipe_buffer_is_read_whole(project):
    """grep -q under pipefail used to report present fonts as missing (SIGPIPE on fc-list)."""
    root, bin_dir, log, home = project
    proc, _calls = run_bootstrap(project, "demo")
    _stub(bin_dir / "fc-list", "echo 'Noto Serif CJK SC'; echo 'AR PL UKai CN'; yes 'Some Font' | head -c 300000")
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    for _ in range(3):
        proc = subprocess.run(["bash", str(root / "scripts" / "bootstrap.sh"), "demo"], env=env,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0 and "apt-get" not in log.read_text(encoding="utf-8"), proc.stderr
        assert "安装系统软件包" not in proc.stderr


def test_offline_root_with_a_missing_font_goes_on_with_a_hint(project):
    proc, calls = run_bootstrap(project, "demo", fonts=False)
    assert proc.returncode == 0, proc.stderr
    assert calls[0].startswith("apt-get") and calls[-1] == "orglife demo"
    assert "fonts-noto-cjk" in proc.stderr and "无法安装" in proc.stderr
    assert "libreoffice" not in proc.stderr  # only what is really missing


def test_non_root_gets_a_hint_for_what_is_missing_only(project):
    proc, calls = run_bootstrap(project, "demo", root_user=False, fonts=False)
    assert proc.returncode == 0, proc.stderr
    assert calls == ["orglife demo"]
    assert "缺少 fonts-noto-cjk fonts-arphic-ukai" in proc.stderr and "poppler" not in proc.stderr
    proc, calls = run_bootstrap(project, "demo", root_user=False)
    assert proc.returncode == 0 and proc.stderr == ""


def test_unwritable_home_goes_on_with_a_hint(project):
    proc, calls = run_bootstrap(project, "demo", env_extra={"HOME": "/proc/orglife-no-home"})
    assert proc.returncode == 0, proc.stderr
    assert calls == ["orglife demo"]
    assert "无法写入" in proc.stderr and "生成 PDF 不受影响" in proc.stderr


def test_test_tools_are_installed_only_for_tests(project):
    root = project[0]
    (root / ".venv" / ".orglife-extras").unlink()
    (root / ".venv" / ".orglife-installed").unlink()
    proc, calls = run_bootstrap(project, "demo")
    assert proc.returncode == 0, proc.stderr
    assert calls[0].endswith("pip install -q --disable-pip-version-check -e .") and calls[-1] == "orglife demo"
    proc, calls = run_bootstrap(project, "test")
    assert calls[0].endswith("-e .[test]") and calls[-1] == PYTEST
    proc, calls = run_bootstrap(project, "demo")
    assert calls == ["orglife demo"]  # the test tools stay; nothing is reinstalled
