"""``init-locale`` (a new site language) and ``new`` (a new post), as a site owner runs them."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from conftest import POST, run_cli, snapshot

from i18n.content import read_post
from i18n.errors import Location, PipelineError
from i18n.scaffold import add_to_locales, post_slug

KO_PAGE = "_site/ko/2021/02/22/tesla-ai-jim-keller/index.html"
FR_PAGE = "_site/fr/2021/02/22/tesla-ai-jim-keller/index.html"
WHERE = Location("site.toml", 5)


def alternate_langs(page: Path) -> set[str]:
    """The hreflang values of a page's ``<link rel="alternate">`` elements."""
    return set(re.findall(r'<link rel="alternate" hreflang="([^"]+)"', page.read_text("utf-8")))


def test_init_locale_edits_only_the_locales_line(site: Path) -> None:
    config = site / "site.toml"
    before = config.read_text("utf-8").splitlines()
    result = run_cli(site, "init-locale", "fr")
    assert result.returncode == 0, result.stderr
    after = config.read_text("utf-8").splitlines()
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert changed == [('locales = ["ja", "ko", "en"]', 'locales = ["ja", "ko", "en", "fr"]')]
    assert "init-locale: fr (Français) added to site.toml, 2 catalogs created" in result.stdout


def test_init_locale_creates_catalogs_with_language_and_plural_forms(site: Path) -> None:
    assert run_cli(site, "init-locale", "fr").returncode == 0
    templates = sorted(p.stem for p in (site / "locales" / "templates").glob("*.pot"))
    folder = site / "locales" / "fr" / "LC_MESSAGES"
    assert sorted(p.stem for p in folder.glob("*.po")) == templates
    expected_plural = Catalog(locale="fr").plural_forms  # what CLDR says for French
    for po in folder.glob("*.po"):
        with po.open("rb") as f:
            catalog = read_po(f)
        assert catalog.locale_identifier == "fr"
        assert catalog.plural_forms == expected_plural
        pot = site / "locales" / "templates" / f"{po.stem}.pot"
        with pot.open("rb") as f:
            assert {m.id for m in catalog if m.id} == {m.id for m in read_po(f) if m.id}
        checked = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr


def test_new_language_is_published_only_once_translated(site: Path) -> None:
    assert run_cli(site, "init-locale", "fr").returncode == 0
    assert run_cli(site, "build").returncode == 0
    fr_page = (site / FR_PAGE).read_text("utf-8")
    assert '<meta name="robots" content="noindex">' in fr_page  # fallback: Japanese under a notice
    assert "fr" not in alternate_langs(site / KO_PAGE)
    assert 'hreflang="fr"' in (site / KO_PAGE).read_text("utf-8")  # still in the switcher
    assert "/fr/2021/" not in (site / "_site" / "sitemap.xml").read_text("utf-8")

    fill_from(site, "en", "fr")
    result = run_cli(site, "build")
    assert result.returncode == 0, result.stderr
    assert "fr" in alternate_langs(site / KO_PAGE)
    assert "noindex" not in (site / FR_PAGE).read_text("utf-8")
    assert "/fr/2021/02/22/tesla-ai-jim-keller/" in (site / "_site" / "sitemap.xml").read_text("utf-8")


def fill_from(site: Path, source: str, target: str) -> None:
    """Give every ``target`` entry the ``source`` language's translation, as a translator would."""
    for po in (site / "locales" / target / "LC_MESSAGES").glob("*.po"):
        with (site / "locales" / source / "LC_MESSAGES" / po.name).open("rb") as f:
            done = read_po(f)
        with po.open("rb") as f:
            catalog = read_po(f)
        for message in catalog:
            if not message.id:
                continue
            known = done.get(message.id, message.context)
            string = known.string if known is not None and known.string else message.id
            if isinstance(string, tuple):  # plural forms: French has its own number of them
                string = tuple(string[min(i, len(string) - 1)] for i in range(catalog.num_plurals))
            message.string = string
        with po.open("wb") as f:
            write_po(f, catalog)


def test_init_locale_refuses_unknown_and_existing_codes(site: Path) -> None:
    config = (site / "site.toml").read_bytes()
    before = snapshot(site / "locales")
    result = run_cli(site, "init-locale", "xx")
    assert result.returncode == 1
    assert result.stderr.startswith("site.toml:5: error: unknown locale code 'xx'")
    assert "Traceback" not in result.stderr
    result = run_cli(site, "init-locale", "ko")
    assert result.returncode == 1
    assert "site.toml:5: error: 'ko' is already a language of this site" in result.stderr
    result = run_cli(site, "init-locale", "pt_BR")
    assert result.returncode == 1
    assert "use 'pt-BR'" in result.stderr
    assert (site / "site.toml").read_bytes() == config
    assert snapshot(site / "locales") == before


