"""A catalog-based translation pipeline for a Jekyll-style blog.

Stages, each one module: :mod:`.config`, :mod:`.content`, :mod:`.segments`,
:mod:`.catalogs`, :mod:`.translate`, :mod:`.urls`, :mod:`.render`,
:mod:`.site`, :mod:`.checks`, :mod:`.cli`.
"""

from .config import SiteConfig, load_config
from .errors import Location, PipelineError, Problem, Problems
from .extract import extract, update
from .segments import Message, Segmented, assemble, segment_body, segment_post
from .site import build

__all__ = [
    "Location", "Message", "PipelineError", "Problem", "Problems", "Segmented", "SiteConfig",
    "assemble", "build", "extract", "load_config", "segment_body", "segment_post", "update",
]
