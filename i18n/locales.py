"""The one table of locale codes, backed by Babel's CLDR data.

A site names its languages once (``ja``, ``ko``, ``en``, ``zh-Hant``...).  From
that code this module derives every spelling the pipeline needs, so that the
catalog folder, ``<html lang>``, ``hreflang``, ``og:locale`` and the URL can
never disagree:

=============  ==========  ==========
use            ``ko``      ``zh-Hant``
=============  ==========  ==========
catalog dir    ``ko``      ``zh_Hant``
URL segment    ``ko``      ``zh-hant``
lang/hreflang  ``ko``      ``zh-Hant``
og:locale      ``ko_KR``   ``zh_TW``
=============  ==========  ==========
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global

# Reading speed, per minute, in the unit that suits the script: characters for
# scripts written without spaces between words (and for Korean, whose syllable
# blocks are dense), words elsewhere.  Figures from reading-speed studies
# (Trauzettel-Klosinski & Dietz 2012): ~500 chars/min for Japanese, ~250 words/min.
_CHARS_PER_MINUTE = {"ja": 500, "zh": 300, "ko": 500}
_WORDS_PER_MINUTE = 230


@dataclass(frozen=True, slots=True)
class SiteLocale:
    """Every spelling of one site language."""

    code: str
    """BCP 47 tag as configured and used in ``lang``/``hreflang`` (``ko``, ``zh-Hant``)."""
    babel: Locale
    """Babel locale for dates, plural forms and display names."""

    def __repr__(self) -> str:
        return f"SiteLocale({self.code!r})"

    @property
    def catalog_dir(self) -> str:
        """Folder name under ``locales/`` (gettext style, ``zh_Hant``)."""
        return self.code.replace("-", "_")

    @property
    def url_segment(self) -> str:
        """First URL path segment (lower case, ``zh-hant``)."""
        return self.code.lower()

    @property
    def hreflang(self) -> str:
        """Value for ``hreflang`` and ``<html lang>``: never ``ko_KR``."""
        return self.code

    @property
    def og_locale(self) -> str:
        """Open Graph ``language_TERRITORY`` (``ko_KR``), from CLDR likely subtags."""
        return _fact(self.code, "og", lambda: _og_locale(self.babel))

    @property
    def native_name(self) -> str:
        """The language's name in itself (日本語, 한국어, English)."""
        return _fact(self.code, "name", lambda: _native_name(self.babel, self.code))

    @property
    def direction(self) -> str:
        """``ltr`` or ``rtl``."""
        return _fact(self.code, "direction", lambda: "rtl" if self.babel.character_order == "right-to-left" else "ltr")

    @property
    def reading_unit(self) -> str:
        """``chars`` or ``words``: how reading time is measured in this language."""
        return "chars" if self.babel.language in _CHARS_PER_MINUTE else "words"

    @property
    def reading_rate(self) -> int:
        """Characters or words (see :attr:`reading_unit`) read per minute."""
        return _CHARS_PER_MINUTE.get(self.babel.language, _WORDS_PER_MINUTE)


_FACTS: dict[tuple[str, str], str] = {}
"""(locale code, "name", "direction" or "og") -> what CLDR says of it, as this process found it or was told."""


def _fact(code: str, what: str, find: Callable[[], str]) -> str:
    if (code, what) not in _FACTS:
        _FACTS[(code, what)] = find()
    return _FACTS[(code, what)]


def cldr_facts() -> dict[tuple[str, str], str]:
    """What this process knows of its languages' names, directions and Open Graph locales (for the build
    cache to keep).

    Each is in CLDR data that Babel reads whole (a locale's, or the likely
    subtags of all): a few milliseconds each, in every process, for a
    language switcher and a ``<meta>``.
    """
    return dict(_FACTS)


def learn_cldr_facts(facts: object) -> None:
    """Take what :func:`cldr_facts` gave, in another process with the same Babel."""
    if isinstance(facts, dict):
        _FACTS.update(facts)


def _native_name(babel: Locale, code: str) -> str:
    name = babel.get_display_name(babel) or code
    return name[:1].upper() + name[1:] if babel.language in ("en", "fr", "de", "es") else name


@cache
def _og_locale(babel: Locale) -> str:
    # Every page's head asks, and CLDR's answer never changes: compute it once per locale.
    likely = get_global("likely_subtags").get(str(babel))
    territory = babel.territory
    if territory is None and likely:
        territory = Locale.parse(likely).territory
    return f"{babel.language}_{territory}" if territory else babel.language


@cache
def site_locale(code: str) -> SiteLocale:
    """Parse a configured locale code; raise ``ValueError`` if CLDR does not know it."""
    if not code or code.strip() != code:
        raise ValueError(f"invalid locale code {code!r}")
    if "_" in code:  # gettext's spelling, which would reach lang="" and hreflang as it is
        raise ValueError(f"locale codes are BCP 47 tags, written with '-': {code.replace('_', '-')!r}, "
                         f"not {code!r} (its catalogs stay in locales/{code}/)")
    try:
        babel_locale = Locale.parse(code, sep="-") if "-" in code else Locale.parse(code)
    except (UnknownLocaleError, ValueError) as exc:
        raise ValueError(f"unknown locale code {code!r}: {exc}") from None
    return SiteLocale(code, babel_locale)


PSEUDO_CODE = "en-XA"
"""The pseudo-locale's tag, as Android and Chromium name theirs (English, accented)."""


def pseudo_locale() -> SiteLocale:
    """The preview pseudo-locale (see :mod:`i18n.pseudo`), with English CLDR data (dates, plural forms)."""
    return SiteLocale(PSEUDO_CODE, Locale("en"))
