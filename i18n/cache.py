"""The persistent build cache: results keyed by the content hashes of their inputs.

``.cache/cache.sqlite`` in the site folder holds, for each (kind, key), a
pickle of what a stage computed from inputs with that hash: a rendered
article, the build's index of post infos and versions, the manifest of which
page key produced which output file.  A key covers every input that can
change the result (file bytes, catalog bytes, templates, includes,
configuration, this package's version), so a stale entry is never read: a
changed input gives a new key.  Deleting the folder is always safe; the next
build is a cold one.

One SQLite database, not one file per entry: creating a file costs more than
the entry is worth on slow disks, and a rebuild reads thousands of articles.
Only the process that made the :class:`BuildCache` writes; it gathers its
writes in one transaction, committed by :meth:`BuildCache.commit` at the end
of a stage (before worker processes that read them start), by
:meth:`BuildCache.prune` and by :meth:`BuildCache.close`.  Worker processes
forked from it read through connections of their own (a connection is never
used across ``fork``).  The database runs in WAL mode with
``synchronous=NORMAL``: a power cut may lose the last entries (they are
recomputed), never mix them up.  A database that cannot be opened or fails
SQLite's quick check (garbage bytes, a torn file) is deleted and made again; the check is
skipped when the file's own header vouches for its length (:func:`_whole`).
One that still cannot be used, that another writer holds past a timeout, or
that breaks while in use is left out for the rest of the build, which keeps
what it computes in memory instead (a broken one is deleted, for the next
build to make again): a build never fails because of its cache.

The cache is also kept in memory when asked (``in_memory``), so a
long-running preview server that reuses one :class:`BuildCache` reads
nothing twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

CACHE_DIR = ".cache"
DATABASE = "cache.sqlite"
FORMAT = "blogl10n-cache-4"
"""Changes whenever what the cache stores changes shape."""
SCHEMA = 2
"""The database's ``user_version``: a database of another schema is emptied."""
BUSY_TIMEOUT = 10.0
"""Seconds a writer waits for another one (a ``status`` beside a ``build``) before going without."""
_OLD_KINDS = ("source", "info", "article", "version", "state", "update")
"""Folders of ``<kind>/<key>.pickle`` files that earlier versions kept in ``.cache/``."""
_INHERITED: list[sqlite3.Connection] = []
"""Connections a forked process inherited: kept, so that they are never used nor closed in it."""
_CHECKED: set[str] = set()
"""Databases this process has already checked (a preview server opens its cache for every rebuild)."""


