"""Where a site's files live: catalogs, templates.

A module of its own, with no heavy imports, because a no-op build only needs
to know where files are to hash them.
"""

from __future__ import annotations

from pathlib import Path

from .config import LOCALES_DIR, SiteConfig
from .locales import SiteLocale

SITE_DOMAIN = "site"
"""Catalog name of UI strings and taxonomy terms."""
TAXONOMY_CONTEXT = {"categories": "category", "tags": "tag"}
"""The msgctxt of category and tag names in ``site.po``."""


def template_path(config: SiteConfig, domain: str) -> Path:
    return config.locales_dir / "templates" / f"{domain}.pot"


def catalog_path(config: SiteConfig, locale: SiteLocale, domain: str) -> Path:
    """The PO file of ``domain`` (a post's name, or ``site``) in ``locale``."""
    return config.root / catalog_file(locale, domain)


def catalog_file(locale: SiteLocale, domain: str) -> str:
    """:func:`catalog_path` relative to the site folder, as problems show it."""
    return f"{LOCALES_DIR}/{locale.catalog_dir}/LC_MESSAGES/{domain}.po"


def catalog_locales(config: SiteConfig, domain: str) -> tuple[SiteLocale, ...]:
    """Locales that keep a catalog of ``domain``.

    Posts are written in the source language, so only target locales translate
    them; the layouts' UI strings are English msgids, which every language
    (the source included) translates in its ``site.po``.
    """
    return config.locales if domain == SITE_DOMAIN else config.target_locales
