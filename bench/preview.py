"""The live preview's rebuild after a saved translation, measured inside one process.

``python bench/preview.py CODE_DIR SITE [--edits N]`` imports the pipeline from
``CODE_DIR`` (the copy ``run.py`` measures), builds ``SITE`` once with a preview
session (what ``build.py serve`` keeps between builds), then N times adds a word
to the last paragraph's msgstr of one Korean catalog and rebuilds, and prints
JSON: the first build's time and each rebuild's wall and CPU time.  The first
rebuild after a cold build also makes the spare site folder the swap needs; it
is reported apart (``warm_up_s``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def _edit_last_paragraph(po: Path, marker: str) -> None:
    lines = po.read_text(encoding="utf-8").split("\n")
    i = max(n for n, line in enumerate(lines) if line == "#. paragraph")
    while not lines[i].startswith("msgstr "):
        i += 1
    if lines[i] == 'msgstr ""' and lines[i + 1].startswith('"'):
        lines[i + 1] = f'"{marker} ' + lines[i + 1][1:]
    else:
        lines[i] = f'msgstr "{marker} ' + lines[i][len('msgstr "'):]
    po.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("code", type=Path)
    parser.add_argument("site", type=Path)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(args.code))
    from i18n.cache import BuildCache
    from i18n.config import load_config
    from i18n.preview import Session
    from i18n.site import build

    root = args.site.resolve()
    session = Session(BuildCache(root, in_memory=True))
    started = time.perf_counter()
    build(load_config(root), session=session)
    first = time.perf_counter() - started
    posts = sorted((root / "content" / "_posts").glob("*.md"))
    po = root / "locales" / "ko" / "LC_MESSAGES" / f"{posts[len(posts) // 3].stem}.po"
    rebuilds = []
    for n in range(args.edits + 1):
        _edit_last_paragraph(po, f"previewedit{n}")
        wall, cpu = time.perf_counter(), time.process_time()
        report = build(load_config(root), jobs=1, session=session)
        rebuilds.append({"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu,
                         "quick": report.quick, "rendered": report.rendered})
    print(json.dumps({"first_s": first, "warm_up_s": rebuilds[0]["wall_s"], "rebuilds": rebuilds[1:]}))


if __name__ == "__main__":
    main()
