"""Catalogs: extract/update through real PO files, checked by GNU gettext."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from conftest import POST, run_cli, snapshot


def po(site: Path, lang: str, domain: str = POST) -> Path:
    return site / "locales" / lang / "LC_MESSAGES" / f"{domain}.po"


def test_every_catalog_passes_msgfmt_check(site: Path) -> None:
    assert run_cli(site, "extract").returncode == 0
    assert run_cli(site, "update").returncode == 0
    files = sorted((site / "locales").rglob("*.po")) + sorted((site / "locales").rglob("*.pot"))
    assert len(files) == 9  # 2 templates; post, site and glossary catalogs per target language; ja site.po
    for path in files:
        result = subprocess.run(["msgfmt", "--check-format", "-c", "-o", "/dev/null", str(path)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_extract_and_update_twice_change_no_byte(site: Path) -> None:
    for _ in range(2):
        assert run_cli(site, "extract").returncode == 0
        assert run_cli(site, "update").returncode == 0
    before = snapshot(site / "locales")
    assert run_cli(site, "extract").returncode == 0
    assert run_cli(site, "update").returncode == 0
    assert snapshot(site / "locales") == before


def test_committed_catalogs_are_up_to_date(site: Path) -> None:
    before = snapshot(site / "locales")
    assert run_cli(site, "extract").returncode == 0
    assert run_cli(site, "update").returncode == 0
    changed = {k for k, v in snapshot(site / "locales").items() if before.get(k) != v}
    assert changed == set()


def test_rewrapping_a_paragraph_leaves_the_template_byte_identical(site: Path) -> None:
    run_cli(site, "extract")
    pot = site / "locales" / "templates" / f"{POST}.pot"
    before = pot.read_bytes()
    post = site / "content" / "_posts" / f"{POST}.md"
    text = post.read_text(encoding="utf-8")
    # Move the soft break of the two-line answer to another place (same line count,
    # so every `#:` reference stays), and add trailing spaces at its end.
    old = "できます。**\nAndrej（*テスラAI Director）と私は"
    assert old in text
    rewrapped = text.replace(old, "できます。**Andrej（*テスラAI Director）と私は").replace(
        "ソフトウェアスタックのみを提供します。", "ソフトウェアスタックのみを提供します。\n")
    assert rewrapped != text and rewrapped.count("\n") == text.count("\n")
    post.write_text(rewrapped, encoding="utf-8")
    assert run_cli(site, "extract").returncode == 0
    assert pot.read_bytes() == before


def test_adding_soft_breaks_keeps_every_msgid(site: Path) -> None:
    run_cli(site, "extract")
    pot = site / "locales" / "templates" / f"{POST}.pot"
    with pot.open("rb") as f:
        before = [m.id for m in read_po(f)]
    post = site / "content" / "_posts" / f"{POST}.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("全体は結構長めの", "全体は結構長めの\n").replace("。その中で", "。\nその中で"),
                    encoding="utf-8")
    assert run_cli(site, "extract").returncode == 0
    with pot.open("rb") as f:
        assert [m.id for m in read_po(f)] == before


def test_all_messages_of_the_example_are_translated(site: Path) -> None:
    for lang in ("ko", "en"):
        for domain in (POST, "site"):
            with po(site, lang, domain).open("rb") as f:
                cat = read_po(f)
            entries = [m for m in cat if m.id]
            assert entries
            assert all(m.string and not m.fuzzy for m in entries), [m.id for m in entries if not m.string]


def test_edited_block_becomes_fuzzy_with_previous_msgid(site: Path) -> None:
    post = site / "content" / "_posts" / f"{POST}.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("本当にエキサイティングな話です。", "本当に刺激的な話です。"), encoding="utf-8")
    assert run_cli(site, "extract").returncode == 0
    assert run_cli(site, "update").returncode == 0
    content = po(site, "ko").read_text(encoding="utf-8")
    assert "#, fuzzy\n#| msgid " in content
    with po(site, "ko").open("rb") as f:
        cat = read_po(f)
    fuzzy = [m for m in cat if m.fuzzy and m.id]
    assert len(fuzzy) == 1 and fuzzy[0].string  # the old translation is kept as a suggestion
    assert '#| "Keller）：データが多ければ多いほど' in content
    assert "本当に刺激的な話です。" in fuzzy[0].id


def test_deleted_block_is_kept_as_obsolete(site: Path) -> None:
    post = site / "content" / "_posts" / f"{POST}.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("**下記は重要な内容を抜粋しました。**\n", ""), encoding="utf-8")
    run_cli(site, "extract")
    assert run_cli(site, "update").returncode == 0
    assert '#~ msgid "**下記は重要な内容を抜粋しました。**"\n#~ msgstr "**아래는' in po(site, "ko").read_text("utf-8")


def test_conflict_markers_stop_update_and_leave_files_untouched(site: Path) -> None:
    path = po(site, "ko")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(30, "<<<<<<< HEAD\n")
    path.write_text("".join(lines), encoding="utf-8")
    before = snapshot(site / "locales")
    run_cli(site, "extract")
    before = snapshot(site / "locales")
    result = run_cli(site, "update")
    assert result.returncode == 1
    assert f"locales/ko/LC_MESSAGES/{POST}.po:31: error: merge conflict marker" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(site / "locales") == before


def test_language_header_must_match_the_folder(site: Path) -> None:
    path = po(site, "en")
    path.write_text(path.read_text("utf-8").replace('"Language: en\\n"', '"Language: ko\\n"'), "utf-8")
    result = run_cli(site, "update")
    assert result.returncode == 1
    assert "Language header says 'ko' but the catalog is in the 'en' folder" in result.stderr


def test_a_region_in_the_language_header_is_the_folders_language(site: Path) -> None:
    """Poedit writes ``Language: ko_KR`` when a translator picks Korean (South Korea)."""
    path = po(site, "ko")
    path.write_text(path.read_text("utf-8").replace('"Language: ko\\n"', '"Language: ko_KR\\n"'), "utf-8")
    before = path.read_bytes()
    for verb in ("update", "build", "check"):
        result = run_cli(site, verb)
        assert result.returncode == 0, result.stderr
    assert path.read_bytes() == before  # kept as the translator's tool wrote it
    page = next((site / "_site" / "ko").glob("20*/*/*/*/index.html")).read_text("utf-8")
    assert "아래는 중요한 내용을 발췌한 것입니다" in page  # the translation is published
    other = po(site, "en")
    other.write_text(other.read_text("utf-8").replace('"Language: en\\n"', '"Language: ko_KR\\n"'), "utf-8")
    assert "Language header says 'ko_KR' but the catalog is in the 'en' folder" in run_cli(site, "build").stderr


def test_source_date_epoch_sets_the_creation_date(site: Path, monkeypatch: object) -> None:
    import os
    import sys

    env = {**os.environ, "SOURCE_DATE_EPOCH": "1613952000"}
    (site / "locales" / "templates").mkdir(exist_ok=True)
    for pot in (site / "locales" / "templates").glob("*.pot"):
        pot.unlink()
    subprocess.run([sys.executable, str(Path(__file__).parent.parent / "build.py"), "-C", str(site), "extract"],
                   check=True, env=env, capture_output=True)
    assert '"POT-Creation-Date: 2021-02-22 00:00+0000\\n"' in \
        (site / "locales" / "templates" / f"{POST}.pot").read_text("utf-8")


def test_previous_msgid_survives_another_update(site: Path) -> None:
    from i18n.catalogs import read_catalog

    post = site / "content" / "_posts" / f"{POST}.md"
    post.write_text(post.read_text("utf-8").replace("本当にエキサイティングな話です。", "本当に刺激的な話です。"),
                    encoding="utf-8")
    run_cli(site, "extract")
    assert run_cli(site, "update").returncode == 0
    once = po(site, "ko").read_bytes()
    assert run_cli(site, "update").returncode == 0
    assert po(site, "ko").read_bytes() == once
    fuzzy = [m for m in read_catalog(po(site, "ko"), site) if m.fuzzy and m.id]
    assert fuzzy[0].previous_id[0].endswith("本当にエキサイティングな話です。")


def test_a_second_edit_keeps_the_msgid_the_translation_was_made_from(site: Path) -> None:
    """As ``msgmerge --previous``: ``#|`` stays the source the msgstr translates, across edits."""
    from i18n.catalogs import read_catalog

    post = site / "content" / "_posts" / f"{POST}.md"
    original = "**下記は重要な内容を抜粋しました。**"
    for before, after in ((original, "**下記は特に重要な内容を抜粋しました。**"),
                          ("**下記は特に重要な内容を抜粋しました。**", "**下記は特に重要な内容を抜粋しました！**")):
        post.write_text(post.read_text("utf-8").replace(before, after), encoding="utf-8")
        run_cli(site, "extract")
        assert run_cli(site, "update").returncode == 0
        entry = read_catalog(po(site, "ko"), site).get(after)
        assert entry is not None and entry.fuzzy
        assert entry.previous_id == [original]
        assert str(entry.string).startswith("**아래는")
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po(site, "ko"))]).returncode == 0


