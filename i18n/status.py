"""Translation coverage: per post and locale, what is done and what is left."""

from __future__ import annotations

from typing import Any

from .config import SiteConfig
from .project import gather
from .site import localize_all


def status_rows(config: SiteConfig) -> list[dict[str, Any]]:
    """One row per (post, target locale): counts, character share and publish state."""
    project = gather(config)
    localized = localize_all(project)
    rows = []
    for source in project.sources:
        for locale in config.target_locales:
            lp = localized[source.post.name][locale]
            cat = project.catalogs.get((source.post.name, locale.code))
            fuzzy = sum(1 for e in cat if e.id and e.fuzzy) if cat is not None else 0
            rows.append({
                "post": source.post.name,
                "locale": locale.code,
                "translated": lp.translated,
                "fuzzy": fuzzy,
                "untranslated": lp.total - lp.translated - fuzzy,
                "total": lp.total,
                "ratio": round(lp.ratio, 4),
                "chars_ratio": round(lp.translated_chars / lp.total_chars, 4) if lp.total_chars else 1.0,
                "status": lp.status,
            })
    return rows
