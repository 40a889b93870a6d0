"""A catalog-based translation pipeline for a Jekyll-style blog.

Stages, each one module, data flowing one way: :mod:`.config`,
:mod:`.content`, :mod:`.segments`, :mod:`.catalogs`, :mod:`.translate`,
:mod:`.articles`, :mod:`.urls`, :mod:`.pages`, :mod:`.render`, :mod:`.site`;
then :mod:`.checks` and :mod:`.validate`; :mod:`.cli` on top.

The public names below are imported on first use, so that a command with
nothing to do (a no-op rebuild) does not pay for importing Babel, Jinja2,
Python-Markdown and python-liquid.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

_EXPORTS = {
    "SiteConfig": "config", "load_config": "config",
    "Location": "errors", "PipelineError": "errors", "Problem": "errors", "Problems": "errors",
    "extract": "extract", "update": "extract",
    "Message": "segments", "Segmented": "segments", "assemble": "segments", "segment_body": "segments",
    "segment_post": "segments",
    "build": "site",
}

if TYPE_CHECKING:
    from .config import SiteConfig, load_config
    from .errors import Location, PipelineError, Problem, Problems
    from .extract import extract, update
    from .segments import Message, Segmented, assemble, segment_body, segment_post
    from .site import build

__all__ = [
    "Location", "Message", "PipelineError", "Problem", "Problems", "Segmented", "SiteConfig",
    "assemble", "build", "extract", "load_config", "segment_body", "segment_post", "update",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
