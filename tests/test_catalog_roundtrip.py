"""Catalog fidelity: what a translator or another tool put in a PO file survives us.

Real third-party catalogs (Django, Sphinx; see tests/data/catalogs/README.md),
a handcrafted catalog with every PO feature, and the example site's catalogs are
read, written and read again; every field of every entry is compared, and an
independent parser (translate-toolkit) checks the written file against the
original. GNU gettext re-wraps the example catalogs, and pofilter checks them.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from conftest import ROOT
from translate.storage import pypo

from i18n.catalogs import PoCatalog, catalog_bytes, previous_context, read_catalog, update_catalog
from i18n.locales import site_locale

DATA = Path(__file__).parent / "data" / "catalogs"
FEATURES = DATA / "handcrafted" / "ko" / "LC_MESSAGES" / "features.po"
THIRD_PARTY = sorted(DATA.rglob("*.po"))
EXAMPLE = sorted((ROOT / "locales").glob("*/LC_MESSAGES/*.po"))
EVERY_EXAMPLE_CATALOG = sorted((ROOT / "locales").rglob("*.po")) + sorted((ROOT / "locales").rglob("*.pot"))


def _id(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def entries(cat: Catalog) -> list[dict[str, object]]:
    """Every field of every entry, in file order, obsolete entries last (as they are written)."""
    rows: list[dict[str, object]] = []
    for obsolete, group in ((False, [e for e in cat if e.id]), (True, list(cat.obsolete.values()))):
        rows += [{
            "obsolete": obsolete,
            "context": e.context,
            "id": e.id,
            "string": e.string,
            "flags": sorted(e.flags),
            "translator_comments": list(e.user_comments),
            "extracted_comments": list(e.auto_comments),
            "locations": list(e.locations),
            "previous_context": previous_context(e),
            "previous_id": list(e.previous_id),
        } for e in group]
    return rows


def header(cat: Catalog) -> dict[str, object]:
    """The header entry as read: comment, fuzzy flag and fields."""
    assert isinstance(cat, PoCatalog) and cat.header_as_read is not None
    return {"comment": cat.header_as_read.comment, "fuzzy": cat.fuzzy, "fields": list(cat.header_as_read.fields)}


def gettext_units(path: Path) -> list[dict[str, object]]:
    """Every unit as translate-toolkit's own PO parser sees it (an oracle independent of Babel and of us)."""
    store = pypo.pofile.parsefile(str(path))
    units: list[dict[str, object]] = []
    for u in store.units:
        if u.isheader():
            units.append({"header": store.parseheader(), "comment": u.getnotes("translator")})
            continue
        units.append({
            "obsolete": u.isobsolete(),
            "msgctxt": pypo.unquotefrompo(u.msgctxt) if u.msgctxt else None,
            "source": [str(s) for s in u.source.strings] if u.hasplural() else [u.source],
            "target": [str(s) for s in u.target.strings] if u.hasplural() else [u.target],
            "translator": u.getnotes("translator"),
            "developer": u.getnotes("developer"),
            "locations": u.getlocations(),
            "flags": sorted(f.strip() for line in u.typecomments for f in line[2:].split(",") if f.strip()),
            "previous": [pypo.unquotefrompo(u.prev_msgctxt), pypo.unquotefrompo(u.prev_msgid),
                         pypo.unquotefrompo(u.prev_msgid_plural)],
        })
    return units


