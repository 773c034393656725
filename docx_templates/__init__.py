"""The Word templates, installed as the package data ``toolkit.templates``.

This folder stays at the top of the source tree, where people look for the
templates; setup.cfg maps the package onto it (``package_dir``), so
``pip install .``, the wheel and the editable install all carry the templates.
"""