def test_a_deleted_block_that_comes_back_gets_its_translation_back(site: Path) -> None:
    post = site / "content" / "_posts" / f"{POST}.md"
    text = post.read_text("utf-8")
    post.write_text(text.replace("**下記は重要な内容を抜粋しました。**\n", ""), encoding="utf-8")
    run_cli(site, "extract")
    assert run_cli(site, "update").returncode == 0
    assert '#~ msgid "**下記は重要な内容を抜粋しました。**"' in po(site, "ko").read_text("utf-8")
    post.write_text(text, encoding="utf-8")
    run_cli(site, "extract")
    assert run_cli(site, "update").returncode == 0
    content = po(site, "ko").read_text("utf-8")
    assert "#~ msgid" not in content
    assert 'msgid "**下記は重要な内容を抜粋しました。**"\nmsgstr "**아래는' in content


def test_previous_msgid_is_read_for_entries_with_context_and_escapes(tmp_path: Path) -> None:
    from i18n.catalogs import catalog_bytes, read_catalog

    path = tmp_path / "x.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Language: ko\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        '#, fuzzy\n#| msgid ""\n#| "A（Jim "\n#| "Keller）：古い \\"q\\""\n'
        'msgctxt "c"\nmsgid "新しい"\nmsgstr "번역"\n',
        encoding="utf-8")
    entry = read_catalog(path, tmp_path).get("新しい", "c")
    assert entry is not None and entry.previous_id == ['A（Jim Keller）：古い "q"']
    path.write_bytes(catalog_bytes(read_catalog(path, tmp_path)))
    again = read_catalog(path, tmp_path).get("新しい", "c")
    assert again is not None and again.previous_id == ['A（Jim Keller）：古い "q"']
    assert '#| msgid "A（Jim Keller）：古い \\"q\\""\nmsgctxt "c"' in path.read_text("utf-8")


