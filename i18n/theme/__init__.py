"""The built-in theme: Jinja2 layouts in ``templates/``, assets in ``static/``."""

from pathlib import Path

THEME_DIR = Path(__file__).parent
"""Folder of the built-in theme."""
