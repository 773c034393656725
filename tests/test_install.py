"""The package installs as a package, and the offline bundle installs without internet.

The slow tests build the wheel from a copy of the source tree, install it into
fresh virtual environments and run the demo from an unrelated folder, as a new
user or CI would. pip's downloads are cached for this test run only (CI starts
fresh), so the bundles after the first reuse them.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import venv
import zipfile
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from toolkit.io.pdf import _FONTS_CONF
from toolkit.workflows import bundle
from toolkit.writers.render import DOCUMENTS, TEMPLATE_DIR

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_FILES = {f for _, f in DOCUMENTS} | {"变量说明.md"}
RUNNER_CACHES = {".hypothesis", ".pytest_cache"}


@pytest.fixture(scope="session")
def pip_env(tmp_path_factory):
    """Environment for pip calls: a cache for this run only, nothing from the user's config."""
    cache = tmp_path_factory.mktemp("pip-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PIP_CACHE_DIR", str(cache))  # also for the pip that make_bundle starts
        yield dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")


def offline(env: dict) -> dict:
    """pip with no index and no find-links but what the command line gives."""
    env = {k: v for k, v in env.items() if not k.startswith("PIP_") or k == "PIP_CACHE_DIR"}
    return dict(env, PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1")


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(list(map(str, cmd)), capture_output=True, text=True, **kwargs)
    assert proc.returncode == 0, f"{cmd} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def tree_state(root: Path) -> tuple:
    """Everything in the source tree that a build could leave behind (ignored files included)."""
    # the test runners' own caches (.hypothesis, .pytest_cache) may appear while another worker runs
    top = sorted(p.name for p in root.iterdir() if p.name not in RUNNER_CACHES)
    inside = sorted(str(p.relative_to(root)) for d in ("toolkit", "docx_templates", "scripts")
                    for p in (root / d).rglob("*") if "__pycache__" not in p.parts)
    return top, inside


# --- package data, fast -------------------------------------------------------------

def test_setup_cfg_lists_every_subpackage():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    listed = set(cfg["options"]["packages"].split())
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "toolkit").rglob("__init__.py")
             if "__pycache__" not in p.parts}
    assert listed == found | {"toolkit.templates"}
    assert cfg["options"]["package_dir"].split() == ["toolkit.templates", "=", "docx_templates"]


def test_templates_and_fonts_are_package_data():
    assert {p.name for p in TEMPLATE_DIR.iterdir()} >= TEMPLATE_FILES
    assert TEMPLATE_DIR.resolve() == (ROOT / "docx_templates").resolve()  # the editable install
    assert _FONTS_CONF.is_file()


def test_runtime_dependencies_leave_out_test_and_benchmark_tools():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    runtime = {canonicalize_name(Requirement(r).name) for r in cfg["options"]["install_requires"].split("\n") if r}
    assert not runtime & {"pytest", "hypothesis", "oletools", "msoffcrypto-tool", "ruff", "radon"}
    assert "pandas" in runtime  # the roll-up's aggregation: one of the four packages the toolkit is built on
    extras = cfg["options.extras_require"]
    assert "pytest" in extras["test"] and "ruff" in extras["test"]


# --- the wheel ----------------------------------------------------------------------

@pytest.fixture(scope="session")
def source_copy(tmp_path_factory):
    copy = tmp_path_factory.mktemp("src") / "orglife"
    copy.mkdir()
    for item in ("setup.cfg", "pyproject.toml", "README.md", "MANIFEST.in", "toolkit", "docx_templates", "scripts"):
        if (ROOT / item).is_dir():
            shutil.copytree(ROOT / item, copy / item, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(ROOT / item, copy / item)
    return copy


@pytest.fixture(scope="session")
def wheel(tmp_path_factory, pip_env):
    before = tree_state(ROOT)
    out = tmp_path_factory.mktemp("dist")
    own = bundle._own_wheel(out / "own")
    assert tree_state(ROOT) == before, "building the wheel wrote into the source tree"
    return own


@pytest.fixture
def built_once(wheel, monkeypatch):
    """make_bundle takes the session's wheel (built and checked above) instead of building its own again."""
    def own_wheel(out: Path) -> Path:
        out.mkdir(parents=True)
        return Path(shutil.copy2(wheel, out))
    monkeypatch.setattr(bundle, "_own_wheel", own_wheel)


def test_wheel_holds_templates_reference_and_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"toolkit/templates/{f}" for f in TEMPLATE_FILES} <= names
    assert "toolkit/data/fonts.conf" in names
    assert not any(n.startswith(("tests/", "docx_templates/", "scripts/")) for n in names)


def _fresh_venv(path: Path) -> Path:
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / ("Scripts" if os.name == "nt" else "bin")


