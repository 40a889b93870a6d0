"""Errors that carry their location as data, and the one place they are formatted.

Every stage raises :class:`PipelineError` (or collects several into a
:class:`Problems` report) with a :class:`Location`.  The command line prints
them as ``path:line: message`` (GNU style), which editors and CI annotate.
A problem inside a translation names both places, the catalog first (that is
where the translator fixes it):
``locales/ko/LC_MESSAGES/x.po:88: error: message (source content/_posts/x.md:12)``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """Where something came from: a file and a 1-based line (0 = whole file)."""

    path: str
    """Path as shown to the user, relative to the project root when possible."""
    line: int = 0
    """1-based line number; 0 when the problem concerns the whole file."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    @classmethod
    def of(cls, path: Path | str, line: int = 0, root: Path | None = None) -> Location:
        """Build a location, showing ``path`` relative to ``root`` when inside it."""
        p = Path(path)
        if root is not None:
            if p.is_absolute() == root.is_absolute() and p.is_relative_to(root) and ".." not in p.parts:
                return cls(p.relative_to(root).as_posix(), line)  # as spelled: no need to ask the disk
            with contextlib.suppress(ValueError):
                p = p.resolve().relative_to(root.resolve())
        return cls(p.as_posix(), line)


@dataclass(frozen=True, slots=True)
class Problem:
    """One diagnostic: where, how bad, what."""

    location: Location
    message: str
    severity: str = "error"
    """``"error"`` or ``"warning"``."""
    origin: Location | None = None
    """For a problem in a translation: the source block it translates."""

    def __str__(self) -> str:
        source = f" (source {self.origin})" if self.origin is not None else ""
        return f"{self.location}: {self.severity}: {self.message}{source}"


class PipelineError(Exception):
    """A problem that stops the current command; carries its location."""

    def __init__(self, location: Location, message: str, origin: Location | None = None):
        super().__init__(message)
        self.problem = Problem(location, message, "error", origin)

    @property
    def location(self) -> Location:
        return self.problem.location

    def __str__(self) -> str:
        return str(self.problem)


@dataclass
class Problems(Exception):  # noqa: N818 (a report, raised once)
    """Every problem found by a stage, raised once at the end (report all, then stop)."""

    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def error(self, location: Location, message: str, origin: Location | None = None) -> None:
        self.items.append(Problem(location, message, "error", origin))

    def warning(self, location: Location, message: str, origin: Location | None = None) -> None:
        self.items.append(Problem(location, message, "warning", origin))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def raise_if_errors(self) -> None:
        """Raise ``self`` when any error was collected (warnings alone do not stop)."""
        if self.errors:
            raise self

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.items)

    def __bool__(self) -> bool:
        return bool(self.items)
