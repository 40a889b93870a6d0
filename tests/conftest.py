"""Shared fixtures: a throw-away copy of the example site, and a CLI runner."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "000_0a61e2a549e77a43.txt"
CORPUS = ROOT.parent / "shared" / "corpus" / "commonmark-spec-0.31.2.json"
POST = "2021-02-22-tesla-ai-jim-keller"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the example site (config, content, catalogs) in a temporary folder."""
    dest = tmp_path / "site"
    dest.mkdir()
    shutil.copy(ROOT / "site.toml", dest / "site.toml")
    shutil.copytree(ROOT / "content", dest / "content")
    shutil.copytree(ROOT / "locales", dest / "locales")
    return dest


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python build.py -C root ARGS`` as a user would."""
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "-C", str(root), *args],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
