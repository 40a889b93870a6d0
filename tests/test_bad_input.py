"""The bad-input corpus: one folder per case in ``tests/bad_input/``, run through the command line.

Each folder holds ``expect.toml``: what is wrong with the input, and the one
behaviour expected of the tool, for each verb it lists.  Files under the
folder's ``site/`` are laid over a copy of the built example site;
``[[replace]]`` edits a file of the copy; ``generate`` names a maker below,
for inputs that are binary, huge or symbolic links.

A failing case must exit 1 with its located message (``{line}`` in the
expected pattern is the line of ``line_of.text`` in the changed file), no
traceback, the built site and every catalog byte-identical, and nothing left
beside them.  A working case must exit 0 without an error and produce the
pages it names.  ``known_gaps`` names verbs that do not behave yet, and why: they
are strict expected failures, which turn red the day they are fixed.
"""

from __future__ import annotations

import os
import re
import shutil
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import POST, ROOT, run_cli, snapshot

CORPUS = Path(__file__).parent / "bad_input"
KO_CATALOG = f"locales/ko/LC_MESSAGES/{POST}.po"


def _expectation(case: Path) -> dict[str, Any]:
    return tomllib.loads((case / "expect.toml").read_text("utf-8"))


def _cases() -> Iterator[Any]:
    for case in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        expect = _expectation(case)
        for verb in expect.get("verbs", ["build"]):
            gap = expect.get("known_gaps", {}).get(verb)
            marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
            yield pytest.param(case, verb, id=f"{case.name}-{verb}", marks=marks)


@pytest.fixture(scope="module")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site, built once: every case starts from a copy of it."""
    root = tmp_path_factory.mktemp("example") / "site"
    root.mkdir()
    shutil.copy(ROOT / "site.toml", root / "site.toml")
    for folder in ("content", "locales"):
        shutil.copytree(ROOT / folder, root / folder)
    result = run_cli(root, "build")
    assert result.returncode == 0, result.stderr
    return root


# -- makers of inputs that do not fit in a text file of the corpus ------------------------------

def _post(root: Path, name: str) -> Path:
    return root / "content" / "_posts" / name


def shift_jis_post(root: Path, expect: dict[str, Any]) -> None:
    head = b"---\ntitle: sjis\n---\n\n"
    _post(root, "2025-01-01-shift-jis.md").write_bytes(head + "日本語の本文です。\n".encode("shift_jis"))


def bom_crlf_post(root: Path, expect: dict[str, Any]) -> None:
    text = "---\ntitle: ウィンドウズ\n---\n\n## 見出し\n\nメモ帳で保存した\n本文です。\n"
    _post(root, "2025-01-01-windows.md").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())


def ten_megabyte_post(root: Path, expect: dict[str, Any]) -> None:
    paragraph = "これは十メガバイトの記事の段落です。" * 12 + "\n\n"
    chunks, size, n = [], 0, 0
    while size < 10_000_000:
        chunk = f"## 見出し {n}\n\n" + paragraph * 5
        chunks.append(chunk)
        size += len(chunk.encode())
        n += 1
    _post(root, "2025-01-01-huge.md").write_text("---\ntitle: 巨大\n---\n\n" + "".join(chunks), "utf-8")


def nested_lists_and_quotes(root: Path, expect: dict[str, Any]) -> None:
    levels = int(expect["levels"])
    lists = "".join("    " * i + f"- 項目{i}\n" for i in range(levels))
    quotes = "".join(">" * (i + 1) + f" 引用{i}\n" for i in range(levels))
    _post(root, "2025-01-01-deep.md").write_text(f"---\ntitle: 深い\n---\n\n{lists}\n{quotes}", "utf-8")


def symlink_out_of_content(root: Path, expect: dict[str, Any]) -> None:
    secret = root.parent / "secret.md"
    secret.write_text("---\ntitle: secret\n---\n\nnot for publishing\n", "utf-8")
    _post(root, "2025-01-01-link.md").symlink_to(secret)


def euc_kr_catalog(root: Path, expect: dict[str, Any]) -> None:
    po = root / KO_CATALOG
    po.write_bytes(po.read_text("utf-8").encode("euc-kr", errors="replace"))


def shift_jis_layout(root: Path, expect: dict[str, Any]) -> None:
    theme = (ROOT / "i18n" / "theme" / "templates" / "post.html").read_text("utf-8")
    layout = root / "layouts" / "post.html"
    layout.parent.mkdir(exist_ok=True)
    lines = theme.split("\n")
    layout.write_bytes("\n".join([*lines[:5], "<!-- 日本語のコメント -->", *lines[5:]]).encode("shift_jis", "replace"))


MAKERS: dict[str, Callable[[Path, dict[str, Any]], None]] = {
    f.__name__: f for f in (shift_jis_post, bom_crlf_post, ten_megabyte_post, nested_lists_and_quotes,
                            symlink_out_of_content, euc_kr_catalog, shift_jis_layout)
}


def _apply(case: Path, expect: dict[str, Any], root: Path) -> None:
    if (case / "site").is_dir():
        shutil.copytree(case / "site", root, dirs_exist_ok=True)
    for edit in expect.get("replace", []):
        path = root / edit["file"]
        text = path.read_text("utf-8")
        assert edit["old"] in text, f"{case.name}: {edit['old']!r} not in {edit['file']}"
        path.write_text(text.replace(edit["old"], edit["new"], 1), "utf-8")
    if "generate" in expect:
        MAKERS[expect["generate"]](root, expect)


def _pattern(expect: dict[str, Any], root: Path) -> str:
    pattern = str(expect["stderr"])
    if "line_of" in expect:
        lines = (root / expect["line_of"]["file"]).read_text("utf-8").split("\n")
        line = next(n for n, text in enumerate(lines, start=1) if expect["line_of"]["text"] in text)
        pattern = pattern.replace("{line}", str(line + int(expect.get("line_offset", 0))))
    return pattern


@pytest.mark.parametrize(("case", "verb"), list(_cases()))
def test_bad_input(case: Path, verb: str, built_example: Path, tmp_path: Path) -> None:
    expect = _expectation(case)
    root = tmp_path / "site"
    shutil.copytree(built_example, root, symlinks=True)
    _apply(case, expect, root)
    site_before, catalogs_before = snapshot(root / "_site"), snapshot(root / "locales")
    listing_before = sorted(os.listdir(root))

    result = run_cli(root, verb)

    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == expect["exit"], result.stderr
    if expect["exit"] == 0:
        assert "error:" not in result.stderr, result.stderr
        for output in expect.get("output", []) if verb == "build" else []:
            page = root / "_site" / output["path"]
            assert output["contains"] in page.read_text("utf-8"), output["path"]
        if verb == "build":
            assert snapshot(root / "locales") == catalogs_before
        return
    assert re.search(_pattern(expect, root), result.stderr, re.MULTILINE), result.stderr
    assert snapshot(root / "_site") == site_before, "a failed run changed the built site"
    assert snapshot(root / "locales") == catalogs_before, "a failed run changed a catalog"
    assert sorted(os.listdir(root)) == listing_before, "a failed run left files behind"


def test_every_case_declares_one_behaviour() -> None:
    for case in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        expect = _expectation(case)
        assert expect.get("description"), case.name
        assert expect["exit"] in (0, 1), case.name
        assert (expect["exit"] == 1) == ("stderr" in expect), f"{case.name}: a failure names its message"
        assert expect.get("generate", "") in ("", *MAKERS), case.name
