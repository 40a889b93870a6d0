"""Per-locale glossaries: terms a translation must use when the source uses them.

A glossary is an ordinary PO file, ``locales/<lang>/glossary.po``, so the
same editors open it::

    #. The company; never "테슬라사".
    msgid "テスラ"
    msgstr "테슬라"

    msgid "人工知能"
    msgstr "artificial intelligence|AI"

``msgid`` is the source term, ``msgstr`` the required translation; several
accepted forms are separated by ``|``.  A term to keep as it is has
``msgstr`` equal to ``msgid``.  Empty and fuzzy entries are ignored.  Matching
is by substring, case-insensitive; a Latin source term must match whole words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .catalogs import read_catalog
from .config import SiteConfig
from .errors import Location

GLOSSARY_NAME = "glossary.po"


@dataclass(frozen=True, slots=True)
class Term:
    """One glossary entry."""

    source: str
    """The term as the source language writes it."""
    targets: tuple[str, ...]
    """Accepted translations; one of them must appear."""
    location: Location
    """Where the term is defined."""

    def found_in(self, text: str) -> bool:
        """True when the source term occurs in ``text``."""
        if self.source.isascii():
            return re.search(rf"(?<!\w){re.escape(self.source)}(?!\w)", text, re.IGNORECASE) is not None
        return self.source in text


@dataclass(frozen=True, slots=True)
class Glossary:
    """The terms of one locale."""

    terms: tuple[Term, ...]

    def missing_terms(self, source_text: str, translation: str) -> list[str]:
        """One message per term used in ``source_text`` but not rendered as required."""
        low = translation.casefold()
        return [f"glossary ({term.location}): {term.source!r} should be translated as "
                + " or ".join(repr(t) for t in term.targets)
                for term in self.terms
                if term.found_in(source_text) and not any(t.casefold() in low for t in term.targets)]


def read_glossaries(config: SiteConfig) -> dict[str, Glossary]:
    """Glossary of each target locale that has one (raises located errors on a bad file)."""
    out = {}
    for locale in config.target_locales:
        path = config.locales_dir / locale.catalog_dir / GLOSSARY_NAME
        if not path.is_file():
            continue
        cat = read_catalog(path, config.root, locale)
        shown = Location.of(path, root=config.root).path
        terms = tuple(
            Term(str(e.id), tuple(t.strip() for t in e.string.split("|") if t.strip()), Location(shown, e.lineno or 0))
            for e in cat if e.id and isinstance(e.id, str) and isinstance(e.string, str) and e.string
            and not e.fuzzy)
        out[locale.code] = Glossary(terms)
    return out