def test_pip_install_source_and_wheel_find_the_templates(tmp_path, wheel, source_copy, pip_env):
    """pip install . and pip install orglife-*.whl put the templates where the code looks."""
    bin_dir = _fresh_venv(tmp_path / "env")
    probe = ("import importlib.resources as r; "
             "print('\\n'.join(sorted(p.name for p in r.files('toolkit.templates').iterdir())))")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    before = tree_state(source_copy)
    for target in (source_copy, wheel):
        run([bin_dir / "python", "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", target],
            env=pip_env, cwd=elsewhere)
        assert tree_state(source_copy) == before, "pip install . wrote into the source tree"
        shown = run([bin_dir / "python", "-c", probe], cwd=elsewhere).stdout.split()
        assert set(shown) >= TEMPLATE_FILES, target


# --- the offline bundle ---------------------------------------------------------------

def test_bundle_refuses_an_existing_folder_without_force(tmp_path):
    (tmp_path / "安装包").mkdir()
    (tmp_path / "安装包" / "别人的文件.txt").write_text("x", encoding="utf-8")
    from toolkit.errors import UsageError
    with pytest.raises(UsageError, match="--force"):
        bundle.make_bundle(tmp_path / "安装包")
    with pytest.raises(UsageError, match=r"3\.11"):
        bundle.make_bundle(tmp_path / "新", python="3.10")


def test_unfit_wheels_are_named():
    names = [Path("a-1-py3-none-any.whl"), Path("b-1-cp311-cp311-win_amd64.whl"),
             Path("c-1-cp311-cp311-manylinux_2_17_x86_64.whl"), Path("d-1-cp312-cp312-win_amd64.whl"),
             Path("e-1-cp38-abi3-win_amd64.whl")]
    assert bundle.unfit_wheels(names, bundle.WINDOWS, "3.11") == [names[2].name, names[3].name]


def _windows_environment(python: str) -> dict:
    env = default_environment()
    env.update(sys_platform="win32", platform_system="Windows", os_name="nt", platform_machine="AMD64",
               implementation_name="cpython", platform_python_implementation="CPython",
               python_version=python, python_full_version=python + ".0")
    return env


@pytest.mark.parametrize("python", ["3.11", "3.12"])
def test_windows_bundle_has_a_fitting_wheel_for_every_dependency(tmp_path, pip_env, built_once, python):
    result = bundle.make_bundle(tmp_path / "安装包", platform=bundle.WINDOWS, python=python)
    wheels = {canonicalize_name(parse_wheel_filename(w.name)[0]): w for w in result.wheels}
    assert bundle.unfit_wheels(result.wheels, bundle.WINDOWS, python) == []
    assert "orglife" in wheels and "pywin32" in wheels and "xlwings" in wheels
    # every requirement of every wheel, as Windows evaluates it, is in the folder
    marker_env = _windows_environment(python)
    for path in result.wheels:
        with zipfile.ZipFile(path) as zf:
            meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
            lines = zf.read(meta).decode("utf-8").splitlines()
        for line in lines:
            if line.startswith("Requires-Dist:"):
                req = Requirement(line.split(":", 1)[1].strip())
                if req.marker is None or req.marker.evaluate(marker_env):
                    name = canonicalize_name(req.name)
                    assert name in wheels, f"{path.name} needs {req}, not in the bundle"
                    assert req.specifier.contains(parse_wheel_filename(wheels[name].name)[1], prereleases=True)
    files = {p.name for p in result.folder.iterdir()}
    assert {"安装.cmd", "安装.sh", "使用说明.txt", "生成材料.cmd", "汇总.cmd", "wheels"} <= files
    cmd = (result.folder / "安装.cmd").read_bytes()
    assert b"\r\n" in cmd and b"\n" not in cmd.replace(b"\r\n", b"")
    text = cmd.decode("gbk")
    assert "--no-index" in text and "excel-setup" in text and f"py -{python}" in text
    with zipfile.ZipFile(result.archive) as zf:
        assert f"安装包/wheels/{wheels['orglife'].name}" in zf.namelist()


def test_linux_bundle_installs_offline_and_runs_the_demo_with_pdf(tmp_path, pip_env, built_once):
    """CI's check of the whole install: wheel + dependencies, no index, demo from an unrelated folder."""
    if not shutil.which("soffice"):
        pytest.fail("LibreOffice (soffice) is required for this test; run scripts/bootstrap.sh")
    result = bundle.make_bundle(tmp_path / "bundle", platform="linux")
    home = tmp_path / "home"
    run(["sh", result.folder / "安装.sh"], env=dict(offline(pip_env), ORGLIFE_HOME=str(home)), cwd=tmp_path)
    orglife = home / "env" / "bin" / "orglife"
    elsewhere = tmp_path / "某个文件夹"
    elsewhere.mkdir()
    proc = run([orglife, "demo", "--pdf", "-o", "演示", "--jobs", "1"], cwd=elsewhere,
               env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    pdfs = sorted((elsewhere / "演示").rglob("*.pdf"))
    assert any(p.name.endswith("_情况报告.pdf") for p in pdfs), proc.stdout[-2000:]
    assert any(p.name == "汇总报告.pdf" for p in pdfs), proc.stdout[-2000:]