def test_init_locale_needs_templates(site: Path) -> None:
    for pot in (site / "locales" / "templates").glob("*.pot"):
        pot.unlink()
    config = (site / "site.toml").read_bytes()
    result = run_cli(site, "init-locale", "fr")
    assert result.returncode == 1
    assert "locales/templates: error: no templates; run 'extract' first" in result.stderr
    assert (site / "site.toml").read_bytes() == config
    assert not (site / "locales" / "fr").exists()


@pytest.mark.parametrize(("before", "after"), [
    ('locales = ["ja", "ko"]  # shown in this order\n', 'locales = ["ja", "ko", "fr"]  # shown in this order\n'),
    ("locales = ['ja']\n", "locales = ['ja', \"fr\"]\n"),
    ('locales = [\n  "ja",\n  "ko",  # Korean\n]\n', 'locales = [\n  "ja",\n  "ko",  # Korean\n  "fr",\n]\n'),
    ('locales = [\n    "ja",\n    "ko"\n]\n', 'locales = [\n    "ja",\n    "ko",\n    "fr",\n]\n'),
    ('title = "x"\r\nlocales = [\r\n "ja",\r\n]\r\n', 'title = "x"\r\nlocales = [\r\n "ja",\r\n "fr",\r\n]\r\n'),
])
def test_locales_list_keeps_its_layout(before: str, after: str) -> None:
    assert add_to_locales(before, "fr", WHERE) == after
    assert tomllib.loads(after)["locales"][-1] == "fr"


def test_locales_list_in_a_table_is_not_touched() -> None:
    with pytest.raises(PipelineError, match="no top-level 'locales"):
        add_to_locales('title = "x"\n[extra]\nlocales = ["ja"]\n', "fr", WHERE)


def test_new_post_has_front_matter_and_builds(site: Path) -> None:
    result = run_cli(site, "new", "Model 3 の試乗記", "--slug", "model-3-test-drive", "--date", "2021-03-01")
    assert result.returncode == 0, result.stderr
    path = site / "content" / "_posts" / "2021-03-01-model-3-test-drive.md"
    assert "new: wrote content/_posts/2021-03-01-model-3-test-drive.md" in result.stdout
    post = read_post(path, site)
    assert post.meta["title"] == "Model 3 の試乗記"
    assert post.date == dt.datetime(2021, 3, 1)
    assert post.meta["categories"] == []
    assert post.meta["read_time"] is True and post.meta["share"] is True and post.meta["related"] is True
    assert {"description", "last_modified_at"} <= set(post.meta)
    assert run_cli(site, "extract").returncode == 0
    assert 'msgid "Model 3 の試乗記"' in (site / "locales" / "templates" / "2021-03-01-model-3-test-drive.pot"
                                        ).read_text("utf-8")
    assert run_cli(site, "build").returncode == 0
    ja = (site / "_site" / "ja" / "2021" / "03" / "01" / "model-3-test-drive" / "index.html").read_text("utf-8")
    assert "<h1>Model 3 の試乗記" in ja


def test_new_post_defaults_to_today_and_a_time_slug_for_japanese_titles(site: Path) -> None:
    first_day = dt.date.today()
    result = run_cli(site, "new", "テスラの新しい話")
    last_day = dt.date.today()
    assert result.returncode == 0, result.stderr
    [path] = [p for p in (site / "content" / "_posts").glob("*.md") if p.stem != POST]
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})-post-(\d{6})", path.stem)
    assert m is not None, path.name
    assert dt.date.fromisoformat(m.group(1)) in {first_day, last_day}
    post = read_post(path, site)
    assert post.meta["title"] == "テスラの新しい話"
    assert post.date.tzinfo is not None  # local time with its offset, as Jekyll writes it
    assert post.date.date() == dt.date.fromisoformat(m.group(1))


def test_ascii_title_gives_the_slug() -> None:
    now = dt.datetime(2024, 5, 6, 7, 8, 9)
    assert post_slug("Model 3 Review: 2021!", now) == "model-3-review-2021"
    assert post_slug("テスラ", now) == "post-070809"
    assert post_slug("!!!", now) == "post-070809"


def test_new_post_never_overwrites(site: Path) -> None:
    args = ("new", "First", "--slug", "same", "--date", "2021-03-01")
    assert run_cli(site, *args).returncode == 0
    path = site / "content" / "_posts" / "2021-03-01-same.md"
    path.write_text(path.read_text("utf-8") + "本文。\n", "utf-8")
    kept = path.read_bytes()
    result = run_cli(site, "new", "Second", "--slug", "same", "--date", "2021-03-01")
    assert result.returncode == 1
    assert "content/_posts/2021-03-01-same.md: error: a post with this date and slug already exists" in result.stderr
    assert path.read_bytes() == kept


@pytest.mark.parametrize(("option", "value"), [("--slug", "../escape"), ("--slug", "a b"), ("--date", "2021-02-30")])
def test_new_post_rejects_bad_options(site: Path, option: str, value: str) -> None:
    result = run_cli(site, "new", "Title", option, value)
    assert result.returncode == 2
    assert f"argument {option}" in result.stderr
    assert [p.name for p in (site / "content" / "_posts").iterdir()] == [f"{POST}.md"]
