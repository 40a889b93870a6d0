"""Every page the theme renders is valid HTML for the Nu Html Checker (vnu), in every publish state."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from babel.messages.pofile import read_po, write_po
from conftest import POST, ROOT, run_cli

# Where `.ci/run` installs the checker (npm package vnu-jar); VNU_JAR overrides it.
VNU_JAR = ROOT / ".cache" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL_HINT = "install it with: npm install --prefix .cache/vnu vnu-jar (as .ci/run does), or set VNU_JAR"


def clear_translations(po: Path, keep: int, every: int) -> None:
    """Empty the msgstr of messages as a translator who has not got to them yet would leave them.

    Every ``every``-th message past the first ``keep`` ones is cleared (``every=1``: all of them).
    """
    with po.open("rb") as f:
        catalog = read_po(f)
    messages = [m for m in catalog if m.id]
    for i, message in enumerate(messages[keep:]):
        if i % every == 0:
            message.string = ""
    with po.open("wb") as f:
        write_po(f, catalog)


def make_partly_translated(root: Path) -> None:
    """Turn the example site in ``root`` into one where ko is partial and en is a fallback.

    About a third of the Korean messages are cleared and the threshold lowered below what is
    left, so the Korean post is published with Japanese blocks; English keeps two messages only.
    """
    config = root / "site.toml"
    text, count = re.subn(r"(?m)^publish_threshold\s*=.*$", "publish_threshold = 0.6", config.read_text("utf-8"))
    config.write_text(text if count else text + "publish_threshold = 0.6\n", "utf-8")
    clear_translations(root / "locales" / "ko" / "LC_MESSAGES" / f"{POST}.po", keep=1, every=3)
    clear_translations(root / "locales" / "en" / "LC_MESSAGES" / f"{POST}.po", keep=2, every=1)
    result = run_cli(root, "status", "--json")
    assert result.returncode == 0, result.stderr
    states = {row["locale"]: row["status"] for row in json.loads(result.stdout) if row["post"] == POST}
    assert states == {"ko": "partial", "en": "fallback"}, states


def build(root: Path) -> Path:
    """Build the site in ``root`` with the command line; its output folder."""
    result = run_cli(root, "build")
    assert result.returncode == 0, result.stderr
    return root / "_site"


def vnu_jar() -> Path:
    """The checker's jar; a missing checker is a failure (CI installs it), never a skip."""
    jar = Path(os.environ.get("VNU_JAR") or VNU_JAR)
    assert jar.is_file(), f"Nu Html Checker not found at {jar}; {INSTALL_HINT}"
    return jar


def vnu_errors(files: list[Path]) -> list[str]:
    """Run vnu once over ``files``; its errors as ``path:line:column: message`` lines."""
    result = subprocess.run(
        ["java", "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )
    report = json.loads(result.stderr or result.stdout)  # vnu writes its report to stderr
    lines = []
    for m in report["messages"]:
        where = m.get("url", "").removeprefix("file:")
        lines.append(f"{where}:{m.get('lastLine', '?')}:{m.get('firstColumn', '?')}: {m['type']}: {m['message']}"
                     + (f"\n    {m['extract'].strip()}" if m.get("extract") else ""))
    assert lines or result.returncode == 0, result.stderr  # a failure vnu did not report as a message
    return lines


def test_every_page_is_valid_html_translated_partial_and_fallback(site: Path, tmp_path: Path) -> None:
    variant = tmp_path / "variant"
    shutil.copytree(site, variant)
    make_partly_translated(variant)
    files = sorted(build(site).rglob("*.html")) + sorted(build(variant).rglob("*.html"))
    assert len(files) >= 14
    errors = vnu_errors(files)
    assert not errors, f"{len(errors)} HTML error(s):\n" + "\n".join(errors)


def test_the_checker_reports_an_invalid_page(tmp_path: Path) -> None:
    # Guards the test above: a checker that reports nothing for a broken page would prove nothing.
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html lang="en"><title>x</title><p><div>block in p</span></p></html>', "utf-8")
    errors = vnu_errors([page])
    assert any("broken.html" in e and "span" in e for e in errors), errors
