"""Workflows: the one place that wires reading, computing and writing for each command.

The CLI and the Excel buttons call these; library layers below never call up into them.
"""