def _busy(exc: sqlite3.Error) -> bool:
    """True when ``exc`` says another connection holds the database (in use, not damaged)."""
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _whole(path: Path) -> bool:
    """True when the database file surely holds all its pages, which spares SQLite's quick check
    (it reads the whole file, 0.05 s at 5000 posts and ten times more from a cold disk).

    No write-ahead log has pages to add to it, and its header, valid (its change counter is the
    one its size was written with), counts as many pages as the file has: what a file cut short
    (a full disk, an interrupted copy) fails.  Anything else gets the quick check.
    """
    with contextlib.suppress(OSError):
        if os.path.getsize(f"{path}-wal") > 0:
            return False
    try:
        with open(path, "rb") as file:
            head, size = file.read(100), os.fstat(file.fileno()).st_size
    except OSError:
        return False
    if len(head) < 100 or not head.startswith(b"SQLite format 3\0"):
        return False
    page_size = int.from_bytes(head[16:18], "big")
    pages = int.from_bytes(head[28:32], "big")
    return pages > 0 and head[24:28] == head[92:96] and pages * (65536 if page_size == 1 else page_size) == size


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
    """Pickled results in ``<root>/.cache/cache.sqlite``, plus an in-memory layer."""

    def __init__(self, root: Path, *, persistent: bool = True, in_memory: bool = False):
        self.dir = root / CACHE_DIR
        self.path = self.dir / DATABASE
        self.persistent = persistent
        self.in_memory = in_memory or not persistent
        """Keep values in memory too (a preview server); a one-shot build reads each once."""
        self._memory: dict[tuple[str, str], Any] = {}
        self._used: set[tuple[str, str]] = set()
        self._owner = os.getpid()
        """The process that writes; the others (forked workers) only read."""
        self._db: sqlite3.Connection | None = None
        self._db_pid = 0
        """The process that opened ``_db``: in another one, it is an inherited connection."""
        self._unavailable_pid = 0
        """A process in which the database could not be opened: it goes without until :meth:`close`."""
        self._without_db = False
        """The owner went without the database: what it puts is kept in memory instead."""
        self._writing = False
        """The owner has a transaction open."""
        self._stored: dict[str, set[str]] = {}
        """Keys of each kind in the database, as the owner read them once (one query, not one per key)."""

    # -- the database --------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection | None:
        """This process's connection (opened on first use), or None when the cache goes without one."""
        if not self.persistent:
            return None
        pid = os.getpid()
        if self._db is not None:
            if self._db_pid == pid:
                return self._db
            _INHERITED.append(self._db)  # the parent's: using or closing it here could harm its database
            self._db, self._writing = None, False
        if self._unavailable_pid == pid:
            return None
        self._db = self._open_owner() if pid == self._owner else self._open_reader()
        if self._db is None:
            self._unavailable_pid = pid
            self._without_db = pid == self._owner
        else:
            self._db_pid = pid
        return self._db

    def _open_reader(self) -> sqlite3.Connection | None:
        """A read-only connection for a worker process (what the owner checked and committed).

        Not memory-mapped (``PRAGMA mmap_size``): reading an article takes half the time
        so, but every page of the database a process maps counts in its resident memory
        (90 MiB more in the main process at 5000 posts, again in each worker).
        """
        try:
            db = sqlite3.connect(f"file:{quote(str(self.path))}?mode=ro", uri=True, timeout=BUSY_TIMEOUT,
                                 isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            return None
        return db

    def _open_owner(self) -> sqlite3.Connection | None:
        """The writer's connection: the database checked, made again if it is damaged."""
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        checked = str(self.path) in _CHECKED
        for kind in () if checked else _OLD_KINDS:  # what an earlier version left: never read again
            shutil.rmtree(self.dir / kind, ignore_errors=True)
        for attempt in range(2):
            db = None
            try:
                check = not checked and not _whole(self.path)  # before connecting makes a write-ahead log
                db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None,
                                     check_same_thread=False)
                if self._prepare(db, check=check):
                    _CHECKED.add(str(self.path))
                    return db
                damaged = True
            except sqlite3.Error as exc:
                damaged = not _busy(exc)
            if db is not None:
                with contextlib.suppress(sqlite3.Error):
                    db.close()
            if not damaged or attempt == 1:
                return None  # in use by another writer past the timeout, or beyond repair: go without
            self._delete_files()
        return None

    @staticmethod
    def _prepare(db: sqlite3.Connection, check: bool = True) -> bool:
        """Set ``db`` up for this build; False when it is damaged (it fails SQLite's quick check).

        ``check``: run the check (once per process: what fails later is given up then).
        """
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA temp_store=MEMORY")
        if check and db.execute("PRAGMA quick_check(1)").fetchall() != [("ok",)]:
            return False
        if db.execute("PRAGMA user_version").fetchall() != [(SCHEMA,)]:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DROP TABLE IF EXISTS entries")
            # A rowid table: its (kind, key) index lists the keys of a kind without reading the
            # values, which a table without rowid keeps beside them (an article is kilobytes).
            db.execute("CREATE TABLE entries (kind TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, "
                       "PRIMARY KEY (kind, key))")
            db.execute(f"PRAGMA user_version={SCHEMA}")
            db.execute("COMMIT")
        return True

    def _delete_files(self) -> None:
        _CHECKED.discard(str(self.path))
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")

    def _writer(self) -> sqlite3.Connection | None:
        """The connection to write with, in a transaction; None in a worker or without a database."""
        if os.getpid() != self._owner:
            return None
        db = self._connection()
        if db is not None and not self._writing:
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                self._give_up(exc)
                return None
            self._writing = True
        return db

    def _give_up(self, exc: sqlite3.Error) -> None:
        """The owner's database failed while in use: go without it for this build (and delete it if damaged)."""
        db, self._db, self._writing = self._db, None, False
        self._stored.clear()
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()
        if not _busy(exc):
            self._delete_files()  # the next build starts a new one
        self._unavailable_pid, self._without_db = self._owner, True

    # -- entries -------------------------------------------------------------------------------

    def get(self, kind: str, key: str) -> Any:
        """The value stored for ``key``, or None."""
        self._used.add((kind, key))
        if (kind, key) in self._memory:
            return self._memory[(kind, key)]
        db = self._connection()
        if db is None or not self._may_hold(db, kind, key):
            return None
        try:
            rows = db.execute("SELECT value FROM entries WHERE kind = ? AND key = ?", (kind, key)).fetchall()
            value = pickle.loads(rows[0][0]) if rows else None
        except Exception:  # damaged, or of another shape: recompute
            return None
        if self.in_memory and value is not None:
            self._memory[(kind, key)] = value
        return value

    def put(self, kind: str, key: str, value: Any, *, disk: bool = True) -> None:
        """Store ``value`` for ``key``: in the database unless ``disk`` is False, in memory if kept there.

        Small results that a build saves all together (:meth:`preload` reads them back)
        are put with ``disk=False``: one entry each would cost more than it saves.
        Only the process that made the cache writes the database: a worker keeps
        what it puts in its own memory, if at all.
        """
        self._used.add((kind, key))
        if self.in_memory:
            self._memory[(kind, key)] = value
        if not (self.persistent and disk):
            return
        db = self._writer()
        if db is not None:
            try:
                db.execute("INSERT OR REPLACE INTO entries (kind, key, value) VALUES (?, ?, ?)",
                           (kind, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
                if kind in self._stored:
                    self._stored[kind].add(key)
                return
            except sqlite3.Error as exc:
                self._give_up(exc)
        if self._without_db and os.getpid() == self._owner:
            self._memory[(kind, key)] = value  # this build still reads it back (and workers forked after)

    def has(self, kind: str, key: str) -> bool:
        """True when a value for ``key`` is stored (without reading it)."""
        if (kind, key) in self._memory:
            return True
        db = self._connection()
        if db is None or not self._may_hold(db, kind, key):
            return False
        if kind in self._stored and os.getpid() == self._owner:
            return True  # the owner's list of keys is the database's
        try:
            return bool(db.execute("SELECT 1 FROM entries WHERE kind = ? AND key = ?", (kind, key)).fetchall())
        except sqlite3.Error:
            return False

    def _may_hold(self, db: sqlite3.Connection, kind: str, key: str) -> bool:
        """False when the database surely has no ``key`` of ``kind`` (the owner knows its keys)."""
        if os.getpid() != self._owner:
            return True  # a worker: what the owner committed since the fork is not in its copy
        if kind not in self._stored:
            try:
                self._stored[kind] = {k for (k,) in db.execute("SELECT key FROM entries WHERE kind = ?", (kind,))}
            except sqlite3.Error:
                return True
        return key in self._stored[kind]

    def keys(self, kind: str) -> frozenset[str]:
        """The keys of ``kind`` this cache holds (listed once): a caller need not look up any other."""
        found = {key for k, key in self._memory if k == kind}
        db = self._connection()
        if db is not None and os.getpid() == self._owner:
            self._may_hold(db, kind, "")  # lists them
            found |= self._stored.get(kind, set())
        return frozenset(found)

    def preload(self, kind: str, values: dict[str, Any]) -> None:
        """Hold ``values`` (key -> value of ``kind``) in memory for this build: one entry read, not one per key."""
        for key, value in values.items():
            self._memory[(kind, key)] = value

    def mark_used(self, kind: str, key: str) -> None:
        """Keep ``key`` through :meth:`prune` without reading it."""
        self._used.add((kind, key))

    def commit(self) -> None:
        """Make what was put so far readable by other processes (and durable as SQLite's WAL mode makes it)."""
        if not self._writing or os.getpid() != self._owner or self._db is None:
            return
        try:
            self._db.execute("COMMIT")
            self._writing = False
        except sqlite3.Error as exc:
            self._give_up(exc)

    def prune(self, kinds: Iterable[str]) -> None:
        """Delete entries of ``kinds`` not used since the cache was opened (keeps the database small), and commit."""
        kinds = tuple(kinds)
        for k in [k for k in self._memory if k[0] in kinds and k not in self._used]:
            del self._memory[k]
        db = self._writer() if kinds else None
        if db is not None:
            try:
                # The keys are read and compared here: a build uses nearly all of them, and
                # deleting the few others costs less than sending SQLite every key in use.
                # Those of a kind this process already listed (see _may_hold) are not read again.
                known = [k for k in kinds if k in self._stored] if os.getpid() == self._owner else []
                others = [k for k in kinds if k not in known]
                stored = [(kind, key) for kind in known for key in self._stored[kind]]
                if others:
                    marks = ", ".join("?" * len(others))
                    stored += db.execute(f"SELECT kind, key FROM entries WHERE kind IN ({marks})", others).fetchall()
                db.executemany("DELETE FROM entries WHERE kind = ? AND key = ?",
                               [k for k in stored if k not in self._used])
            except sqlite3.Error as exc:
                self._give_up(exc)
        self.commit()
        self._used.clear()
        self._stored.clear()

    def close(self) -> None:
        """Commit, and close this process's connection; the next use opens the database again."""
        self.commit()
        db, self._db = self._db, None
        self._stored.clear()  # another command may write before this cache is used again
        if db is not None:
            if self._db_pid == os.getpid():
                with contextlib.suppress(sqlite3.Error):
                    db.close()
            else:
                _INHERITED.append(db)
        self._writing = False
        if self._unavailable_pid == os.getpid():
            self._unavailable_pid = 0
            self._without_db = False
