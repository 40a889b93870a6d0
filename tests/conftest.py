"""Shared fixtures: a throw-away copy of the example site, and a CLI runner."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "000_0a61e2a549e77a43.txt"
CORPUS = ROOT.parent / "shared" / "corpus" / "commonmark-spec-0.31.2.json"
POST = "2021-02-22-tesla-ai-jim-keller"
EXTRA_POSTS = 29
"""With the example's post, more posts than the build renders without forking workers."""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the example site (config, content, catalogs) in a temporary folder."""
    dest = tmp_path / "site"
    dest.mkdir()
    shutil.copy(ROOT / "site.toml", dest / "site.toml")
    shutil.copytree(ROOT / "content", dest / "content")
    shutil.copytree(ROOT / "locales", dest / "locales")
    return dest


@pytest.fixture
def many(site: Path) -> Path:
    """The example site with :data:`EXTRA_POSTS` more posts: enough for the build to use worker processes."""
    for n in range(EXTRA_POSTS):
        (site / "content" / "_posts" / f"2020-01-{1 + n:02d}-post-{n}.md").write_text(
            f"---\ntitle: 記事{n}\ncategories:\n - Tesla\n---\n\n## 見出し{n}\n\n本文{n}です。\n", "utf-8")
    return site


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python build.py -C root ARGS`` as a user would."""
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "-C", str(root), *args],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def edit_msgstr(po: Path, msgid_start: str, transform: Callable[[str], str]) -> int:
    """Change the msgstr of the first entry whose msgid starts with ``msgid_start``, as an editor
    would (read, change, write the catalog back); return that entry's line in the new file."""
    from babel.messages.pofile import read_po

    from i18n.catalogs import catalog_bytes

    with po.open("rb") as f:
        cat = read_po(f)
    entry = next(e for e in cat if e.id and str(e.id).startswith(msgid_start))
    entry.string = transform(str(entry.string))
    po.write_bytes(catalog_bytes(cat, prose=po.stem != "site"))
    with po.open("rb") as f:
        return next(e.lineno for e in read_po(f) if e.id == entry.id)
