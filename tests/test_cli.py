"""The command line as a user meets it: help, bad input, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import POST, run_cli, snapshot


@pytest.mark.parametrize("verb", ["extract", "update", "build", "check", "status"])
def test_every_verb_has_help(site: Path, verb: str) -> None:
    result = run_cli(site, verb, "--help")
    assert result.returncode == 0
    assert f"usage: build.py {verb}" in result.stdout


def test_plain_build_py_builds(site: Path) -> None:
    result = run_cli(site)
    assert result.returncode == 0, result.stderr
    assert (site / "_site" / "ko" / "index.html").is_file()


def test_malformed_front_matter_is_located_without_traceback(site: Path) -> None:
    post = site / "content" / "_posts" / f"{POST}.md"
    post.write_text(post.read_text("utf-8").replace("read_time: true", "read_time: [true"), "utf-8")
    before = snapshot(site / "locales")
    result = run_cli(site, "build")
    assert result.returncode == 1
    assert result.stderr.startswith(f"content/_posts/{POST}.md:")
    assert "invalid YAML front matter" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(site / "locales") == before


def test_missing_include_is_located(site: Path) -> None:
    post = site / "content" / "_posts" / f"{POST}.md"
    post.write_text(post.read_text("utf-8").replace("youtubePlayer.html", "nothere.html"), "utf-8")
    result = run_cli(site, "build")
    assert result.returncode == 1
    assert f"content/_posts/{POST}.md:31: error: Liquid: include 'nothere.html'" in result.stderr


def test_include_cannot_escape_includes_folder(site: Path) -> None:
    post = site / "content" / "_posts" / f"{POST}.md"
    post.write_text(post.read_text("utf-8").replace("youtubePlayer.html id", "../../site.toml id"), "utf-8")
    result = run_cli(site, "build")
    assert result.returncode == 1
    assert "only files inside _includes can be included" in result.stderr


def test_unknown_locale_in_configuration(site: Path) -> None:
    config = site / "site.toml"
    config.write_text(config.read_text("utf-8").replace('"en"]', '"xx"]'), "utf-8")
    result = run_cli(site, "build")
    assert result.returncode == 1
    assert "site.toml:5: error: unknown locale code 'xx'" in result.stderr


def test_status_reports_coverage(site: Path) -> None:
    import json

    result = run_cli(site, "status", "--json")
    rows = json.loads(result.stdout)
    assert {(r["locale"], r["status"], r["translated"], r["total"]) for r in rows} == {
        ("ko", "translated", 15, 15), ("en", "translated", 15, 15)}


def test_liquid_error_line_is_the_source_line_after_joined_paragraphs(site: Path) -> None:
    post = site / "content" / "_posts" / f"{POST}.md"
    lines = post.read_text("utf-8").split("\n")
    lines.append("")
    lines.append("{% include nothere.html %}")
    post.write_text("\n".join(lines) + "\n", "utf-8")
    result = run_cli(site, "build")
    assert result.returncode == 1
    # The post has a two-line paragraph (lines 42-43) that the translation joins into one.
    assert f"content/_posts/{POST}.md:{len(lines)}: error: Liquid: include 'nothere.html'" in result.stderr
