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
