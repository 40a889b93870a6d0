"""Translation coverage: per post and locale, what is done and what is left.

The numbers come from the same model the build renders (:func:`i18n.site.load_model`),
so ``status``, the ``/translation-status/`` page and the published pages agree.
"""

from __future__ import annotations

from typing import Any

from .config import SiteConfig
from .pages import status_rows as _rows
from .site import load_model


def status_rows(config: SiteConfig) -> list[dict[str, Any]]:
    """One row per (post, target locale): counts, character share, publish state, what is left."""
    return _rows(load_model(config))
