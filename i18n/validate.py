"""Validation of the built site: what search engines and readers see.

:func:`validate_site` checks hreflang reciprocity, self-reference,
``x-default``, absolute URLs, existing targets, ``<html lang>`` against the
page's own hreflang, canonical against hreflang, internal links, and
agreement with ``sitemap.xml``.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree  # noqa: N813
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote

from .config import SiteConfig
from .errors import Location, Problem
from .urls import URL_SAFE as _URL_SAFE

_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_NS = {"s": _SITEMAP_NS, "x": "http://www.w3.org/1999/xhtml"}


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.canonical = ""
        self.alternates: list[tuple[str, str]] = []
        self.noindex = False
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href", "")
        elif tag == "link" and a.get("rel") == "alternate" and "hreflang" in a:
            self.alternates.append((a["hreflang"], a.get("href", "")))
        elif tag == "meta" and a.get("name") == "robots" and "noindex" in a.get("content", ""):
            self.noindex = True
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])


def _url_to_file(config: SiteConfig, url: str) -> Path | None:
    root = config.base_url + quote(config.baseurl, safe=_URL_SAFE)
    if not url.startswith(root + "/") and url != root:
        return None
    path = unquote(url[len(root):].split("#")[0]) or "/"
    return config.output_dir / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))


def validate_site(config: SiteConfig) -> list[Problem]:
    """Problems of the built site's language metadata, sitemap and internal links."""
    out = config.output_dir
    problems: list[Problem] = []
    pages: dict[str, _Head] = {}
    for path in sorted(out.rglob("*.html")):
        head = _Head()
        head.feed(path.read_text(encoding="utf-8"))
        rel = "/" + path.relative_to(out).as_posix().removesuffix("index.html")
        pages[config.base_url + quote(config.baseurl + rel, safe=_URL_SAFE)] = head  # as Urls.absolute spells it

    def problem(url: str, message: str) -> None:
        problems.append(Problem(Location(url), message))

    for url, head in pages.items():
        alts = dict(head.alternates)
        for hreflang, href in head.alternates:
            if not href.startswith(("http://", "https://")):
                problem(url, f"hreflang {hreflang} URL is not absolute: {href}")
            elif _url_to_file(config, href) is None or not _url_to_file(config, href).is_file():  # type: ignore[union-attr]
                problem(url, f"hreflang {hreflang} points to a missing page: {href}")
        if head.noindex:
            if head.alternates:
                problem(url, "a noindex page must not be in an hreflang set")
            continue
        if not head.alternates:
            problem(url, "no hreflang links")
            continue
        if "x-default" not in alts:
            problem(url, "no x-default hreflang")
        own = [h for h, u in head.alternates if u == url and h != "x-default"]
        if not own and url != config.base_url + config.baseurl + "/":
            problem(url, "the hreflang set does not reference the page itself")
        if own and head.lang != own[0]:
            problem(url, f'<html lang="{head.lang}"> differs from its own hreflang {own[0]}')
        if head.canonical != url:
            problem(url, f"canonical {head.canonical} contradicts the page's hreflang self-reference")
        for hreflang, href in head.alternates:
            other = pages.get(href)
            if other is not None and sorted(other.alternates) != sorted(head.alternates):
                problem(url, f"hreflang {hreflang} -> {href} is not reciprocal (its set differs)")
        for link in head.links:
            if link.startswith("/") and not link.startswith("//"):
                target = _url_to_file(config, config.base_url + link)
                if target is None or not target.is_file():
                    problem(url, f"broken internal link {link}")
    problems.extend(_check_sitemap(config, pages))
    return problems


def _sitemaps(config: SiteConfig) -> tuple[list[tuple[Path, etree.Element]], list[Problem]]:
    """Each sitemap file of the built site with its root element: ``sitemap.xml``, or the files
    it lists when it is a sitemap index; and the problems of finding them."""
    path = config.output_dir / "sitemap.xml"
    where = Location.of(path, root=config.root)
    if not path.is_file():
        return [], [Problem(where, "no sitemap.xml")]
    try:
        root = etree.parse(path).getroot()
    except etree.ParseError as exc:
        return [], [Problem(Location.of(path, exc.position[0], config.root), f"sitemap.xml is not XML: {exc}")]
    if root.tag != f"{{{_SITEMAP_NS}}}sitemapindex":
        return [(path, root)], []
    found, problems = [], []
    for loc_el in root.iterfind("s:sitemap/s:loc", _NS):
        loc = (loc_el.text or "").strip()
        part = _url_to_file(config, loc)
        if part is None or not part.is_file():
            problems.append(Problem(where, f"sitemap index lists {loc}, which is not a file of the site"))
            continue
        try:
            found.append((part, etree.parse(part).getroot()))
        except etree.ParseError as exc:
            problems.append(Problem(Location.of(part, exc.position[0], config.root), f"sitemap is not XML: {exc}"))
    return found, problems


def _check_sitemap(config: SiteConfig, pages: dict[str, _Head]) -> list[Problem]:
    files, problems = _sitemaps(config)
    if not files and problems:
        return problems
    listed = set()
    for path, root in files:
        where = Location.of(path, root=config.root)
        for url_el in root.findall("s:url", _NS):
            loc = (url_el.findtext("s:loc", "", _NS) or "").strip()
            if loc in listed:
                problems.append(Problem(where, f"sitemap lists {loc} more than once"))
            listed.add(loc)
            alts = sorted((link.get("hreflang", ""), link.get("href", "")) for link in url_el.findall("x:link", _NS))
            head = pages.get(loc)
            if head is None:
                problems.append(Problem(where, f"sitemap lists {loc}, which is not a page"))
            elif alts != sorted(head.alternates):
                problems.append(Problem(where, f"sitemap alternates of {loc} differ from the page's hreflang links"))
    where = Location.of(config.output_dir / "sitemap.xml", root=config.root)
    for url, head in pages.items():
        if not head.noindex and url not in listed and not url.endswith("/404.html"):
            problems.append(Problem(where, f"indexable page {url} is missing from the sitemap"))
    return problems
