"""Quality checks of translations, one entry at a time, aware of ja/ko/en.

:func:`check_entry` compares a msgstr with its msgid.  Errors are what would
break the page or let a catalog inject markup: Liquid tags, kramdown
attribute lists and inline code that changed, raw HTML or script URLs that
the source does not have, a translation that would change the block
structure.  Warnings are what a reviewer should look at: link counts and
targets, emphasis/code balance, edge whitespace, end punctuation per locale,
numbers (``1万`` is ``10,000``), and glossary terms.

:func:`check_catalogs` runs them over every translated entry of every post
and of ``site.po``; each problem names the PO line and the source line.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit

from babel.messages.catalog import Catalog

from .config import SiteConfig
from .errors import Location, Problem
from .glossary import Glossary, read_glossaries
from .project import SITE_DOMAIN, catalog_path, gather, orphaned_catalogs
from .text import TASK_BOX, plain_text

_LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}")
_IAL = re.compile(r"\{:[^{}]*\}")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]")
"""A footnote reference (``[^1]``), which links to its note and back."""
_HEADING_ID = re.compile(r"\{#[^{}\s]+[^{}]*\}")
"""A heading's explicit id (``## Title {#id}``), which links to the heading use in every language."""
_CODE = re.compile(r"(`+)(.+?)\1")
_MATH = re.compile(r"\$\$.+?\$\$", re.DOTALL)
"""kramdown's math (``$$E=mc^2$$``): TeX, not words."""
_LINK = re.compile(r"!?\[[^\]]*\]\(((?:[^()\s]|\([^()\s]*\))*)[^)]*\)")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>|<!--")
_DANGEROUS = re.compile(r"javascript:|data:|vbscript:|\bon[a-z]+\s*=", re.IGNORECASE)
_BLOCK_START = re.compile(r"^(#{1,6}\s|>|[*+-]\s|\d+[.)]\s|```|~~~|\|)|\n\s*\n")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem of one translation, before it is given a place."""

    severity: str
    message: str


def check_entry(msgid: str, msgstr: str, target: str = "", source: str = "ja",
                glossary: Glossary | None = None) -> list[tuple[str, str]]:
    """Problems of one translation as (severity, message).

    ``target`` and ``source`` are locale codes; the language-aware warnings
    (end punctuation, numbers) only run when ``target`` is given.
    """
    out = [("error", m) for m in entry_errors(msgid, msgstr)] + _links(msgid, msgstr) + _balance(msgid, msgstr)
    if msgstr != msgstr.strip():
        out.append(("warning", "leading or trailing whitespace"))
    if target:
        out += _end_punctuation(msgid, msgstr, target)
        out += _numbers(msgid, msgstr, target)
    if glossary is not None:
        out += [("warning", m) for m in glossary.missing_terms(plain_text(msgid), plain_text(msgstr))]
    return out


def entry_errors(msgid: str, msgstr: str) -> list[str]:
    """The errors of :func:`check_entry` alone: what a build refuses to publish (it runs on every entry)."""
    return _protected(msgid, msgstr) + _markup(msgid, msgstr) + _task_box(msgid, msgstr)


def _task_box(msgid: str, msgstr: str) -> list[str]:
    """A task list item's ``[ ]`` or ``[x]`` starts its translation too (else its checkbox is gone)."""
    box = TASK_BOX.match(msgid)
    if box is None or msgstr.startswith(box.group(0)):
        return []
    return [f"a task list item's {box.group(0).strip()!r} must start the translation too"]


_PROTECTED = (("Liquid tags", _LIQUID, "{"), ("attribute lists", _IAL, "{"), ("heading ids", _HEADING_ID, "{#"),
              ("footnote references", _FOOTNOTE_REF, "[^"), ("inline code", _CODE, "`"), ("math", _MATH, "$$"))
"""What must be copied unchanged, and a character without which neither side can hold one."""


def _protected(msgid: str, msgstr: str) -> list[str]:
    out = []
    for name, pattern, sign in _PROTECTED:
        if sign not in msgid and sign not in msgstr:
            continue
        want = Counter(m.group(0) for m in pattern.finditer(msgid))
        got = Counter(m.group(0) for m in pattern.finditer(msgstr))
        if want != got:
            missing = sorted((want - got).elements())
            extra = sorted((got - want).elements())
            detail = "; ".join(filter(None, [f"missing {missing}" if missing else "",
                                               f"not in source {extra}" if extra else ""]))
            out.append(f"{name} must be copied unchanged from the source: {detail}")
    return out


