"""The live preview's rebuild after a saved translation, measured inside one process.

``python bench/preview.py CODE_DIR SITE [--edits N]`` imports the pipeline from
``CODE_DIR`` (the copy ``run.py`` measures), builds ``SITE`` once as ``build.py
serve`` does (its ``Builder``, which keeps a preview session between builds),
then N times adds a word to the last paragraph's msgstr of one Korean catalog
and rebuilds, telling the builder that this file changed (what the server's
file watcher reports), and prints JSON: the first build's time and each
rebuild's wall and CPU time.  The first rebuild after a cold build also makes
the spare site folder the swap needs; it is reported apart (``warm_up_s``).
``--unreported`` rebuilds without naming the file, as after an event the
watcher could not tell (every input's stamp is looked at).
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
    parser.add_argument("--unreported", action="store_true", help="do not tell the builder which file changed")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code))
    from i18n.serve import Builder

    root = args.site.resolve()
    builder = Builder(root)
    started = time.perf_counter()
    first_build = builder()
    if first_build.report is None:
        raise SystemExit(f"the first build failed: {first_build.problems}")
    first = time.perf_counter() - started
    posts = sorted((root / "content" / "_posts").glob("*.md"))
    po = root / "locales" / "ko" / "LC_MESSAGES" / f"{posts[len(posts) // 3].stem}.po"
    rebuilds = []
    for n in range(args.edits + 1):
        edit_first_paragraph_msgstr(po, f"previewedit{n}", last=True)  # not the excerpt: a quick rebuild
        wall, cpu = time.perf_counter(), time.process_time()
        result = builder(None if args.unreported else {str(po)})
        if result.report is None:
            raise SystemExit(f"a rebuild failed: {result.problems}")
        rebuilds.append({"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu,
                         "quick": result.report.quick, "rendered": result.report.rendered})
    builder.close()
    print(json.dumps({"first_s": first, "warm_up_s": rebuilds[0]["wall_s"], "rebuilds": rebuilds[1:]}))


if __name__ == "__main__":
    main()
