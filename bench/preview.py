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

from run import edit_first_paragraph_msgstr  # bench/ is this script's folder, first on sys.path


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
        edit_first_paragraph_msgstr(po, f"previewedit{n}", last=True)  # not the excerpt: a quick rebuild
        wall, cpu = time.perf_counter(), time.process_time()
        report = build(load_config(root), jobs=1, session=session)
        rebuilds.append({"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu,
                         "quick": report.quick, "rendered": report.rendered})
    print(json.dumps({"first_s": first, "warm_up_s": rebuilds[0]["wall_s"], "rebuilds": rebuilds[1:]}))


if __name__ == "__main__":
    main()