def test_update_reusing_settled_catalogs_equals_a_full_update(site: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the two updates may run in different minutes
    assert run_cli(site, "extract").returncode == 0
    assert run_cli(site, "update").returncode == 0  # the example's catalogs are now settled in .cache/
    (site / "content" / "_posts" / "2021-03-01-more.md").write_text(
        "---\ntitle: 続報\n---\n\n**下記は重要な内容を抜粋しました。**\n", "utf-8")
    assert run_cli(site, "extract").returncode == 0
    cold = tmp_path / "cold"
    shutil.copytree(site, cold, ignore=shutil.ignore_patterns(".cache"))
    assert run_cli(site, "update").returncode == 0
    assert run_cli(cold, "update").returncode == 0
    assert snapshot(site / "locales") == snapshot(cold / "locales")
    # The new post's block was filled from the example's translation, read from the cache.
    with po(site, "ko", "2021-03-01-more").open("rb") as f:
        filled = {m.id: m.string for m in read_po(f) if m.id}
    assert filled["**下記は重要な内容を抜粋しました。**"] == "**아래는 중요한 내용을 발췌한 것입니다.**"


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_second_update_merges_no_catalog(site: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """What the first ``update`` left is found in the cache, by forked workers too: nothing is read or merged."""
    from i18n import extract
    from i18n.config import load_config

    posts = site / "content" / "_posts"
    source = (posts / f"{POST}.md").read_text("utf-8")
    for n in range(30):  # enough templates for the work to go to worker processes; each filled from the example
        (posts / f"2021-03-{n % 28 + 1:02d}-copy-{n}.md").write_text(source, "utf-8")
    config = load_config(site)
    extract.extract(config)
    first = extract.update(config, jobs=jobs)
    assert len(first.written) >= 60

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a settled catalog was read again")

    for name in ("merged_as_is", "read_catalog", "update_catalog"):
        monkeypatch.setattr(extract, name, refuse)
    again = extract.update(config, jobs=jobs)
    catalogs = sorted((site / "locales").glob("*/LC_MESSAGES/*.po"))
    assert again.written == [] and again.unchanged == len(catalogs) == 65  # 31 posts in two languages, 3 site.po


def test_update_on_many_workers_writes_what_one_process_writes(site: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Enough posts for ``update`` to merge on worker processes: the same catalogs as ``--jobs 1``.

    Between two updates, blocks are edited (fuzzy), deleted (obsolete) and
    added to new posts (filled from identical blocks elsewhere in the site).
    """
    import shutil

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    posts = site / "content" / "_posts"
    source = (posts / f"{POST}.md").read_text("utf-8")
    for n in range(40):
        (posts / f"2021-03-{n % 28 + 1:02d}-copy-{n}.md").write_text(
            source.replace("Tesla", f"Tesla{n}", 1), "utf-8")
    assert run_cli(site, "extract").returncode == 0
    assert run_cli(site, "update").returncode == 0
    for n in range(0, 40, 3):
        path = posts / f"2021-03-{n % 28 + 1:02d}-copy-{n}.md"
        text = path.read_text("utf-8").replace("**下記は重要な内容を抜粋しました。**", "**下記は抜粋です。**")
        path.write_text(text.replace("そんな彼が今回", "そんな彼が先日") if n % 2 else text, "utf-8")
    (posts / "2021-04-01-new.md").write_text(
        "---\ntitle: 続報\n---\n\n**下記は重要な内容を抜粋しました。**\n\n新しい段落。\n", "utf-8")
    assert run_cli(site, "extract").returncode == 0
    shutil.rmtree(site / ".cache")  # as in a new clone: every catalog is read and merged
    one = tmp_path / "one"
    shutil.copytree(site, one)
    many = run_cli(site, "update", "--jobs", "2")
    assert many.returncode == 0, many.stderr
    single = run_cli(one, "update", "--jobs", "1")
    assert single.returncode == 0, single.stderr
    assert many.stdout.split(",")[0] == single.stdout.split(",")[0]  # "update: N catalogs written"
    assert snapshot(site / "locales") == snapshot(one / "locales")
    with po(site, "ko", "2021-04-01-new").open("rb") as f:
        filled = {m.id: m.string for m in read_po(f) if m.id}
    assert filled["**下記は重要な内容を抜粋しました。**"] == "**아래는 중요한 내용을 발췌한 것입니다.**"
    with po(site, "ko", "2021-03-01-copy-0").open("rb") as f:
        fuzzy = [m for m in read_po(f) if m.id == "**下記は抜粋です。**"]
    assert fuzzy and fuzzy[0].fuzzy and fuzzy[0].string == "**아래는 중요한 내용을 발췌한 것입니다.**"
    result = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po(site, "en", "2021-03-04-copy-3"))],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_broken_catalog_stops_a_parallel_update_before_any_write(site: Path) -> None:
    import shutil

    posts = site / "content" / "_posts"
    source = (posts / f"{POST}.md").read_text("utf-8")
    for n in range(30):
        (posts / f"2021-03-{n + 1:02d}-copy.md").write_text(source.replace("Tesla", f"Tesla{n}", 1), "utf-8")
    assert run_cli(site, "extract").returncode == 0
    assert run_cli(site, "update").returncode == 0
    (posts / "2021-03-05-copy.md").write_text(source + "\n追加の段落。\n", "utf-8")
    assert run_cli(site, "extract").returncode == 0
    broken = po(site, "en", "2021-03-20-copy")
    broken.write_text(broken.read_text("utf-8").replace('msgstr "', 'msgstr "unterminated\n', 1), "utf-8")
    before = snapshot(site / "locales")
    shutil.rmtree(site / ".cache")  # every catalog read again, on the workers
    result = run_cli(site, "update", "--jobs", "2")
    assert result.returncode != 0
    assert "locales/en/LC_MESSAGES/2021-03-20-copy.po:" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(site / "locales") == before


def test_one_template_merged_for_two_locales_fills_each_from_its_own_memory() -> None:
    """A new block already translated elsewhere gets each language's translation, never the other's."""
    import datetime as dt

    from i18n.catalogs import catalog_bytes, entries, template_catalog, update_catalog
    from i18n.errors import Location
    from i18n.locales import site_locale
    from i18n.segments import Message

    template = template_catalog([Message("同じ段落。", Location("content/_posts/x.md", 3), "paragraph")],
                                dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    before = catalog_bytes(template)
    ko = update_catalog(None, template, site_locale("ko"), dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
                        {("同じ段落。", None): "같은 단락."})
    en = update_catalog(None, template, site_locale("en"), dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
                        {("同じ段落。", None): "The same paragraph."})
    assert [e.string for e in entries(ko)] == ["같은 단락."]
    assert [e.string for e in entries(en)] == ["The same paragraph."]
    assert catalog_bytes(template) == before  # the template serves the next locale as it was


def test_update_fills_a_new_post_in_each_language_from_that_language(site: Path) -> None:
    posts = site / "content" / "_posts"
    (posts / "2021-03-01-more.md").write_text(
        "---\ntitle: 続報\n---\n\n**下記は重要な内容を抜粋しました。**\n", "utf-8")
    assert run_cli(site, "extract").returncode == 0
    assert run_cli(site, "update").returncode == 0
    for lang in ("ko", "en"):
        with po(site, lang, POST).open("rb") as f:
            expected = {m.id: m.string for m in read_po(f) if m.id}["**下記は重要な内容を抜粋しました。**"]
        with po(site, lang, "2021-03-01-more").open("rb") as f:
            filled = {m.id: m.string for m in read_po(f) if m.id}
        assert expected and filled["**下記は重要な内容を抜粋しました。**"] == expected, lang


def test_a_renamed_post_keeps_its_translations_and_its_old_catalogs_are_named(site: Path) -> None:
    posts = site / "content" / "_posts"
    renamed = "2021-02-23-tesla-ai-jim-keller"
    (posts / f"{POST}.md").rename(posts / f"{renamed}.md")
    extracted = run_cli(site, "extract")
    assert extracted.returncode == 0
    assert f"locales/templates/{POST}.pot: warning: no post {POST} any more" in extracted.stderr
    assert "1 warning" in extracted.stdout
    assert run_cli(site, "update").returncode == 0
    for lang in ("ko", "en"):
        with po(site, lang, POST).open("rb") as f:
            old = {m.id: m.string for m in read_po(f) if m.id}
        with po(site, lang, renamed).open("rb") as f:
            new = {m.id: m.string for m in read_po(f) if m.id}
        assert new == old and all(new.values()), lang  # nothing a translator wrote is lost, none deleted
    checked = run_cli(site, "check")
    assert checked.returncode == 0, checked.stderr
    orphans = [line for line in checked.stderr.splitlines() if "any more" in line]
    assert orphans == [f"locales/templates/{POST}.pot: warning: no post {POST} any more: delete this template "
                       "and its catalogs once their translations are not needed"] + [
        f"locales/{lang}/LC_MESSAGES/{POST}.po: warning: no post {POST} any more: nothing is built from this "
        "catalog (update reuses its translations for identical text)" for lang in ("ko", "en")]
    assert run_cli(site, "check", "--strict").returncode == 1


def test_a_header_field_changed_after_reading_is_written_and_the_others_as_read(tmp_path: Path) -> None:
    """The header is written as read (field order, a field of another tool's), but for what changed since."""
    from i18n.catalogs import catalog_bytes, read_catalog

    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: ko\\n"\n"X-Generator: Poedit 3.4\\n"\n'
                  '"Last-Translator: A <a@example.org>\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "本文"\nmsgstr "본문"\n', "utf-8")
    as_written = po.read_text("utf-8").split("\n\n")[0]
    cat = read_catalog(po, tmp_path)
    assert catalog_bytes(cat).decode("utf-8").split("\n\n")[0] == as_written
    cat.last_translator = "B <b@example.org>"
    header = catalog_bytes(cat).decode("utf-8").split("\n\n")[0]
    assert header == as_written.replace("A <a@example.org>", "B <b@example.org>")


def test_a_plural_string_that_comes_back_gets_its_translation_back(tmp_path: Path) -> None:
    """site.po: a layout's ngettext string removed, then restored (an edit undone)."""
    import datetime as dt

    from babel.messages.catalog import Catalog

    from i18n.catalogs import catalog_bytes, read_catalog, update_catalog
    from i18n.locales import site_locale

    when = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    plural = ("%(num)d minute read", "%(num)d minutes read")
    with_it, without = Catalog(), Catalog()
    for template in (with_it, without):
        template.add("Tags", locations=[("layouts/post.html", 3)])
    with_it.add(plural, locations=[("layouts/post.html", 9)])
    ko = update_catalog(None, with_it, site_locale("ko"), when)
    ko[plural].string = ("%(num)d분 분량",)
    path = tmp_path / "site.po"
    for template in (without, with_it):
        path.write_bytes(catalog_bytes(update_catalog(read_catalog(path, tmp_path) if path.exists() else ko,
                                                      template, site_locale("ko"), when), prose=False))
    back = read_catalog(path, tmp_path)
    entry = back.get(plural[0])
    assert entry is not None and entry.string[0] == "%(num)d분 분량"
    assert not back.obsolete
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)]).returncode == 0
