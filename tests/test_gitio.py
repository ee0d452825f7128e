"""gitio: files at revisions through git, ranges as git diff reads them, clear errors."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from undersigned.errors import UndersignedError
from undersigned.review.gitio import (
    WORKING_TREE,
    NotARepositoryError,
    Repository,
    UnknownRevisionError,
)

# git must not read the developer's own configuration (signing, hooks, default branch …)
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_AUTHOR_DATE": "2023-09-21T12:00:00+00:00",
    "GIT_COMMITTER_DATE": "2023-09-21T12:00:00+00:00",
}


def git(root: Path, *args: str) -> str:
    """Run git in a throwaway repository with a neutral configuration."""
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}, check=True)
    return done.stdout.strip()


def make_repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "commit.gpgsign", "false")
    return root


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def commit_all(root: Path, message: str = "change") -> str:
    git(root, "add", "-A", ".")
    git(root, "commit", "-q", "--allow-empty", "-m", message)
    return git(root, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path) -> Path:
    root = make_repo(tmp_path / "ws")
    write(root, "letters/a.yaml", "kind: statement\ntitle: A\nbody: [one]\n")
    write(root, "signatories/a.yaml", "as_of: 2023-09-21\nsignatories: []\n")
    commit_all(root, "first")
    return root


def test_outside_a_repository_is_a_clear_error(tmp_path):
    with pytest.raises(NotARepositoryError, match="not inside a git repository.*git init"):
        Repository(tmp_path)


def test_errors_belong_to_the_library_hierarchy():
    assert issubclass(NotARepositoryError, UndersignedError)
    assert issubclass(UnknownRevisionError, UndersignedError)


def test_unknown_revision_names_itself(repo):
    with pytest.raises(UnknownRevisionError, match="unknown revision 'nope'"):
        Repository(repo).resolve_range("nope")


def test_a_remote_branch_not_fetched_suggests_fetching(repo):
    with pytest.raises(UnknownRevisionError, match="git fetch"):
        Repository(repo).resolve_range("origin/main...HEAD")


def test_an_option_is_not_taken_for_a_revision(repo):
    with pytest.raises(UnknownRevisionError, match="not a revision name"):
        Repository(repo).commit_of("--output=x")
    assert not (repo / "x").exists()


def test_a_repository_without_commits_says_so(tmp_path):
    root = make_repo(tmp_path / "empty")
    with pytest.raises(UnknownRevisionError, match="committed yet"):
        Repository(root).resolve_range()


def test_default_range_is_head_against_the_working_tree(repo):
    r = Repository(repo).resolve_range()
    assert (r.base.label, r.head.label, r.head.commit) == ("HEAD", WORKING_TREE, None)
    assert r.base.commit == git(repo, "rev-parse", "HEAD")


def test_two_revisions_and_double_dot(repo):
    first = git(repo, "rev-parse", "HEAD")
    write(repo, "letters/a.yaml", "kind: statement\ntitle: A2\nbody: [one]\n")
    second = commit_all(repo)
    r = Repository(repo).resolve_range("HEAD~1", "HEAD")
    assert (r.base.commit, r.head.commit) == (first, second)
    r = Repository(repo).resolve_range("HEAD~1..")
    assert (r.base.commit, r.head.commit, r.spec) == (first, second, "HEAD~1..HEAD")


def test_triple_dot_compares_with_the_merge_base(repo):
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "topic")
    write(repo, "letters/a.yaml", "kind: statement\ntitle: Topic\nbody: [one]\n")
    topic = commit_all(repo, "topic")
    git(repo, "checkout", "-q", "main")
    write(repo, "letters/b.yaml", "kind: statement\ntitle: B\nbody: [two]\n")
    commit_all(repo, "main moves on")
    r = Repository(repo).resolve_range("main...topic")
    assert (r.base.commit, r.head.commit) == (base, topic)
    assert r.base.label == "merge base of main and topic"
    # what the pull request changes: only letter a, not main's letter b
    assert Repository(repo).changed_slugs(r) == ["a"]


def test_unrelated_histories_have_no_merge_base(repo):
    git(repo, "checkout", "-q", "--orphan", "other")
    commit_all(repo, "unrelated")
    with pytest.raises(UnknownRevisionError, match="no common ancestor"):
        Repository(repo).resolve_range("main...other")


def test_read_at_a_revision_and_in_the_working_tree(repo):
    write(repo, "letters/a.yaml", "changed\n")
    r = Repository(repo)
    changes = r.resolve_range()
    assert r.read(changes.base, "letters/a.yaml").startswith(b"kind: statement")
    assert r.read(changes.head, "letters/a.yaml") == b"changed\n"
    assert r.read(changes.base, "letters/missing.yaml") is None
    assert r.read(changes.head, "letters/missing.yaml") is None


def test_changed_slugs_include_untracked_letters_but_not_private_files(repo):
    write(repo, "signatories/a.yaml", "as_of: 2023-09-22\nsignatories: []\n")
    write(repo, "letters/new.yaml", "kind: statement\ntitle: N\nbody: [x]\n")
    write(repo, "signatories/a.private.yaml", "contacts: []\n")
    write(repo, "notes/other.yaml", "x: 1\n")
    r = Repository(repo)
    assert r.changed_slugs(r.resolve_range()) == ["a", "new"]


def test_a_workspace_inside_a_larger_repository(tmp_path):
    top = make_repo(tmp_path / "top")
    ws = top / "campaigns" / "ws"
    write(ws, "letters/a.yaml", "kind: statement\ntitle: A\nbody: [one]\n")
    commit_all(top)
    write(ws, "letters/a.yaml", "kind: statement\ntitle: B\nbody: [one]\n")
    r = Repository(ws)
    changes = r.resolve_range()
    assert r.changed_slugs(changes) == ["a"]
    assert b"title: A" in r.read(changes.base, "letters/a.yaml")


def test_file_names_with_spaces_and_unicode(repo):
    write(repo, "letters/é t.yaml", "kind: statement\ntitle: E\nbody: [x]\n")
    commit_all(repo)
    write(repo, "letters/é t.yaml", "kind: statement\ntitle: F\nbody: [x]\n")
    r = Repository(repo)
    changes = r.resolve_range()
    assert r.changed_slugs(changes) == ["é t"]
    assert b"title: E" in r.read(changes.base, "letters/é t.yaml")
