"""The translator-facing commands: ``extract`` (POT files) and ``update`` (PO files).

``extract`` writes ``locales/templates/<post>.pot`` for every post and
``locales/templates/site.pot`` for the UI strings of the layouts and includes,
the site title and the taxonomy terms (categories and tags, each translated
once for the whole site, told apart by ``msgctxt``).  ``update`` merges each
template into every target locale's PO file.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.catalog import Message as Entry
from babel.messages.extract import extract as babel_extract

from .cache import BuildCache, digest
from .catalogs import (
    add_entry,
    build_date,
    catalog_bytes,
    entries,
    merged_as_is,
    read_catalog,
    same_catalog_bytes,
    template_catalog,
    template_entries,
    translation_memory,
    update_catalog,
    write_catalog,
    write_catalog_bytes,
)
from .config import SiteConfig
from .errors import Location, PipelineError, Problem, Problems
from .files import remove_temporary_files
from .inputs import code_digest
from .paths import TAXONOMY_CONTEXT
from .project import SITE_DOMAIN, Source, catalog_locales, catalog_path, orphaned_templates, read_sources, template_path
from .theme import THEME_DIR
from .workers import parallel_map


@dataclass
class Report:
    """What a command wrote."""

    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    warnings: list[Problem] = field(default_factory=list)


def post_template(source: Source, date: dt.datetime) -> Catalog:
    """The POT of one post: front matter messages, then body messages in order."""
    return template_catalog([*source.front, *source.body.messages], date)


def site_template(config: SiteConfig, sources: list[Source], date: dt.datetime) -> Catalog:
    """The POT of UI strings (layouts, includes), the site title and taxonomy terms."""
    cat = template_catalog([], date)
    add_entry(cat, config.title, Location("site.toml", 1), "site title", context="site")
    layout_dirs = [config.root / "layouts", THEME_DIR / "templates"]
    for folder in layout_dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.html")) + sorted(folder.glob("*.xml")):
            if folder != THEME_DIR / "templates" or not (config.root / "layouts" / path.name).exists():
                _extract_jinja(cat, path, config.root)
    if config.includes_dir.is_dir():
        for path in sorted(config.includes_dir.rglob("*")):
            if path.is_file():
                _extract_liquid(cat, path, config.root)
    from .segments import taxonomy_terms

    for source in sources:
        for key, term, location in taxonomy_terms(source.post):
            add_entry(cat, term, location, key, context=TAXONOMY_CONTEXT[key])
    return cat


def _shown(path: Path, root: Path) -> str:
    """Reference shown in ``#:`` lines: site-relative, or ``theme/...`` for the built-in theme."""
    resolved = path.resolve()
    if resolved.is_relative_to(THEME_DIR.resolve()):
        return "theme/" + resolved.relative_to(THEME_DIR.resolve()).as_posix()
    return Location.of(path, root=root).path


