"""PEP 517 build backend: setuptools, run on a copy of the sources.

setuptools writes build/ and orglife.egg-info/ next to setup.cfg while it
builds, so ``pip install .``, ``pip wheel .`` and ``python -m build`` would
leave them in the source tree. Here every non-editable build runs in a
temporary copy; the editable install must point at the tree and stays in place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile

from setuptools import build_meta as _setuptools

# everything a build reads (MANIFEST.in puts this file into the sdist)
_ITEMS = ("setup.cfg", "pyproject.toml", "README.md", "MANIFEST.in", "toolkit", "docx_templates",
          os.path.join("scripts", "orglife_build.py"))


@contextlib.contextmanager
def _in_copy():
    source = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="orglife-build-") as tmp:
        for item in _ITEMS:
            src, dst = os.path.join(source, item), os.path.join(tmp, item)
            if os.path.isdir(src):
                shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            elif os.path.exists(src):
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copy2(src, dst)
        os.chdir(tmp)
        try:
            yield
        finally:
            os.chdir(source)


def _abs(path):
    return os.path.abspath(path) if path else path


def get_requires_for_build_wheel(config_settings=None):
    with _in_copy():
        return _setuptools.get_requires_for_build_wheel(config_settings)


def get_requires_for_build_sdist(config_settings=None):
    with _in_copy():
        return _setuptools.get_requires_for_build_sdist(config_settings)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    metadata_directory = _abs(metadata_directory)
    with _in_copy():
        return _setuptools.prepare_metadata_for_build_wheel(metadata_directory, config_settings)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    wheel_directory, metadata_directory = _abs(wheel_directory), _abs(metadata_directory)
    with _in_copy():
        return _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)


def build_sdist(sdist_directory, config_settings=None):
    sdist_directory = _abs(sdist_directory)
    with _in_copy():
        return _setuptools.build_sdist(sdist_directory, config_settings)


get_requires_for_build_editable = _setuptools.get_requires_for_build_editable
prepare_metadata_for_build_editable = _setuptools.prepare_metadata_for_build_editable
build_editable = _setuptools.build_editable
