"""Hostile translations never reach a page as live markup or as Liquid that runs.

A catalog comes from people other than the author.  Each string below is put
into a published Korean translation of the example post (or of the site's UI
catalog) and the site is built through the command line: the build must stop
with the catalog line and the source line it translates, exit 1, and leave the
previous site and every catalog byte-identical.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import POST, ROOT, edit_msgstr, run_cli, snapshot

KO = f"locales/ko/LC_MESSAGES/{POST}.po"
EN = f"locales/en/LC_MESSAGES/{POST}.po"
TARGET = "**下記は重要な内容を抜粋しました。**"
"""The source paragraph whose translation carries the hostile string."""

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "event_handler": "<img src=x onerror=alert(1)>",
    "svg_onload": "<svg/onload=alert(1)>",
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "unclosed_iframe": '<iframe src="https://evil.example/"',
    "style": "<style>body{display:none}</style>",
    "javascript_link": "[詳しく](javascript:alert(1))",
    "javascript_link_entity": "[詳しく](java&#x73;cript:alert(1))",
    "javascript_link_tab": "[詳しく](java\tscript:alert(1))",
    "javascript_link_carriage_return": "[詳しく](java\rscript:alert(1))",
    "data_link": "[詳しく](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "comment_swallowing_layout": "<!--",
    "processing_instruction": '<?xml-stylesheet href="https://evil.example/x.xsl"?>',
    "attribute_list_handler": '{: onclick="alert(1)"}',
    "liquid_include": "{% include ../../secret %}",
    "liquid_output": "{{ site.title }}",
    "liquid_tag_across_lines": "{%\ninclude youtubePlayer.html id=\"x\" %}",
    "tracking_image": "![](https://evil.example/pixel.gif)",
    "kramdown_nomarkdown_span": "{::nomarkdown}<b onmouseover=alert(1)>x</b>{:/}",
    "kramdown_comment_swallowing_text": "{::comment}本文{:/}",
}


@pytest.fixture(scope="module")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "site"
    root.mkdir()
    shutil.copy(ROOT / "site.toml", root / "site.toml")
    for folder in ("content", "locales"):
        shutil.copytree(ROOT / folder, root / folder)
    assert run_cli(root, "build").returncode == 0
    return root


@pytest.fixture
def site(built_example: Path, tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(built_example, root)
    return root


def source_line(text: str) -> int:
    lines = (ROOT / "content" / "_posts" / f"{POST}.md").read_text("utf-8").split("\n")
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(text))


def build_refused(site: Path) -> str:
    """Build ``site``; assert it failed and wrote nothing; return stderr."""
    before_site, before_catalogs = snapshot(site / "_site"), snapshot(site / "locales")
    result = run_cli(site, "build")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(site / "_site") == before_site, "a refused build changed the site"
    assert snapshot(site / "locales") == before_catalogs
    return result.stderr


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_translation_is_refused_with_its_location(site: Path, hostile: str) -> None:
    line = edit_msgstr(site / KO, TARGET, lambda s: f"{s} {hostile}")
    stderr = build_refused(site)
    expected = rf"^{re.escape(KO)}:{line}: error: translation refused: .+ \(source content/_posts/{POST}\.md:" \
               rf"{source_line(TARGET)}\)$"
    assert re.search(expected, stderr, re.MULTILINE), stderr


def test_hostile_title_is_refused(site: Path) -> None:
    line = edit_msgstr(site / KO, "TeslaのAI技術について", lambda s: f"{s}<script>alert(1)</script>")
    stderr = build_refused(site)
    assert f"{KO}:{line}: error: translation refused: " in stderr
    assert stderr.split("\n")[0].endswith(f"(source content/_posts/{POST}.md:{source_line('title:')})")


def test_hostile_interface_string_is_refused(site: Path) -> None:
    """``site.po`` strings reach layouts through ``jinja2.ext.i18n``, which marks translations safe."""
    line = edit_msgstr(site / "locales/ko/LC_MESSAGES/site.po", "Watch on YouTube",
                       lambda s: f'{s}<img src=x onerror="alert(1)">')
    stderr = build_refused(site)
    assert re.search(rf"^locales/ko/LC_MESSAGES/site\.po:{line}: error: translation refused: ", stderr, re.MULTILINE)


def test_every_refusal_is_reported_at_once(site: Path) -> None:
    ko_first = edit_msgstr(site / KO, TARGET, lambda s: f"{s} <script>1</script>")
    ko_second = edit_msgstr(site / KO, "TeslaのAI技術について", lambda s: f"{s} {{{{ site.title }}}}")
    en = edit_msgstr(site / EN, TARGET, lambda s: f"{s} [x](javascript:alert(1))")
    stderr = build_refused(site)
    for catalog, line in ((KO, ko_first), (KO, ko_second), (EN, en)):
        assert f"{catalog}:{line}: error: translation refused" in stderr, stderr


def test_source_markup_copied_into_the_translation_is_published(site: Path) -> None:
    """The gate compares with the source: what the author wrote, the translation may keep."""
    edit_msgstr(site / KO, "[Jim Keller]", lambda s: s.replace("전설적인", "**전설적인**"))
    result = run_cli(site, "build")
    assert result.returncode == 0, result.stderr
    page = (site / "_site/ko/2021/02/22/tesla-ai-jim-keller/index.html").read_text("utf-8")
    assert "<strong>전설적인</strong>" in page
