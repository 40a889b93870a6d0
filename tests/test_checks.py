"""Translation quality checks: each case of tests/data/check_cases.toml, the glossary, the CLI."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from conftest import POST, edit_msgstr, run_cli

from i18n.checks import check_entry
from i18n.errors import Location
from i18n.glossary import Glossary, Term

CASES = tomllib.loads((Path(__file__).parent / "data" / "check_cases.toml").read_text("utf-8"))["case"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_check_case(case: dict[str, object]) -> None:
    found = [f"{severity}: {message}" for severity, message in
             check_entry(str(case["msgid"]), str(case["msgstr"]), str(case["target"]))]
    assert found == case["expect"]


GLOSSARY = Glossary((Term("ディープラーニング", ("deep learning",), Location("g.po", 9)),
                     Term("Dojo", ("Dojo",), Location("g.po", 12))))


def test_glossary_term_must_be_used_when_the_source_uses_it() -> None:
    problems = check_entry("ディープラーニングの話。", "A story about machine learning.", "en", glossary=GLOSSARY)
    assert problems == [("warning", "glossary (g.po:9): 'ディープラーニング' should be translated as 'deep learning'")]


def test_glossary_is_case_insensitive_and_ignores_absent_terms() -> None:
    assert check_entry("ディープラーニングの話。", "Deep Learning stories.", "en", glossary=GLOSSARY) == []
    assert check_entry("別の話。", "Another story.", "en", glossary=GLOSSARY) == []
    # A Latin term matches whole words only: "Dojos" in the source is not the term "Dojo".
    assert check_entry("Dojosの話。", "A story.", "en", glossary=GLOSSARY) == []


def test_check_names_catalog_line_and_source_line(site: Path) -> None:
    po = site / "locales" / "ko" / "LC_MESSAGES" / f"{POST}.po"
    line = edit_msgstr(po, "[Jim Keller]", lambda s: s.replace('{:target="_blank"}', ""))
    result = run_cli(site, "check")
    assert result.returncode == 1
    *problems, summary = result.stderr.splitlines()
    assert problems == [
        f"locales/ko/LC_MESSAGES/{POST}.po:{line}: error: attribute lists must be copied unchanged from the "
        f"source: missing ['{{:target=\"_blank\"}}'] (source content/_posts/{POST}.md:27)",
    ]
    assert re.fullmatch(r"check: 1 errors, 0 warnings, \d+\.\d\ds", summary)


def test_warnings_pass_unless_strict_and_json_lists_them(site: Path) -> None:
    po = site / "locales" / "en" / "LC_MESSAGES" / f"{POST}.po"
    line = edit_msgstr(po, "そんな彼が", lambda s: s.rstrip("."))
    result = run_cli(site, "check")
    assert result.returncode == 0, result.stderr
    assert (f"locales/en/LC_MESSAGES/{POST}.po:{line}: warning: the source ends with '。'; the translation "
            f"should end with '.' (source content/_posts/{POST}.md:29)") in result.stderr
    assert run_cli(site, "check", "--strict").returncode == 1
    problems = json.loads(run_cli(site, "check", "--json").stdout)
    assert problems == [{"location": f"locales/en/LC_MESSAGES/{POST}.po:{line}",
                         "origin": f"content/_posts/{POST}.md:29", "severity": "warning",
                         "message": "the source ends with '。'; the translation should end with '.'"}]


def test_glossary_file_of_the_site_is_used(site: Path) -> None:
    po = site / "locales" / "en" / "LC_MESSAGES" / f"{POST}.po"
    edit_msgstr(po, "Q（Lex）：そして", lambda s: s.replace("deep learning", "machine learning"))
    result = run_cli(site, "check")
    assert result.returncode == 0
    assert re.search(r"warning: glossary \(locales/en/glossary\.po:\d+\): 'ディープランニング' should be "
                     r"translated as 'deep learning'", result.stderr), result.stderr


def test_example_catalogs_have_no_problem(site: Path) -> None:
    result = run_cli(site, "check", "--strict")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"check: 0 errors, 0 warnings, \d+\.\d\ds", result.stderr.strip())


@pytest.mark.parametrize("hostile", ["[here](java&#x73;cript:alert(1))", "[here](java\tscript:alert(1))",
                                     '<iframe src="https://evil.example">'])
def test_check_refuses_what_the_build_refuses(site: Path, hostile: str) -> None:
    po = site / "locales" / "en" / "LC_MESSAGES" / f"{POST}.po"
    line = edit_msgstr(po, "そんな彼が", lambda s: f"{s} {hostile}")
    check, build = run_cli(site, "check"), run_cli(site, "build")
    assert check.returncode == build.returncode == 1
    where = f"locales/en/LC_MESSAGES/{POST}.po:{line}: error: "
    assert where in check.stderr and where in build.stderr