def msgfmt_check(path: Path) -> None:
    result = subprocess.run(["msgfmt", "--check-format", "-c", "-o", "/dev/null", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", THIRD_PARTY + EVERY_EXAMPLE_CATALOG, ids=_id)
def test_catalog_survives_read_write_read(path: Path, tmp_path: Path) -> None:
    first = read_catalog(path, path.parent)
    assert entries(first), "an empty catalog proves nothing"
    written = tmp_path / path.name
    written.write_bytes(catalog_bytes(first, prose=False))

    second = read_catalog(written, tmp_path)
    assert entries(second) == entries(first)
    assert header(second) == header(first)
    assert gettext_units(written) == gettext_units(path)
    msgfmt_check(written)
    # What we wrote ourselves comes back byte for byte.
    assert catalog_bytes(second, prose=False) == written.read_bytes()


def test_the_handcrafted_catalog_has_every_feature_the_roundtrip_must_keep() -> None:
    cat = read_catalog(FEATURES, FEATURES.parent)
    rows = {(row["obsolete"], row["context"], row["id"] if isinstance(row["id"], str) else row["id"][0]): row
            for row in entries(cat)}
    menu = rows[(False, "navigation", "Menu")]
    assert menu["translator_comments"] == ["A translator note over several lines,", "one of them indented:",
                                           '  "menu" here is the navigation menu.', ""]
    assert menu["extracted_comments"] == ["TRANSLATORS: shown in the top navigation bar;", "keep it short."]
    assert menu["locations"] == [("templates/nav.html", 12), ("templates/base.html", 4)]
    assert rows[(False, "", "Menu")]["string"] == "목록"  # msgctxt "" is its own entry
    assert rows[(False, None, "Menu")]["string"] == "차림표"
    assert rows[(False, None, "Save 100% of your time")]["flags"] == ["no-python-format"]
    assert rows[(False, None, "Welcome, {name}")]["flags"] == []  # as written, not guessed from the braces
    read_more = rows[(False, "link", "Read more…")]
    assert (read_more["previous_context"], read_more["previous_id"]) == ("button", ["Read more"])
    plural = rows[(False, None, "%(count)d reply")]
    assert plural["flags"] == ["fuzzy", "python-format"]
    assert plural["previous_id"] == ["%(count)d comment", "%(count)d comments"]
    archives = rows[(True, "sidebar", "Archives")]
    assert archives["flags"] == ["fuzzy"]
    assert archives["translator_comments"] == ["Kept in case the sidebar comes back."]
    assert (archives["previous_context"], archives["previous_id"]) == ("sidebar", ["Old archives"])
    closed = rows[(True, None, "Comments are closed.")]
    assert closed["previous_id"] == [
        "The comments are closed for this post; write to the author if you want to add something."]
    assert rows[(True, None, "%(count)d view")]["string"] == ("조회 %(count)d회",)

    text = catalog_bytes(cat, prose=False).decode("utf-8")
    assert '#~| msgctxt "sidebar"\n#~| msgid "Old archives"\n#~ msgctxt "sidebar"\n' in text
    assert '#| msgctxt "button"\n#| msgid "Read more"\nmsgctxt "link"\n' in text
    assert '"X-Generator: Poedit 3.4.2\\n"' in text  # a header field Babel does not know
    assert "# Copyright (C) YEAR THE PACKAGE'S COPYRIGHT HOLDER\n" in text  # no placeholder filled in


def test_update_keeps_previous_context_and_lays_out_obsolete_entries_as_msgmerge() -> None:
    template = read_catalog(FEATURES, FEATURES.parent)
    template.obsolete.clear()
    del template["Hello, %(name)s!"]
    po = update_catalog(read_catalog(FEATURES, FEATURES.parent), template, site_locale("ko"),
                        dt.datetime(2024, 3, 6, tzinfo=dt.UTC))
    text = catalog_bytes(po, prose=False).decode("utf-8")
    # Still fuzzy: the translator still sees what the entry was.
    assert '#, fuzzy\n#| msgctxt "button"\n#| msgid "Read more"\nmsgctxt "link"\n' in text
    # Gone from the template: obsolete without its source reference; translator comments and flags stay.
    assert '\n\n#, python-format\n#~ msgid "Hello, %(name)s!"\n#~ msgstr "안녕하세요, %(name)s 님!"\n' in text
    assert '#, fuzzy\n#~| msgctxt "sidebar"\n#~| msgid "Old archives"\n' in text


REWRAPS = {
    "msgcat-width-40": lambda po: ["msgcat", "--width=40", str(po)],
    "msgcat-no-wrap": lambda po: ["msgcat", "--no-wrap", str(po)],
    "msgmerge-width-60": lambda po: ["msgmerge", "--quiet", "--width=60", str(po),
                                     str(ROOT / "locales" / "templates" / f"{po.stem}.pot")],
}


def _body(data: bytes) -> bytes:
    """Everything after the header entry."""
    return data.split(b"\n\n", 1)[1]


@pytest.mark.parametrize("tool", sorted(REWRAPS))
@pytest.mark.parametrize("po", EXAMPLE, ids=_id)
def test_gnu_rewrapped_catalog_is_the_same_catalog_and_written_back_byte_identical(
        po: Path, tool: str, tmp_path: Path) -> None:
    rewrapped = tmp_path / po.name
    rewrapped.write_bytes(subprocess.run(REWRAPS[tool](po), capture_output=True, check=True).stdout)
    assert rewrapped.read_bytes() != po.read_bytes()

    original, cat = read_catalog(po, po.parent), read_catalog(rewrapped, tmp_path)
    assert entries(cat) == entries(original)
    ours = catalog_bytes(cat, prose=po.stem != "site")  # as `update` writes it
    if tool.startswith("msgcat"):
        assert header(cat) == header(original)
        assert ours == po.read_bytes()
    else:
        # msgmerge takes POT-Creation-Date from the template and orders the header fields its way.
        def fields(c: Catalog) -> dict[str, str]:
            pairs = (f.split(": ", 1) for f in header(c)["fields"])
            return {k: v.lower() if k == "Content-Type" else v for k, v in pairs if k != "POT-Creation-Date"}
        assert fields(cat) == fields(original)
        assert _body(ours) == _body(po.read_bytes())


PO_CHECKS = ["-t", "variables", "-t", "urls", "-t", "pythonbraceformat"]


def pofilter_failures(po: Path, language: str, tmp_path: Path) -> list[str]:
    """The units pofilter reports, each as its ``(pofilter)`` note and msgid.

    ``variables`` checks nothing in plain gettext catalogs (its patterns are those
    of Mozilla, OpenOffice, KDE...); ``pythonbraceformat`` covers ``{name}``,
    Liquid tags and kramdown ``{:...}``. ``printf`` is left out: its conversion
    letter is any word character, CJK included, so ``%%以上`` reads as a variable
    ``%以``; ``msgfmt --check-format`` checks ``%(name)s`` exactly instead.
    """
    out = tmp_path / f"pofilter-{language}-{po.name}"
    subprocess.run(["pofilter", *PO_CHECKS, f"--language={language}", "--progress=none",
                    "-i", str(po), "-o", str(out)], check=True, capture_output=True)
    if not out.exists():
        return []
    units = [u for u in pypo.pofile.parsefile(str(out)).units if not u.isheader()]
    return [f"{u.getnotes('translator')} {u.source!r}" for u in units]


@pytest.mark.parametrize("po", sorted((ROOT / "locales").rglob("*.po")), ids=_id)
def test_pofilter_finds_no_broken_placeholder_or_url(po: Path, tmp_path: Path) -> None:
    language = po.relative_to(ROOT / "locales").parts[0]
    assert pofilter_failures(po, language, tmp_path) == []


def test_pofilter_checks_catch_placeholders_liquid_and_urls(tmp_path: Path) -> None:
    po = tmp_path / "broken.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: ko\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Hi {name}"\nmsgstr "안녕 {nom}"\n\n'
        'msgid "{% include youtubePlayer.html id=\\"x\\" %}"\nmsgstr "{% include youtubePlayer.html %}"\n\n'
        'msgid "[Jim Keller](https://ja.wikipedia.org/wiki/x){:target=\\"_blank\\"}"\n'
        'msgstr "[짐 켈러](https://ko.wikipedia.org/wiki/x){:target=\\"_blank\\"}"\n\n'
        'msgid "Kept as is: {name}, {:target=\\"_blank\\"}, https://example.com/, %(n)d%% 以上"\n'
        'msgstr "그대로: {name}, {:target=\\"_blank\\"}, https://example.com/, %(n)d%%以上"\n',
        encoding="utf-8")
    failures = pofilter_failures(po, "ko", tmp_path)
    assert [f.split(":")[0] for f in failures] == ["(pofilter) pythonbraceformat", "(pofilter) pythonbraceformat",
                                                    "(pofilter) urls"]