def _markup(msgid: str, msgstr: str) -> list[str]:
    out = []
    if "<" in msgstr:
        src_tags = Counter(t.lower() for t in _HTML_TAG.findall(_CODE.sub("", msgid)))
        new_tags = Counter(t.lower() for t in _HTML_TAG.findall(_CODE.sub("", msgstr))) - src_tags
        if new_tags:
            out.append(f"raw HTML not in the source: {sorted(new_tags)}")
    if (":" in msgstr or "=" in msgstr) and _DANGEROUS.search(_CODE.sub("", msgstr)) \
            and not _DANGEROUS.search(msgid):
        out.append("script URL or event-handler attribute in the translation")
    if _BLOCK_START.search(msgstr) and not _BLOCK_START.search(msgid):
        out.append("the translation would change the block structure "
                   "(starts a heading, list or quote, or contains a blank line)")
    return out


def _links(msgid: str, msgstr: str) -> list[tuple[str, str]]:
    src_links, dst_links = _LINK.findall(msgid), _LINK.findall(msgstr)
    if len(src_links) != len(dst_links):
        return [("warning", f"{len(src_links)} links/images in the source, {len(dst_links)} in the translation")]
    return [("warning", f"link target changed: {a} -> {b}")
            for a, b in zip(src_links, dst_links, strict=True) if a != b and not _localized_host(a, b)]


def _localized_host(a: str, b: str) -> bool:
    """``ja.wikipedia.org/...`` -> ``ko.wikipedia.org/...`` is a fine localization."""
    ha, hb = urlsplit(a).netloc.split("."), urlsplit(b).netloc.split(".")
    return len(ha) == len(hb) > 2 and ha[1:] == hb[1:] and len(ha[0]) <= 3 and len(hb[0]) <= 3


_EMPHASIS = (("**", "strong emphasis"), ("__", "strong emphasis"), ("*", "emphasis"), ("`", "code"))


def _balance(msgid: str, msgstr: str) -> list[tuple[str, str]]:
    """Markers that pair up in the source must pair up in the translation."""
    out = []
    src, dst = _CODE.sub("", _LINK.sub("", msgid)), _CODE.sub("", _LINK.sub("", msgstr))
    for marker, name in _EMPHASIS:
        if src.count(marker) % 2 == 0 and dst.count(marker) % 2:
            out.append(("warning", f"unbalanced {marker} ({name})"))
        src, dst = src.replace(marker, ""), dst.replace(marker, "")
    return out


# End punctuation: each class, and the mark each language writes for it.
_END_CLASS = {"。": "period", "．": "period", ".": "period", "!": "exclamation", "！": "exclamation",
              "?": "question", "？": "question", ":": "colon", "：": "colon", "…": "ellipsis"}
_WIDE_MARKS = {"period": "。", "exclamation": "！", "question": "？", "colon": "：", "ellipsis": "…"}
_NARROW_MARKS = {"period": ".", "exclamation": "!", "question": "?", "colon": ":", "ellipsis": "…"}
_CLOSERS = "」』）)]】〉》\"'”’"
_WIDE_PUNCTUATION_LANGS = ("ja", "zh")


def _end_mark(text: str) -> str:
    text = plain_text(text).rstrip().rstrip(_CLOSERS).rstrip()
    if text.endswith("..."):
        return "…"
    return text[-1:] if text[-1:] in _END_CLASS else ""


def _end_punctuation(msgid: str, msgstr: str, target: str) -> list[tuple[str, str]]:
    """``。`` in Japanese is ``.`` in Korean and English; a question stays a question."""
    src, dst = _end_mark(msgid), _end_mark(msgstr)
    if not src and not dst:
        return []
    lang = target.split("_")[0].split("-")[0]
    marks = _WIDE_MARKS if lang in _WIDE_PUNCTUATION_LANGS else _NARROW_MARKS
    if not src:
        return [] if dst in ("。", ".", "．") else [("warning", f"ends with {dst!r}; the source does not")]
    expected = marks[_END_CLASS[src]]
    if not dst:
        return [("warning", f"the source ends with {src!r}; the translation should end with {expected!r}")]
    if _END_CLASS[dst] != _END_CLASS[src]:
        return [("warning", f"ends with {dst!r} where the source ends with {src!r} (expected {expected!r})")]
    if dst != expected and _END_CLASS[dst] in ("period", "exclamation", "question"):
        return [("warning", f"ends with {dst!r}; {lang} writes {expected!r}")]
    return []


# Numbers: digits (full-width folded by NFKC), thousands separators, decimals,
# and the multipliers of each language, so 1万 = 1만 = 10,000 = 10 thousand.
_MULTIPLIERS = {"万": 10**4, "億": 10**8, "兆": 10**12, "만": 10**4, "억": 10**8, "조": 10**12,
                "千": 1000, "천": 1000, "thousand": 1000, "million": 10**6, "billion": 10**9,
                "trillion": 10**12}
