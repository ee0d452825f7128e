"""Reading workspace files at git revisions through git itself (`git show REV:path`), and ranges."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import GitError, NotARepositoryError, UnknownRevisionError

WORKING_TREE = "working tree"
WATCHED = ("letters", "signatories", "translations")


@dataclass(frozen=True)
class Revision:
    """One side of a comparison: a commit, or the working tree (`commit` is None)."""

    label: str
    commit: str | None = None

    @property
    def is_working_tree(self) -> bool:
        return self.commit is None


@dataclass(frozen=True)
class Range:
    """What `diff` compares: `base` (the older side) against `head`."""

    base: Revision
    head: Revision
    spec: str = ""  # the revisions as the user gave them, for headings

    @property
    def label(self) -> str:
        return f"{self.base.label} → {self.head.label}"


class Repository:
    """The git repository around a workspace; paths are relative to the workspace root."""

    def __init__(self, root: Path):
        self.root = Path(root)
        if not self.root.is_dir():
            raise NotARepositoryError(f"{root}: no such directory")
        probe = self._run("rev-parse", "--show-toplevel", check=False)
        if probe.returncode != 0:
            raise NotARepositoryError(
                f"{self.root} is not inside a git repository, so there are no revisions to "
                "compare; run `git init` and commit the workspace first"
            )

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        env = {**os.environ, "LC_ALL": "C", "GIT_PAGER": "cat", "GIT_OPTIONAL_LOCKS": "0"}
        try:
            done = subprocess.run(["git", *args], cwd=self.root, capture_output=True, env=env,
                                  check=False)
        except FileNotFoundError:
            raise GitError("git is not installed or not on PATH; install git to compare "
                           "revisions") from None
        if check and done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip()
            raise GitError(f"git {args[0]} failed: {message}")
        return done

    # --- revisions ----------------------------------------------------------------------------

    def commit_of(self, rev: str) -> str:
        """The full commit id a revision names; UnknownRevisionError when it names none."""
        if not rev or rev.startswith("-") or any(c.isspace() or c == "\0" for c in rev):
            raise UnknownRevisionError(f"'{rev}' is not a revision name")
        done = self._run("rev-parse", "--verify", "--quiet", "--end-of-options",
                         f"{rev}^{{commit}}", check=False)
        if done.returncode != 0:
            hint = ""
            if rev == "HEAD" or rev.startswith("HEAD"):
                hint = " (has anything been committed yet?)"
            elif "/" in rev:
                hint = " (fetch it first: `git fetch`)"
            raise UnknownRevisionError(
                f"unknown revision '{rev}'{hint}; name a branch, tag or commit "
                "(`git log --oneline` lists commits)"
            )
        return done.stdout.decode().strip()

    def is_revision(self, rev: str) -> bool:
        """Whether `rev` (or an `A..B` / `A...B` range) names commits here."""
        try:
            for part in _split_range(rev):
                self.commit_of(part or "HEAD")
        except UnknownRevisionError:
            return False
        return True

    def merge_base(self, a: str, b: str) -> str:
        ca, cb = self.commit_of(a), self.commit_of(b)
        done = self._run("merge-base", ca, cb, check=False)
        if done.returncode != 0:
            raise UnknownRevisionError(f"'{a}' and '{b}' have no common ancestor; compare them "
                                       f"with '{a}..{b}' instead of '{a}...{b}'")
        return done.stdout.decode().strip()

    def resolve_range(self, rev_a: str | None = None, rev_b: str | None = None) -> Range:
        """Resolve `diff`'s revision arguments like `git diff` does.

        No revision: HEAD against the working tree. One: that revision against the working tree.
        Two: the first against the second. `A..B` is A against B; `A...B` is the merge base of A
        and B against B (what a pull request changes). An empty side of a range means HEAD.
        """
        if rev_a is not None and (".." in rev_a):
            if rev_b is not None:
                raise UnknownRevisionError(f"give either a range ('{rev_a}') or two revisions, "
                                           "not both")
            parts = _split_range(rev_a)
            a, b = (p or "HEAD" for p in parts)
            head = Revision(b, self.commit_of(b))
            if "..." in rev_a:
                base = Revision(f"merge base of {a} and {b}", self.merge_base(a, b))
                return Range(base, head, f"{a}...{b}")
            return Range(Revision(a, self.commit_of(a)), head, f"{a}..{b}")
        a = rev_a or "HEAD"
        base = Revision(a, self.commit_of(a))
        if rev_b is None:
            return Range(base, Revision(WORKING_TREE), a)
        return Range(base, Revision(rev_b, self.commit_of(rev_b)), f"{a} {rev_b}")

    # --- files --------------------------------------------------------------------------------

    def read(self, rev: Revision, path: str) -> bytes | None:
        """The bytes of a workspace file at a revision, or None when it does not exist there."""
        if rev.is_working_tree:
            from ..fileio import FileAccessError, read_file

            target = self.root / path
            if not os.path.lexists(target):
                return None
            try:  # the one read path: no link out of the workspace, no FIFO, size-capped
                return read_file(target, inside=self.root)
            except FileAccessError as e:
                if e.rule == "file-missing" and not os.path.islink(target):
                    return None
                raise GitError(f"{path}: {e.message}") from None
        done = self._run("show", "--no-textconv", f"{rev.commit}:./{path}", check=False)
        if done.returncode == 0:
            return done.stdout
        message = done.stderr.decode("utf-8", "replace")
        if "does not exist" in message or "exists on disk" in message:
            return None
        raise GitError(f"cannot read {path} at {rev.label}: {message.strip()}")

    def changed_files(self, changes: Range, under: tuple[str, ...] = WATCHED) -> list[str]:
        """Workspace-relative paths under `under` that differ between the two sides."""
        args = ["diff", "--name-only", "--no-renames", "--relative", "-z", changes.base.commit]
        if not changes.head.is_working_tree:
            args.append(changes.head.commit)
        names = set(_nul_split(self._run(*args, "--", *under).stdout))
        if changes.head.is_working_tree:
            untracked = self._run("ls-files", "--others", "--exclude-standard", "-z", "--",
                                  *under).stdout
            names.update(_nul_split(untracked))
        return sorted(names)

    def changed_slugs(self, changes: Range) -> list[str]:
        """The letters whose text or roster differ between the two sides, by slug."""
        slugs = set()
        for name in self.changed_files(changes):
            parts = name.split("/")
            if len(parts) == 3 and parts[0] == "translations" and parts[2].endswith(".yaml"):
                slugs.add(parts[1])  # translations/<slug>/<lang>.yaml
                continue
            if len(parts) != 2 or parts[0] not in WATCHED:
                continue
            stem = parts[1]
            for suffix in (".yaml", ".yml"):
                if stem.endswith(suffix):
                    stem = stem[: -len(suffix)]
                    break
            else:
                continue
            if "." not in stem:  # signatories/<slug>.private.yaml is private, not a roster
                slugs.add(stem)
        return sorted(slugs)


def _split_range(rev: str) -> list[str]:
    if "..." in rev:
        return rev.split("...", 1)
    if ".." in rev:
        return rev.split("..", 1)
    return [rev]


def _nul_split(data: bytes) -> list[str]:
    return [n for n in data.decode("utf-8", "surrogateescape").split("\0") if n]
