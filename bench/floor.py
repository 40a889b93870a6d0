"""The floor: Python-Markdown and Jinja2 alone rendering the same pages.

``python bench/floor.py MARKDOWN_DIR OUT_DIR [--jobs 2]`` reads every
``MARKDOWN_DIR/<lang>/<post>.md`` (per-language Markdown written by
``bench/corpus.py``, Liquid already expanded), converts it with one
``markdown.Markdown`` per process (attr_list, tables, footnotes, fenced_code,
toc), renders it into a small Jinja2 layout and writes
``OUT_DIR/<lang>/<post>/index.html``.  No catalogs, no Liquid, no hreflang
computation, no listings: what any Python static site generator must at least
do for these pages, so a build cannot be expected to be faster than this.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import jinja2
from markdown import Markdown

LAYOUT = """\
<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<meta name="description" content="{{ description }}">
<link rel="stylesheet" href="/assets/style.css">
</head>
<body>
<main>
<article lang="{{ lang }}">
<h1>{{ title }}</h1>
<time datetime="{{ date }}">{{ date }}</time>
<div class="post-content">
{{ html }}
</div>
</article>
</main>
</body>
</html>
"""

_state: dict[str, object] = {}


def _init(out_dir: str) -> None:
    """One Markdown instance and one template per worker process."""
    _state["md"] = Markdown(extensions=["attr_list", "tables", "footnotes", "fenced_code", "toc"],
                            output_format="html")
    _state["template"] = jinja2.Environment(autoescape=True).from_string(LAYOUT)
    _state["out"] = Path(out_dir)


def _front(text: str) -> tuple[dict[str, str], str]:
    """Minimal front matter split: ``key: value`` lines between ``---`` lines."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.index("\n---\n", 4)
    meta = {}
    for line in text[4:end].splitlines():
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip().strip('"')
    return meta, text[end + 5:]


def render_one(src: str) -> int:
    """Convert, render and write one page; returns the bytes written."""
    md: Markdown = _state["md"]  # type: ignore[assignment]
    template: jinja2.Template = _state["template"]  # type: ignore[assignment]
    path = Path(src)
    meta, body = _front(path.read_text(encoding="utf-8"))
    md.reset()
    html = md.convert(body)
    page = template.render(lang=path.parent.name, title=meta.get("title", ""), date=meta.get("date", ""),
                           description=meta.get("description", ""), html=jinja2.utils.markupsafe.Markup(html))
    out = _state["out"] / path.parent.name / path.stem / "index.html"  # type: ignore[operator]
    out.parent.mkdir(parents=True, exist_ok=True)
    data = page.encode("utf-8")
    out.write_bytes(data)
    return len(data)


def main(argv: list[str] | None = None) -> int:
    """Render every page with ``--jobs`` processes."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("markdown", type=Path, help="folder of <lang>/<post>.md files")
    parser.add_argument("out", type=Path, help="output folder")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sources = sorted(str(p) for p in args.markdown.glob("*/*.md"))
    with Pool(args.jobs, initializer=_init, initargs=(str(args.out),)) as pool:
        written = sum(pool.imap_unordered(render_one, sources, chunksize=32))
    print(f"floor: {len(sources)} pages, {written} bytes, {args.jobs} processes, "
          f"{time.perf_counter() - started:.2f}s (pid {os.getpid()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