def _extract_jinja(cat: Catalog, path: Path, root: Path) -> None:
    _check_layout(path, root)  # Jinja2's extractor skips a layout it cannot parse, and its strings with it
    with path.open("rb") as f:
        for lineno, message, _comments, context in babel_extract(
            "jinja2.ext:babel_extract", f,
            keywords={"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)},
            options={"extensions": "jinja2.ext.i18n", "trimmed": "true"},
        ):
            flags = ["python-format"] if any("%(" in m for m in _as_tuple(message)) else []
            add_entry(cat, message, Location(_shown(path, root), lineno), "ui", context=context,
                      flags=flags)


def _check_layout(path: Path, root: Path) -> None:
    """Raise :class:`PipelineError` at the line of a layout that is not UTF-8 or not valid Jinja2."""
    import jinja2

    data = path.read_bytes()
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PipelineError(Location(_shown(path, root), data.count(b"\n", 0, exc.start) + 1),
                            "the file is not valid UTF-8") from None
    try:
        jinja2.Environment(extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True).parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise PipelineError(Location(_shown(path, root), exc.lineno),
                            f"layout {path.name}: {exc.message or 'syntax error'}") from None


def _as_tuple(message: str | tuple[str, ...]) -> tuple[str, ...]:
    return message if isinstance(message, tuple) else (message,)


def _extract_liquid(cat: Catalog, path: Path, root: Path) -> None:
    from .liquid_stage import TRANSLATABLE  # python-liquid: only extract needs it, not update

    text = path.read_text(encoding="utf-8")
    for m in TRANSLATABLE.finditer(text):
        add_entry(cat, m.group(2), Location(_shown(path, root), text.count("\n", 0, m.start()) + 1), "ui")


def extract(config: SiteConfig) -> Report:
    """Write every POT file; raise :class:`Problems` if a post cannot be read."""
    problems = Problems()
    sources = read_sources(config, problems)
    problems.raise_if_errors()
    date = build_date()
    report = Report()
    templates = {s.post.name: post_template(s, date) for s in sources}
    templates[SITE_DOMAIN] = site_template(config, sources, date)
    for domain, cat in templates.items():
        path = template_path(config, domain)
        if write_catalog(path, cat, prose=domain != SITE_DOMAIN):
            report.written.append(path)
        else:
            report.unchanged += 1
    report.warnings = orphaned_templates(config, set(templates))
    return report


def update(config: SiteConfig, drop_obsolete: bool = False,
           progress: Callable[[int, int], None] | None = None, jobs: int | None = None) -> Report:
    """Merge every POT into every target locale's PO file.

    ``progress(done, total)`` is called after each catalog is merged and written.
    ``jobs``: worker processes that read and merge catalogs (default: all
    cores); the catalogs written are the same for any number.

    Every catalog is read (and every problem reported) before any is written,
    so a broken catalog stops the command with all files untouched.  A catalog
    whose bytes and template are those an earlier ``update`` left, and which
    has no empty entry (nothing the rest of the site could fill), is not read
    again: merging would give the same bytes (see :func:`_settled`).
    """
    cache = BuildCache(config.root)
    try:
        return _update(config, cache, drop_obsolete, progress, max(1, jobs or os.cpu_count() or 1))
    finally:
        cache.close()


@dataclass(frozen=True, slots=True)
class _Merged:
    """One catalog merged with its template, before the locale's translation memory is known."""

    code: str
    domain: str
    data: bytes | None
    """The merged catalog, laid out; None when the file already says that (but for its dates)."""
    key: str
    """The cache key of the catalog as it will be (see :func:`_update`)."""
    known: list[tuple[tuple[str, str | None], str]] | None
    """Its published translations as it was: the locale's translation memory is made of these;
    None when they are :attr:`settled`'s (the merge changed nothing), not sent twice."""
    empty: list[tuple[str, str | None]]
    """The entries the merge left empty: the translation memory may fill them."""
    settled: bytes | None
    """What :func:`_settled` keeps of it, pickled once in the worker (see :func:`_pack`)."""


_WORK: dict[str, Any] = {}
"""What forked ``update`` workers need (the configuration, the date, the templates' bytes): set before they start."""


def _merge_task(task: tuple[str, tuple[str, ...]]) -> list[_Merged | Problem]:
    """Read one template and the catalogs of ``task``'s locales (codes), merge each, without memory.

    A catalog that merging would leave as it is (see :func:`merged_as_is`) is
    not read into Babel's catalog; nor is the template when all are.
    """
    domain, codes = task
    config: SiteConfig = _WORK["config"]
    pot = _WORK["templates"][domain]  # the bytes its cache keys are made of, read once
    prose = domain != SITE_DOMAIN
    fast = template_entries(pot)
    template: Catalog | None = None
    results: list[_Merged | Problem] = []
    for code in codes:
        locale = config.locale(code)
        path = catalog_path(config, locale, domain)
        old = path.read_bytes() if path.is_file() else None
        same = merged_as_is(fast, old, locale, prose, _WORK["drop_obsolete"]) \
            if fast is not None and old is not None else None
        if same is not None and old is not None:
            settled = _pack(_settled(same))
            results.append(_Merged(code, domain, None, _cache_key(_WORK["salt"], code, pot, old),
                                   list(translation_memory(same).items()) if settled is None else None,
                                   [(str(e.id), e.context) for e in same if not e.string], settled))
            continue
        if template is None:
            try:
                template = read_catalog(template_path(config, domain), config.root, data=pot)
            except PipelineError as exc:
                return [exc.problem]
        try:
            po = read_catalog(path, config.root, locale, data=old) if old is not None else None
        except PipelineError as exc:
            results.append(exc.problem)
            continue
        known = list(translation_memory(entries(po)).items()) if po is not None else []
        merged = update_catalog(po, template, locale, _WORK["date"], drop_obsolete=_WORK["drop_obsolete"])
        data = catalog_bytes(merged, prose=prose)
        unchanged = old is not None and same_catalog_bytes(old, data)
        settled = _pack(_settled(entries(merged)))
        results.append(_Merged(code, domain, None if unchanged else data,
                               _cache_key(_WORK["salt"], code, pot, old if unchanged and old is not None else data),
                               None if unchanged and settled is not None else known,
                               [(str(e.id), e.context) for e in entries(merged) if not e.string], settled))
    return results


def _cache_key(salt: str, code: str, template: bytes, catalog: bytes) -> str:
    """The key under which ``update`` keeps what a catalog, merged with its template, needs no more."""
    return digest(salt, code, template, catalog)


def _update(config: SiteConfig, cache: BuildCache, drop_obsolete: bool,
            progress: Callable[[int, int], None] | None, jobs: int) -> Report:
    remove_temporary_files(config.locales_dir)  # what a killed run left; the command line holds the lock
    problems = Problems()
    templates_dir = config.locales_dir / "templates"
    template_files = sorted(templates_dir.glob("*.pot")) if templates_dir.is_dir() else []
    if not template_files:
        raise PipelineError(Location.of(templates_dir, root=config.root),
                            "no templates; run 'extract' first")
    salt = digest("update", code_digest(), str(drop_obsolete))
    template_bytes = {path.stem: path.read_bytes() for path in template_files}
    settled: dict[tuple[str, str], bytes] = {}
    """(locale, domain) -> translations of a catalog that needs no merge (packed: see :func:`_pack`)."""
    todo: dict[str, list[str]] = {}
    """domain -> the locales whose catalog of it is merged, in the configuration's order."""
    stored = cache.keys("update")  # none on a new clone: then no catalog is read twice to find out
    for locale in config.locales:
        for domain, pot in template_bytes.items():
            if locale not in catalog_locales(config, domain):
                continue
            path = catalog_path(config, locale, domain)
            data = path.read_bytes() if stored and path.is_file() else None
            key = _cache_key(salt, locale.code, pot, data) if data is not None else None
            known = cache.get("update", key) if key in stored else None
            if isinstance(known, bytes):
                settled[(locale.code, domain)] = known
            else:
                todo.setdefault(domain, []).append(locale.code)

    date = build_date()
    _WORK.update(config=config, date=date, drop_obsolete=drop_obsolete, salt=salt, templates=template_bytes)
    merged: dict[tuple[str, str], _Merged] = {}
    try:
        tasks = [(domain, tuple(codes)) for domain, codes in todo.items()]
        for results in parallel_map(_merge_task, tasks, jobs):
            for result in results:
                if isinstance(result, Problem):
                    problems.add(result)
                else:
                    merged[(result.code, result.domain)] = result
    finally:
        _WORK.clear()
    problems.raise_if_errors()

    report = Report(unchanged=len(settled))
    total = len(settled) + len(merged)
    for locale in config.locales:
        empty = any(one.empty for one in merged.values() if one.code == locale.code)
        memory = _memory(locale.code, template_bytes, merged, settled) if empty else {}  # it only fills empty entries
        for domain in template_bytes:
            one = merged.get((locale.code, domain))
            if one is None:
                continue
            path = catalog_path(config, locale, domain)
            if any(key in memory for key in one.empty):  # the rest of the site fills some: merge again with it
                po = update_catalog(read_catalog(path, config.root, locale) if path.is_file() else None,
                                    read_catalog(template_path(config, domain), config.root,
                                                 data=template_bytes[domain]),
                                    locale, date, memory, drop_obsolete=drop_obsolete)
                written = write_catalog(path, po, prose=domain != SITE_DOMAIN)
                pairs = _pack(_settled(entries(po)))
                key = _cache_key(salt, locale.code, template_bytes[domain], path.read_bytes())
            else:
                written = one.data is not None and write_catalog_bytes(path, one.data)
                pairs, key = one.settled, one.key
            if written:
                report.written.append(path)
            else:
                report.unchanged += 1
            if pairs is not None:
                cache.put("update", key, pairs)
            if progress is not None:
                progress(len(report.written) + report.unchanged, total)
    cache.prune(("update",))  # entries of catalogs as they no longer are
    return report


def _memory(code: str, domains: dict[str, bytes], merged: dict[tuple[str, str], _Merged],
            settled: dict[tuple[str, str], bytes]) -> dict[tuple[str, str | None], str]:
    """The locale's translation memory, in domain order, whether each catalog was merged or settled."""
    memory: dict[tuple[str, str | None], str] = {}
    for domain in domains:
        if (code, domain) in settled:
            for msgid, context, string in _unpack(settled[(code, domain)]):
                memory.setdefault((msgid, context), string)
        elif (code, domain) in merged:
            one = merged[(code, domain)]
            if one.known is not None:
                for key, string in one.known:
                    memory.setdefault(key, string)
            else:
                for msgid, context, string in _unpack(one.settled):
                    memory.setdefault((msgid, context), string)
    return memory


def _pack(pairs: list[tuple[str, str | None, str]] | None) -> bytes | None:
    """``pairs`` pickled, as a worker sends them and the cache keeps them: the main process
    neither unpickles nor pickles them again (a 1000-post site's catalogs hold 19 MB of
    them), and reads them (:func:`_unpack`) only when a catalog has empty entries for the
    translation memory to fill."""
    return None if pairs is None else pickle.dumps(pairs, protocol=pickle.HIGHEST_PROTOCOL)


def _unpack(blob: bytes | None) -> list[tuple[str, str | None, str]]:
    """The pairs :func:`_pack` pickled (none for None)."""
    return [] if blob is None else pickle.loads(blob)


def _settled(found: list[Entry]) -> list[tuple[str, str | None, str]] | None:
    """The translations of a merged catalog's entries if merging it again with the same template would change nothing.

    That holds when it has no entry with an empty msgstr: the translation memory
    only fills empty entries, and a merge of a merged catalog is the same catalog.
    """
    pairs = []
    for entry in found:
        strings = entry.string if isinstance(entry.string, tuple | list) else (entry.string,)
        if not all(strings):
            return None
        if isinstance(entry.id, str) and not entry.fuzzy:
            pairs.append((entry.id, entry.context, str(entry.string)))
    return pairs
