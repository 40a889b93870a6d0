"""The persistent build cache: results keyed by the content hashes of their inputs.

``.cache/`` in the site folder holds, for each key, a pickle of what a stage
computed from inputs with that hash: a parsed and segmented source post, a
rendered article, the manifest of which page key produced which output file.
A key covers every input that can change the result (file bytes, catalog
bytes, templates, includes, configuration, this package's version), so a
stale entry is never read: a changed input gives a new key.  Deleting the
folder is always safe; the next build is a cold one.

The cache is also kept in memory, so a long-running preview server that
reuses one :class:`BuildCache` reads nothing twice.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .files import write_if_changed

CACHE_DIR = ".cache"
FORMAT = "blogl10n-cache-3"
"""Changes whenever what the cache stores changes shape."""


def digest(*parts: bytes | str) -> str:
    """A short, collision-resistant hash of ``parts`` (order matters)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(FORMAT.encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def files_digest(paths: Iterable[Path], root: Path) -> str:
    """Hash of the names and bytes of ``paths`` (missing files hash as absent)."""
    parts: list[bytes | str] = []
    for path in sorted(paths):
        parts.append(path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path))
        parts.append(path.read_bytes() if path.is_file() else b"\0absent")
    return digest(*parts)


class BuildCache:
    """Pickled results under ``<root>/.cache/<kind>/<key>``, plus an in-memory layer."""

    def __init__(self, root: Path, *, persistent: bool = True, in_memory: bool = False):
        self.dir = root / CACHE_DIR
        self.persistent = persistent
        self.in_memory = in_memory or not persistent
        """Keep values in memory too (a preview server); a one-shot build reads each once."""
        self._memory: dict[tuple[str, str], Any] = {}
        self._used: set[tuple[str, str]] = set()

    def _path(self, kind: str, key: str) -> Path:
        return self.dir / kind / f"{key}.pickle"

    def get(self, kind: str, key: str) -> Any:
        """The value stored for ``key``, or None."""
        self._used.add((kind, key))
        if (kind, key) in self._memory:
            return self._memory[(kind, key)]
        if not self.persistent:
            return None
        try:
            value = pickle.loads(self._path(kind, key).read_bytes())
        except Exception:  # absent, torn by a power cut, or of another shape: recompute
            return None
        if self.in_memory:
            self._memory[(kind, key)] = value
        return value

    def put(self, kind: str, key: str, value: Any, *, disk: bool = True) -> None:
        """Store ``value`` for ``key``: on disk (atomically) unless ``disk`` is False, in memory if kept there.

        Small results that a build saves all together (:meth:`preload` reads them back)
        are put with ``disk=False``: one file each would cost more than it saves.
        """
        self._used.add((kind, key))
        if self.in_memory:
            self._memory[(kind, key)] = value
        if self.persistent and disk:
            # Not flushed to disk: an entry lost in a power cut is recomputed (a torn one fails to unpickle).
            write_if_changed(self._path(kind, key), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
                             durable=False)

    def has(self, kind: str, key: str) -> bool:
        """True when a value for ``key`` is stored (without reading it)."""
        return (kind, key) in self._memory or (self.persistent and self._path(kind, key).is_file())

    def preload(self, kind: str, values: dict[str, Any]) -> None:
        """Hold ``values`` (key -> value of ``kind``) in memory for this build: one file read, not one per key."""
        for key, value in values.items():
            self._memory[(kind, key)] = value

    def mark_used(self, kind: str, key: str) -> None:
        """Keep ``key`` through :meth:`prune` without reading it."""
        self._used.add((kind, key))

    def prune(self, kinds: Iterable[str]) -> None:
        """Delete entries of ``kinds`` not used since the cache was opened (keeps the folder small)."""
        for kind in kinds:
            folder = self.dir / kind
            for k in [k for k in self._memory if k[0] == kind and k not in self._used]:
                del self._memory[k]
            if not self.persistent or not folder.is_dir():
                continue
            with os.scandir(folder) as entries:
                for entry in entries:
                    key = entry.name.removesuffix(".pickle")
                    if (kind, key) not in self._used:
                        Path(entry.path).unlink(missing_ok=True)
        self._used.clear()
