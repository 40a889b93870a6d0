"""Worker processes: results in order, items taken as results come, a killed worker an error (not a hang)."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXTRA_POSTS, snapshot

from i18n import site as site_module
from i18n.cli import main
from i18n.errors import PipelineError
from i18n.workers import PARALLEL_FROM, Workers, parallel_map

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork() in a multi-threaded test process

PARENT = os.getpid()


def _square(x: int) -> int:
    return x * x


def _dies_at_seven(x: int) -> int:
    if x == 7 and os.getpid() != PARENT:
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer does
    return x


_ARTICLE_TASK = site_module._article_task


def _killed_on_post_2(item: Any) -> Any:
    if item[0].name == "2020-01-03-post-2" and os.getpid() != PARENT:
        os.kill(os.getpid(), signal.SIGKILL)
    return _ARTICLE_TASK(item)


def test_results_come_back_in_the_order_of_the_items() -> None:
    items = list(range(500, 0, -1))
    assert parallel_map(_square, items, 2) == [x * x for x in items]
    assert parallel_map(_square, items, 1) == [x * x for x in items]


def test_items_are_taken_a_few_tasks_ahead_of_the_results() -> None:
    taken = 0

    def items() -> Iterator[int]:
        nonlocal taken
        for x in range(2000):
            taken += 1
            yield x

    ahead = []
    with Workers(2) as workers:
        for n, result in enumerate(workers.imap(_square, items(), expected=2000)):
            assert result == n * n
            ahead.append(taken - (n + 1))
    chunk = min(16, 2000 // (2 * 8))
    assert taken == 2000
    assert max(ahead) <= (2 * 2 + 1) * chunk  # two tasks a worker in flight, and the one being read
    assert max(ahead) > 0  # it did run ahead: the workers were not left waiting for each item


def test_a_killed_worker_is_an_error_not_a_hang() -> None:
    with pytest.raises(PipelineError, match="worker process ended abruptly"):
        parallel_map(_dies_at_seven, list(range(PARALLEL_FROM * 4)), 2)


def test_a_build_whose_worker_is_killed_fails_cleanly_and_publishes_nothing(
        many: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert EXTRA_POSTS + 1 >= PARALLEL_FROM  # enough articles for the build to send them to workers
    assert main(["-C", str(many), "-q", "build", "--jobs", "1"]) == 0
    before = snapshot(many / "_site")
    shutil.rmtree(many / ".cache")  # every article rendered again, on the workers
    (many / "content" / "_posts" / "2020-01-01-post-0.md").write_text("---\ntitle: 変更\n---\n\n変更。\n", "utf-8")
    monkeypatch.setattr(site_module, "_article_task", _killed_on_post_2)
    assert main(["-C", str(many), "-q", "build", "--jobs", "2"]) == 1
    err = capsys.readouterr().err
    assert "worker process ended abruptly" in err
    assert "Traceback" not in err
    assert snapshot(many / "_site") == before  # the live site as it was