_OriginOf = Callable[[str], "Location | None"]
"""Looks up the source location of a msgid."""

_NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s?(" + "|".join(_MULTIPLIERS) + r"))?",
                     re.IGNORECASE)
_WORD_NUMBERS = {w: i for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"))}
_MONTHS = {m: i + 1 for i, m in enumerate((
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december"))}
_MONTH_ABBREVIATIONS = {m[:3]: m for m in _MONTHS} | {"sept": "september"}


def numbers_in(text: str) -> set[Decimal]:
    """Values of the numbers written in ``text`` (not in URLs, code or tags)."""
    text = unicodedata.normalize("NFKC", plain_text(_CODE.sub("", text)))
    values: list[tuple[Decimal, bool, int, int]] = []  # value, has big multiplier, start, end
    for m in _NUMBER.finditer(text):
        try:
            value = Decimal(m.group(1).replace(",", "") + (m.group(2) or ""))
        except InvalidOperation:  # pragma: no cover - the pattern only matches digits
            continue
        mult = _MULTIPLIERS.get((m.group(3) or "").lower(), 1)
        value *= mult
        if values and values[-1][1] and values[-1][3] == m.start() and values[-1][0] > value:
            # 1万2000 is one number: 12,000.
            prev = values.pop()
            value += prev[0]
        values.append((value, mult >= 10**4, m.start(), m.end()))
    found = {v[0] for v in values}
    for word in re.findall(r"[A-Za-z]+", text):
        low = word.lower()
        if low in _WORD_NUMBERS:
            found.add(Decimal(_WORD_NUMBERS[low]))
        month = _MONTHS.get(low) or _MONTHS.get(_MONTH_ABBREVIATIONS.get(low, ""))
        if month:
            found.add(Decimal(month))
    return found


def _numbers(msgid: str, msgstr: str, target: str) -> list[tuple[str, str]]:
    # (a footnote's label and math are no numbers of the text: a dropped [^1] or a changed
    # $$x^2$$ is an error of its own)
    def numbers(text: str) -> set[Decimal]:
        return numbers_in(_MATH.sub("", _FOOTNOTE_REF.sub("", text)))

    missing = numbers(msgid) - numbers(msgstr)
    if not missing:
        return []
    shown = ", ".join(f"{n:,f}".rstrip("0").rstrip(".") if "." in f"{n:f}" else f"{int(n):,}" for n in sorted(missing))
    return [("warning", f"number(s) of the source missing in the translation: {shown}")]


def check_catalogs(config: SiteConfig) -> list[Problem]:
    """Quality problems of every translated entry of every post and of ``site.po``."""
    project = gather(config)
    glossaries = read_glossaries(config)
    problems: list[Problem] = []
    source = config.source_locale.code
    for locale in config.target_locales:
        glossary = glossaries.get(locale.code)
        for src in project.sources:
            origins = {m.msgid: m.location for m in [*src.front, *src.body.messages]}
            problems += _check_catalog(config, project.catalogs.get((src.post.name, locale.code)),
                                       catalog_path(config, locale, src.post.name), locale.code, source,
                                       glossary, origins.get)
        problems += _check_catalog(config, project.site_catalogs.get(locale.code),
                                   catalog_path(config, locale, SITE_DOMAIN), locale.code, source,
                                   None, lambda _msgid: None)
    return problems + orphaned_catalogs(config, {src.post.name for src in project.sources})


def _check_catalog(config: SiteConfig, cat: Catalog | None, po_path: Path, target: str, source: str,
                   glossary: Glossary | None, origin_of: _OriginOf) -> Iterable[Problem]:
    if cat is None:
        return
    path = Location.of(po_path, root=config.root).path
    from .translate import unsafe_reasons  # the build's gate, which imports this module

    for entry in cat:
        if not entry.id or not entry.string or entry.fuzzy or not isinstance(entry.string, str):
            continue
        msgid = str(entry.id)
        origin = origin_of(msgid) or _first_reference(entry.locations)
        where = Location(path, entry.lineno or 0)
        # Errors are exactly what the build refuses; warnings are for the reviewer.
        for reason in unsafe_reasons(msgid, entry.string):
            yield Problem(where, reason, "error", origin)
        for severity, message in check_entry(msgid, entry.string, target, source, glossary):
            if severity == "warning":
                yield Problem(where, message, severity, origin)


def _first_reference(locations: Sequence[tuple[str, int | None]]) -> Location | None:
    return Location(locations[0][0], locations[0][1] or 0) if locations else None


