"""The build cache: never a reason for a build to fail, nor for a page to miss its article."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import snapshot

from i18n import site as site_module
from i18n.cache import CACHE_DIR
from i18n.config import load_config
from i18n.site import build

ROOT = Path(__file__).resolve().parent.parent
EXTRA_POSTS = 29
"""With the example's post, more posts than the build renders without forking workers."""

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork() in a multi-threaded test process


def _add_posts(root: Path) -> None:
    for n in range(EXTRA_POSTS):
        (root / "content" / "_posts" / f"2020-01-{1 + n:02d}-post-{n}.md").write_text(
            f"---\ntitle: 記事{n}\ncategories:\n - Tesla\n---\n\n## 見出し{n}\n\n本文{n}です。\n", "utf-8")


@pytest.fixture
def many(site: Path) -> Path:
    """The example site with enough posts for the build to use worker processes."""
    _add_posts(site)
    return site


def _clean(root: Path, tmp: Path) -> dict[str, bytes]:
    """The site a cold build of a copy of ``root``'s inputs writes."""
    copy = tmp / "clean"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(CACHE_DIR, "_site", "._site.*"))
    build(load_config(copy), jobs=1)
    return snapshot(copy / "_site")


def _edit_layout(root: Path, n: int) -> None:
    layouts = root / "layouts"
    layouts.mkdir(exist_ok=True)
    theme = (ROOT / "i18n" / "theme" / "templates" / "post.html").read_text("utf-8")
    (layouts / "post.html").write_text(theme.replace('<div class="post-content">',
                                                     f'<div class="post-content" data-edit="{n}">'), "utf-8")


def test_a_cache_deleted_during_a_build_still_gives_every_article(many: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    build(load_config(many), jobs=2)
    _edit_layout(many, 3)
    render_pages: Callable[..., Any] = site_module._render_pages

    def delete_then_render(*args: Any) -> Any:
        shutil.rmtree(many / CACHE_DIR)  # the workers about to read the articles find no cache
        return render_pages(*args)

    monkeypatch.setattr(site_module, "_render_pages", delete_then_render)
    build(load_config(many), jobs=2)
    monkeypatch.undo()
    assert snapshot(many / "_site") == _clean(many, tmp_path)
