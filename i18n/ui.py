"""Each language's interface: its ``site.po`` and the engines that use it.

One :class:`Language` per site language holds the UI translations (compiled
in memory), the site title and taxonomy terms in that language, the Jinja2
environment of the layouts and the Liquid environment of the includes.
They are made on first use in each process and reused for every page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from babel.messages.catalog import Catalog

from .cache import CACHE_DIR
from .catalogs import translations_of, usable_translation
from .config import SiteConfig
from .locales import SiteLocale
from .model import PostInfo
from .paths import TAXONOMY_CONTEXT
from .render import make_jinja


@dataclass(eq=False)
class Language:
    """The interface of one site language."""

    config: SiteConfig
    locale: SiteLocale
    catalog: Catalog | None
    """Its ``site.po`` (None when it has none)."""
    posts: tuple[PostInfo, ...] = field(default=(), repr=False)
    """The site's posts, whose URLs Liquid's Jekyll tags know (:attr:`jekyll`)."""

    @cached_property
    def jekyll(self) -> Any:
        """What Liquid's Jekyll tags know of the site in this language (post URLs).

        Made on first use: a build that renders no article (a layout edit) does
        without it, and without Liquid.
        """
        from .liquid_stage import jekyll_site
        from .urls import Urls

        return jekyll_site(self.config, Urls(self.config), self.locale, self.posts)

    @cached_property
    def translations(self) -> Any:
        return translations_of(self.catalog)

    @cached_property
    def jinja(self) -> Any:
        return make_jinja(self.locale, self.translations, self.config.root / "layouts",
                          self.config.root / CACHE_DIR / "jinja")

    @cached_property
    def liquid(self) -> Any:
        from .liquid_stage import make_environment

        return make_environment(self.config.includes_dir, self.translations, self.jekyll)

    def term(self, taxonomy: str, term: str) -> str:
        """A category or tag in this language (the source term when untranslated)."""
        return usable_translation(self.catalog, term, TAXONOMY_CONTEXT[taxonomy]) or term

    @cached_property
    def site_title(self) -> str:
        return usable_translation(self.catalog, self.config.title, "site") or self.config.title
