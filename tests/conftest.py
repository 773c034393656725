import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# CI replays the same examples on every run (a red CI is a real regression);
# a local run explores new ones. Every failure found stays as an @example.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def soffice_convert(paths, target: str, out_dir: Path, timeout: int = 300) -> list[Path]:
    """Convert files with LibreOffice headless in one call (private profile)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.fail("LibreOffice (soffice) is required for this test; run scripts/bootstrap.sh")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo_test_") as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", target, "--outdir", str(out_dir), *map(str, paths)],
                       check=True, capture_output=True, timeout=timeout)
    ext = target.split(":")[0]
    results = [out_dir / (Path(p).stem + "." + ext) for p in paths]
    for r in results:
        assert r.exists() and r.stat().st_size > 0, f"LibreOffice produced nothing for {r.name}"
    return results


@pytest.fixture
def soffice():
    return soffice_convert


# The files whose tests read today's date or the time (documents' dates and their
# goldens, checks, collect, reminders, carry): .ci/run runs them once more with the
# clock 400 days ahead (faketime ... pytest -m clock). A test elsewhere that reads
# the clock says so with @pytest.mark.clock.
CLOCK_FILES = {"test_render.py", "test_check.py", "test_sheets.py", "test_typing.py",
               "test_collect.py", "test_remind.py", "test_carry.py", "test_marks.py"}

# The slowest files first (measured with --durations): with a file per worker
# (--dist loadfile) a slow file started last would leave the other workers idle.
SLOW_FIRST = ("test_install.py", "test_roundtrip.py", "test_sheets.py", "test_outputs.py", "test_hostile.py",
              "test_remind.py", "test_carry.py", "test_libreoffice.py", "test_rollup.py", "test_fuzz.py",
              "test_macro.py", "test_collect.py", "test_paperwork.py", "test_render.py", "test_layout.py")


def pytest_configure(config):
    # keep the order below instead of xdist's (most tests first)
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name in CLOCK_FILES:
            item.add_marker(pytest.mark.clock)
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: a file's own order stays
